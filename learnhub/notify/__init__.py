"""The inbox (消息) and SMS: what the platform and the union tell a person, kept until read.

Higher features call `notify.services.notify(...)` when something happens that the person
should know (an application decided, a course required of them); each notification has a key
so that a retry or a second server never sends it twice. A notification also goes out by SMS
when the person chose its event (`notify/sms.py`: quiet hours, a daily cap, each message at
most once) through the configured provider (`notify/providers.py`: log, Alibaba Cloud, Tencent).
"""


def init_app(app):
    """Register the inbox and SMS pages, the menu item with the unread count, the sending tasks."""
    from huey import crontab

    from learnhub.core import nav, tasks
    from learnhub.core.i18n import lazy_gettext as _l
    from learnhub.notify import sms, subscribers, views

    app.register_blueprint(views.bp)
    nav.add_menu_item(app, "notify.inbox", _l("Messages"), order=85, badge=views.unread_badge)
    nav.add_to_slot(app, "profile", "notify/_profile_sms.html", context=views.profile_section)
    subscribers.connect()
    sms.listen()
    # The row in sms_message carries the tries and the backoff: the task itself is not retried.
    tasks.add_task(app, sms.deliver, retries=0)
    tasks.add_task(app, sms.deliver_due, schedule=crontab(minute="*"), retries=0)
