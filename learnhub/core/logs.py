"""Logs that hold no secrets: phone numbers masked, passwords, tokens and cookies removed.

Every record is cleaned when it is made, so this also covers what libraries log (the
development server's and gunicorn's access lines, with their query strings).
"""

import logging
import re

_PHONE = re.compile(r"(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)")
_SECRET_PARAMS = re.compile(r"(?i)((?:password|password2|current_password|csrf_token|token|payload|secret)=)[^&\s\"']*")
_COOKIE = re.compile(r"(?i)(learnhub_session=)[^;\s\"']*")


def scrub(text):
    """The text with phone numbers masked and secrets replaced by ***."""
    text = _PHONE.sub(r"\1****\2", text)
    text = _SECRET_PARAMS.sub(r"\1***", text)
    return _COOKIE.sub(r"\1***", text)


def _scrubbing_factory(previous):
    def make_record(*args, **kwargs):
        record = previous(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # a record whose arguments do not fit its format: leave it alone
            return record
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        return record

    make_record.learnhub_scrubs = True
    return make_record


def init_app(app):
    """Scrub every log record when it is made, whichever logger or handler it goes to.

    A record factory, rather than a filter on some handlers, also catches libraries and
    handlers added later (gunicorn's, a test's).
    """
    factory = logging.getLogRecordFactory()
    if not getattr(factory, "learnhub_scrubs", False):
        logging.setLogRecordFactory(_scrubbing_factory(factory))
