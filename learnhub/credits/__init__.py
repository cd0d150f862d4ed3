"""The learning account (学习账户): an append-only ledger of credits and hours, and the record."""

from flask import Blueprint

bp = Blueprint("credits", __name__, template_folder="templates")

from learnhub.credits import models, views  # noqa: E402,F401  (routes attach to bp)
