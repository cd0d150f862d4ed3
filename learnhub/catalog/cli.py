"""`flask courses ...`: course packages in and out of the catalogue, for trainers and deploys."""

from pathlib import Path

import click
from flask.cli import AppGroup
from sqlalchemy import select

from learnhub.catalog.importing import export_course, import_packages
from learnhub.catalog.models import Course
from learnhub.extensions import db

courses_cli = AppGroup("courses", help="Course packages: import courses/, export a course.")


@courses_cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, file_okay=False, path_type=Path))
def import_command(paths):
    """Import course packages: each PATH is a package folder or a folder of them (courses/).

    A package with any error is not written at all; the others are. Exits 1 if one failed.
    """
    report = import_packages(*paths)
    if not report.packages:
        raise click.ClickException("no course packages (folders with a course.yaml) found")
    for result in report.packages:
        for error in result.errors:
            # stdout, like the summaries: piped into a log, each error stays above its package.
            click.echo(str(error))
        click.echo(f"{result.slug}: {_summary(result)}")
    # One commit for all valid packages; a failed package wrote nothing to commit.
    db.session.commit()
    counts = {
        status: sum(1 for r in report.packages if r.status == status)
        for status in ("created", "updated", "unchanged", "failed")
    }
    click.echo(", ".join(f"{count} {status}" for status, count in counts.items()) + ".")
    if report.failed:
        raise SystemExit(1)


def _summary(result):
    if result.status == "failed":
        return f"failed, {len(result.errors)} error{'s' if len(result.errors) != 1 else ''}; nothing written"
    if result.status == "created":
        return f"created with {result.modules} modules"
    if result.status == "updated":
        return "updated: " + "; ".join(result.changes)
    return "unchanged"


@courses_cli.command("export")
@click.argument("slug")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def export_command(slug, folder):
    """Write the course SLUG as a package in FOLDER/SLUG (or in FOLDER if it is named SLUG)."""
    course = db.session.scalar(select(Course).where(Course.slug == slug))
    if course is None:
        raise click.ClickException(f"no course with the slug '{slug}'")
    target = folder if folder.name == slug else folder / slug
    if target.exists() and any(target.iterdir()):
        raise click.ClickException(f"{target} is not empty; export into a new or empty folder")
    names = export_course(course, target)
    click.echo(f"{slug}: wrote course.yaml and {len(names)} modules to {target}")
