from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required

from learnhub.core.i18n import gettext as _
from learnhub.core.inputs import page_number
from learnhub.extensions import db, login_manager
from learnhub.notify import services as notify
from learnhub.notify import sms
from learnhub.notify.forms import ActionForm, SmsChoiceForm
from learnhub.notify.models import SmsLogEntry

bp = Blueprint("notify", "learnhub.notify", template_folder="templates")


@bp.get("/inbox")
@login_required
def inbox():
    page = db.paginate(notify.inbox_query(current_user), page=page_number(), per_page=20, error_out=False)
    return render_template("notify/inbox.html", page=page, form=ActionForm())


@bp.post("/inbox/<int:notification_id>/read")
@login_required
def read(notification_id):
    if not ActionForm().validate_on_submit():
        abort(400)
    notification = notify.mark_read(current_user, notification_id)
    db.session.commit()
    return redirect(notification.link or url_for("notify.inbox"))


@bp.post("/inbox/read")
@login_required
def read_all():
    if not ActionForm().validate_on_submit():
        abort(400)
    notify.mark_all_read(current_user)
    db.session.commit()
    return redirect(url_for("notify.inbox"))


@bp.post("/me/sms")
@login_required
def sms_choices():
    form = SmsChoiceForm(user=current_user)
    if not form.validate_on_submit():
        abort(400)
    sms.set_sms_events(current_user, form.events.data or [])
    db.session.commit()
    flash(_("Your choice of messages by SMS is saved."), "success")
    return redirect(url_for("accounts.profile"))


def profile_section(user):
    """The profile page's part: which events also come by SMS."""
    form = SmsChoiceForm(formdata=None, events=sms.sms_events(user), user=user)
    return {"sms_form": form, "has_phone": bool(user.phone)}


def _deployment_admin():
    """Pages for the admins of the national union only (the deployment's admins); 404 for anyone else."""
    if not current_user.is_authenticated:
        return login_manager.unauthorized()
    if current_user.role != "admin" or current_user.org.parent_id is not None:
        abort(404)
    return None


@bp.get("/sms/log")
def sms_log():
    refused = _deployment_admin()
    if refused is not None:
        return refused
    page = db.paginate(
        db.select(SmsLogEntry).order_by(SmsLogEntry.id.desc()), page=page_number(), per_page=50, error_out=False
    )
    return render_template("notify/sms_log.html", page=page)


@bp.get("/sms/failed")
def sms_failed():
    refused = _deployment_admin()
    if refused is not None:
        return refused
    page = db.paginate(sms.failed_query(), page=page_number(), per_page=50, error_out=False)
    return render_template("notify/sms_failed.html", page=page, form=ActionForm())


@bp.post("/sms/failed/<int:message_id>/retry")
def sms_retry(message_id):
    refused = _deployment_admin()
    if refused is not None:
        return refused
    if not ActionForm().validate_on_submit():
        abort(400)
    if not sms.retry_failed(message_id):
        abort(404)
    db.session.commit()
    flash(_("The message is in the outbox again."), "success")
    return redirect(url_for("notify.sms_failed"))


def unread_badge(user):
    """The menu's count of unread messages (None when there are none)."""
    return notify.unread_count(user) or None
