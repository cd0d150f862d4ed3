"""`flask xapi`: what waits in the outbox, sending it now, retrying refused statements."""

import click
from flask import current_app
from flask.cli import AppGroup

from learnhub.extensions import db
from learnhub.xapi import sending, services

xapi_cli = AppGroup("xapi", help="Learning records sent to the Learning Record Store (xAPI).")


@xapi_cli.command("status")
def status_command():
    """How many statements wait, and how many the LRS refused."""
    counts = services.outbox_counts()
    click.echo(f"LRS: {current_app.config['XAPI_LRS_URL'] or 'none (XAPI_LRS_URL unset: nothing is recorded)'}")
    click.echo(f"queued: {counts.get('queued', 0)}  refused: {counts.get('refused', 0)}")


@xapi_cli.command("send")
def send_command():
    """Send every statement due now, batch after batch, until none is left or the LRS stops taking them."""
    total = 0
    while True:
        sent = sending.send_batch()
        db.session.commit()
        total += sent
        if not sent:
            break
    click.echo(f"sent: {total}")


@xapi_cli.command("retry-refused")
def retry_command():
    """Queue the statements the LRS refused again."""
    count = sending.retry_refused()
    db.session.commit()
    click.echo(f"queued again: {count}")
