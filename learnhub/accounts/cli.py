"""`flask accounts ...`: account tasks for the command line."""

import os
import sys

import click
from flask import current_app
from flask.cli import AppGroup

from learnhub.accounts import onboarding, twofactor
from learnhub.accounts.services import find_by_login
from learnhub.core.errors import DomainError
from learnhub.core.i18n import force_locale
from learnhub.core.i18n import gettext as _
from learnhub.extensions import db

accounts_cli = AppGroup("accounts", help="Accounts and bulk onboarding.")


@accounts_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
@click.option(
    "--admin",
    "admin_login",
    required=True,
    help="Username of the union admin the accounts are opened for; their subtree is the scope.",
)
@click.option("--dry-run", is_flag=True, help="Report on every row and write nothing.")
@click.option(
    "--out",
    type=click.Path(dir_okay=False),
    help="Write the initial passwords to this CSV file instead of printing them.",
)
def import_accounts(path, admin_login, dry_run, out):
    """Open worker accounts in bulk (集体开户) from a CSV or XLSX file."""
    # No request, so no browser to choose a language: reports speak the site's default.
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        _import(path, admin_login, dry_run, out)


def _import(path, admin_login, dry_run, out):
    admin = find_by_login(admin_login)
    if admin is None or not admin.is_admin or not admin.is_active:
        raise click.ClickException(_("No active union admin with the login “%(login)s”.", login=admin_login))
    with open(path, "rb") as file:
        data = file.read(current_app.config["IMPORT_MAX_BYTES"] + 1)
    try:
        plan = onboarding.plan_import(admin, onboarding.read_table(os.path.basename(path), data))
    except DomainError as error:
        raise click.ClickException(error.message) from None

    for r in plan.rows:
        click.echo(f"{r.row:>6}  {r.status:<7} {r.shown['name']}  {' '.join(r.reasons)}".rstrip())
    click.echo(
        _(
            "%(new)d new, %(exists)d already registered, %(errors)d with errors (skipped).",
            new=len(plan.new),
            exists=len(plan.existing),
            errors=len(plan.errors),
        )
    )
    if dry_run or not plan.new:  # planning only reads
        click.echo(_("Nothing was written."))
        return

    # The bar goes to stderr, so that the passwords on stdout can be piped into a file.
    with click.progressbar(length=len(plan.new), label=_("Opening accounts"), file=sys.stderr) as bar:
        try:
            created = onboarding.apply_import(admin, plan, progress=lambda: bar.update(1))
        except DomainError as error:
            db.session.rollback()
            raise click.ClickException(error.message) from None
    text = onboarding.passwords_csv(onboarding.password_sheet(created))
    if out:
        # The passwords are written before the commit, so a failure here opens nothing.
        try:
            with os.fdopen(
                os.open(out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "w", encoding="utf-8", newline=""
            ) as file:
                file.write(text)
        except OSError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(_("%(num)d accounts opened. Hand out the initial passwords; they are not stored.", num=len(created)))
    if out:
        click.echo(_("Initial passwords written to %(path)s.", path=out))
    else:
        click.echo(text.lstrip("\ufeff"), nl=False)


@accounts_cli.command("reset-two-step")
@click.argument("login")
def reset_two_step(login):
    """Reset a person's two-step sign-in (a lost phone) when no admin stands above them."""
    with force_locale(current_app.config["BABEL_DEFAULT_LOCALE"]):
        person = find_by_login(login)
        if person is None:
            raise click.ClickException(_("No account with the login “%(login)s”.", login=login))
        try:
            twofactor.reset_two_factor_from_console(person)
        except DomainError as error:
            raise click.ClickException(error.message) from None
        db.session.commit()
        click.echo(
            _(
                "%(name)s signs in with their password again, and has been logged out everywhere.",
                name=person.name,
            )
        )
