"""What credits does when accounts asks: the learning account in "download my data".

Erasure keeps the ledger: it is anonymous once the person's name and logins are gone, and the
union's figures must keep adding up.
"""

from learnhub.accounts.signals import personal_data_requested
from learnhub.credits.models import Account, LedgerEntry
from learnhub.extensions import db


def connect():
    """Subscribe to accounts' signals (called by credits.init_app)."""
    personal_data_requested.connect(on_personal_data_requested)


def on_personal_data_requested(user, **_kwargs):
    account = db.session.scalar(db.select(Account).where(Account.user_id == user.id))
    if account is None:
        return "learning_account", None
    entries = db.session.scalars(
        db.select(LedgerEntry).where(LedgerEntry.account_id == account.id).order_by(LedgerEntry.id)
    )
    return "learning_account", {
        "number": account.number,
        "entries": [
            {
                "id": e.id,
                "kind": e.kind,
                "source": f"{e.source_type}:{e.source_id}",
                "credits": str(e.credits),
                "minutes": e.minutes,
                "note": e.note,
                "created_at": e.created_at.isoformat(),
                "reverses": e.reverses_id,
            }
            for e in entries
        ],
    }
