"""`flask accounts ...`: account tasks for the command line."""

from flask.cli import AppGroup

accounts_cli = AppGroup("accounts", help="Accounts and bulk onboarding.")
