"""`flask backup DIR` and `flask restore FILE`: a consistent copy while the site runs.

SQLite uses its online backup API (a consistent snapshot even while requests write);
PostgreSQL uses pg_dump's custom format, itself a consistent snapshot, and pg_restore.
"""

import os
import shutil
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy.engine import make_url

from learnhub.extensions import db


class BackupError(click.ClickException):
    """A backup or restore that could not be done; the message says why."""


def _url():
    return make_url(current_app.config["SQLALCHEMY_DATABASE_URI"])


def _pg_env(url):
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = url.password
    return env


def _pg_args(url):
    args = ["--host", url.host or "127.0.0.1", "--dbname", url.database]
    if url.port:
        args += ["--port", str(url.port)]
    if url.username:
        args += ["--username", url.username]
    return args


def _private_file(path):
    """Create `path` empty and readable by its owner only (0600) before anything is written to it.

    A backup holds everyone's personal data: it never exists readable by all, not even for a moment.
    """
    os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    os.chmod(path, 0o600)  # whatever the umask
    return path


def backup_database(folder):
    """Write a consistent copy of the database into `folder`; return the file's path."""
    url = _url()
    folder = Path(folder)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise BackupError("an in-memory database cannot be backed up")
        target = _private_file(folder / f"learnhub-{stamp}.sqlite3")
        source = sqlite3.connect(url.database)
        copy = sqlite3.connect(target)
        try:
            with copy:
                source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target
    if url.get_backend_name() == "postgresql":
        if shutil.which("pg_dump") is None:
            raise BackupError("pg_dump is not installed")
        target = _private_file(folder / f"learnhub-{stamp}.pgdump")  # pg_dump keeps its mode
        result = subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", "--file", str(target), *_pg_args(url)],
            env=_pg_env(url),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_dump failed: {result.stderr.strip()}")
        return target
    raise BackupError(f"no backup method for {url.get_backend_name()}")


def restore_database(path):
    """Replace the database's contents with those of a backup made by backup_database."""
    url = _url()
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} is not a file")
    db.session.remove()
    db.engine.dispose()  # nothing of ours may hold the database while it is replaced
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(path)
        try:
            source.execute("PRAGMA schema_version")  # fails early if it is not a database
            live = sqlite3.connect(url.database)
            try:
                source.backup(live)
            finally:
                live.close()
        except sqlite3.DatabaseError as error:
            raise BackupError(f"{path} is not a LearnHub SQLite backup: {error}") from None
        finally:
            source.close()
        return
    if url.get_backend_name() == "postgresql":
        result = subprocess.run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--single-transaction", *_pg_args(url), str(path)],
            env=_pg_env(url),
            capture_output=True,
            text=True,
        )
        if result.returncode != 0:
            raise BackupError(f"pg_restore failed: {result.stderr.strip()}")
        return
    raise BackupError(f"no restore method for {url.get_backend_name()}")


@click.command("backup")
@click.argument("folder", type=click.Path(file_okay=False))
@with_appcontext
def backup_command(folder):
    """Write a consistent copy of the database into FOLDER (safe while the site runs)."""
    click.echo(f"Backup written: {backup_database(folder)}")


@click.command("restore")
@click.argument("path", type=click.Path(dir_okay=False, exists=True))
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@with_appcontext
def restore_command(path, yes):
    """Replace the database with the backup at PATH. Stop the site first."""
    if not yes:
        click.confirm("This replaces everything in the database with the backup. Go on?", abort=True)
    restore_database(path)
    click.echo(f"Restored from {path}.")
