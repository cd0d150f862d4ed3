"""Learning records in xAPI 1.0.3: every learning event as a statement, sent to a Learning Record Store.

The receivers of the learning, recognition and contests signals (subscribers.py) write each
event's statement to an outbox in the event's own transaction (services.py); the task queue
sends the outbox in batches to the LRS named by XAPI_LRS_URL (sending.py). Unset, nothing is
written or sent.
"""


def init_app(app):
    """Connect the receivers, and add the sending task and `flask xapi`."""
    from huey import crontab

    from learnhub.core import tasks
    from learnhub.xapi import cli, sending, subscribers

    subscribers.connect()
    tasks.add_task(app, sending.send_statements, schedule=crontab(minute="*"), retries=0)
    app.cli.add_command(cli.xapi_cli)
