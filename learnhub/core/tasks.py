"""The task queue: work that runs outside the request, with Huey.

Each app gets its own queue in `init_app`, from config: TASK_QUEUE_URL ("redis://…" in
production, shared by every server; "sqlite:///path" or, unset, a SQLite file in instance/
for the embedded demo; "memory://" for the tests). A feature adds its tasks in its own
`init_app`:

    tasks.add_task(app, recount_headcounts, schedule=crontab(minute="*/5"))

and a service or view puts one on the queue with `tasks.enqueue(recount_headcounts)`. A task
runs inside an app context and commits once at the end, as a request does; one that fails is
retried. `flask tasks worker` is the consumer (`make run` starts it beside the web server).
"""

from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from huey import MemoryHuey, RedisHuey, SqliteHuey

from learnhub.extensions import db

_KEY = "learnhub_tasks"


def make_queue(url, instance_path, name="learnhub"):
    """A Huey queue for `url` (see the module's docstring); `name` keeps it apart from others in one Redis."""
    if url and url.startswith(("redis://", "rediss://", "unix://")):
        return RedisHuey(name, url=url, results=False)
    if url == "memory://":
        return MemoryHuey(name, results=False)
    path = url.removeprefix("sqlite:///") if url else str(Path(instance_path) / "tasks.sqlite3")
    return SqliteHuey(name, filename=path, results=False)


def init_app(app):
    """Give the app its queue and the `flask tasks` commands."""
    queue = make_queue(
        app.config.get("TASK_QUEUE_URL"), app.instance_path, app.config.get("TASK_QUEUE_NAME") or "learnhub"
    )
    app.extensions[_KEY] = {"queue": queue, "tasks": {}}
    app.cli.add_command(tasks_cli)


def queue(app=None):
    """The Huey instance of `app` (the current app by default)."""
    return (app or current_app).extensions[_KEY]["queue"]


def _name(function):
    return f"{function.__module__}.{function.__name__}"


def add_task(app, function, *, schedule=None, retries=3, retry_delay=60):
    """Make `function` a task of `app`'s queue; with `schedule` (a huey.crontab), a periodic one."""

    def run(*args, **kwargs):
        with app.app_context():
            try:
                result = function(*args, **kwargs)
                db.session.commit()
            except BaseException:
                db.session.rollback()
                raise
            return result

    huey = queue(app)
    options = dict(retries=retries, retry_delay=retry_delay, name=_name(function))
    wrapper = huey.periodic_task(schedule, **options)(run) if schedule else huey.task(**options)(run)
    app.extensions[_KEY]["tasks"][_name(function)] = wrapper
    return wrapper


def enqueue(function, *args, **kwargs):
    """Put a run of the task `function` on the current app's queue."""
    current_app.extensions[_KEY]["tasks"][_name(function)](*args, **kwargs)


tasks_cli = AppGroup("tasks", help="The task queue.")


@tasks_cli.command("worker")
@click.option(
    "--workers", type=click.IntRange(1, 64), default=2, show_default=True, help="How many tasks run at once (threads)."
)
@click.option(
    "--periodic/--no-periodic",
    default=True,
    show_default=True,
    help="Also schedule the periodic tasks (in one consumer of a deployment only).",
)
def worker_command(workers, periodic):
    """Run the queue's consumer: queued and periodic tasks, until stopped (Ctrl-C or SIGTERM)."""
    queue().create_consumer(workers=workers, worker_type="thread", periodic=periodic).run()
