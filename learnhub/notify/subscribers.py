"""Receivers of accounts' signals: a person's messages go with their account."""

from sqlalchemy import delete

from learnhub.accounts.signals import account_erasing
from learnhub.extensions import db
from learnhub.notify.models import Notification, SmsMessage, SmsPreference


def connect():
    account_erasing.connect(on_account_erasing)


def on_account_erasing(user, **_kwargs):
    """Remove the person's messages, SMS (with their phone number) and choices."""
    for model in (Notification, SmsMessage, SmsPreference):
        db.session.execute(delete(model).where(model.user_id == user.id))
