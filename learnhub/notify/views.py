from flask import Blueprint, abort, redirect, render_template, url_for
from flask_login import current_user, login_required

from learnhub.core.forms import Form
from learnhub.core.inputs import page_number
from learnhub.extensions import db
from learnhub.notify import services as notify

bp = Blueprint("notify", "learnhub.notify", template_folder="templates")


class ActionForm(Form):
    """A button and its CSRF token."""


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


def unread_badge(user):
    """The menu's count of unread messages (None when there are none)."""
    return notify.unread_count(user) or None
