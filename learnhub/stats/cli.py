"""`flask stats ...`: statistics tasks for the command line."""

import time

import click
from flask.cli import AppGroup

from learnhub.extensions import db

stats_cli = AppGroup("stats", help="Union statistics.")


@stats_cli.command("rebuild")
def rebuild_command():
    """Recompute the rollups from enrolments and the ledger (safe to run at any time)."""
    from learnhub.stats.rollups import rebuild_rollups

    started = time.monotonic()
    rows, subtree_rows = rebuild_rollups()
    db.session.commit()
    click.echo(
        f"Rollups rebuilt: {rows} rows per union and course, {subtree_rows} per subtree and "
        f"category, in {time.monotonic() - started:.1f} s."
    )
