"""The learning account (学习账户): an append-only ledger of credits and hours, and the record."""

from flask import Blueprint

from learnhub.core.audit import register_actions
from learnhub.core.i18n import lazy_gettext as _l
from learnhub.core.nav import home_section, nav_item

bp = Blueprint("credits", __name__, template_folder="templates")
nav_item(bp, "credits.record", _l("My record"), order=20)


def _account(user):
    from learnhub.credits.services import balance, get_account

    credits, minutes = balance(get_account(user))
    return {"credits": credits, "minutes": minutes}


home_section(bp, "credits/_home_account.html", order=30, context=_account)
register_actions({"ledger.reverse": _l("Ledger entry reversed")})

from learnhub.credits import models, privacy, views  # noqa: E402,F401  (routes attach to bp)
