"""What the credit bank tells a worker in their inbox (notify), in the worker's own language."""

from flask import current_app

from learnhub.core.i18n import force_locale
from learnhub.core.i18n import gettext as _
from learnhub.notify.services import notify


def _language(user):
    return user.locale or current_app.config["BABEL_DEFAULT_LOCALE"]


def application_changed(application, status, message="", event=None, credential=None):
    """The reviewer approved, rejected or asked for more about an application (`event`: that step).

    An approval's notice links the credential it issued, so the worker goes straight to it.
    """
    user, title = application.user, application.version.title
    with force_locale(_language(user)):
        titles = {
            "approved": _("Recognised: %(title)s", title=title),
            "rejected": _("Not recognised: %(title)s", title=title),
            "info_requested": _("Your union asks for more about your application: %(title)s", title=title),
        }
        link = f"/recognition/applications/{application.id}"
        if credential is not None:
            link = f"/credentials/{credential.uuid}"
            message = message or _("Your credential is ready: open it to show it or print it.")
        notify(
            user,
            key=f"application-event:{event.id}" if event is not None else f"application:{application.id}:{status}",
            kind=f"application.{status}",
            title=titles[status],
            body=message,
            link=link,
        )


def information_given(application, event, reviewer):
    """The worker sent what `reviewer` asked for: tell them, in the reviewer's language."""
    with force_locale(_language(reviewer)):
        files = len(event.files)
        body = event.message
        if files:
            body = (body + "\n" if body else "") + _("%(num)d files attached.", num=files)
        notify(
            reviewer,
            key=f"application-event:{event.id}",
            kind="review.info_given",
            title=_(
                "%(name)s answered about the application: %(title)s",
                name=application.user.name,
                title=application.version.title,
            ),
            body=body,
            link=f"/recognition/review/{application.id}",
        )


def claim_decided(claim):
    """The reviewer granted or rejected a claim of prior learning."""
    user = claim.user
    with force_locale(_language(user)):
        title = (
            _("Prior learning recognised: %(title)s", title=claim.title)
            if claim.status == "approved"
            else _("Prior learning not recognised: %(title)s", title=claim.title)
        )
        notify(
            user,
            key=f"prior:{claim.id}:{claim.status}",
            kind=f"prior_learning.{claim.status}",
            title=title,
            body=claim.reason or "",
            link=f"/recognition/prior/{claim.id}",
        )


def credential_issued(credential):
    """A credential was issued to the worker: where to show it."""
    user = credential.user
    with force_locale(_language(user)):
        notify(
            user,
            key=f"credential:{credential.uuid}:issued",
            kind="credential.issued",
            title=_("Credential issued: %(title)s", title=credential.title),
            body=_("Anyone can check it online or by its QR code."),
            link=f"/credentials/{credential.uuid}",
        )


def credential_revoked(credential):
    """A credential of the worker was withdrawn, and why."""
    user = credential.user
    with force_locale(_language(user)):
        notify(
            user,
            key=f"credential:{credential.uuid}:revoked",
            kind="credential.revoked",
            title=_("Credential revoked: %(title)s", title=credential.title),
            body=credential.revoke_reason or "",
            link=f"/credentials/{credential.uuid}",
        )
