"""The inbox (消息): what the platform and the union tell a person, kept until read.

Higher features call `notify.services.notify(...)` when something happens that the person
should know (an application decided, a course required of them); each notification has a key
so that a retry or a second server never sends it twice. SMS and reminders come as channels
and tasks on top of this (issue 15).
"""


def init_app(app):
    """Register the inbox page and its menu item with the unread count."""
    from learnhub.core import nav
    from learnhub.core.i18n import lazy_gettext as _l
    from learnhub.notify import views

    app.register_blueprint(views.bp)
    nav.add_menu_item(app, "notify.inbox", _l("Messages"), order=85, badge=views.unread_badge)
