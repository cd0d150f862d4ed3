"""Input as it arrives, before any view reads it: addresses, query strings, page numbers, ids.

Forms check what people type (see core.forms); this module covers what comes in the address
bar, where there is no field to show a message beside: an odd value is ignored or clamped, so
that no view has to think of NUL bytes, numbers past what the database holds, or pages past the end.
"""

import unicodedata

from flask import abort, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

# The largest id an id column holds (INTEGER, signed 32-bit on PostgreSQL): past it PostgreSQL
# refuses the comparison ("integer out of range") and SQLite, past 64 bits, raises OverflowError,
# each a 500 had the number reached them.
ID_MAX = 2**31 - 1
# No listing has this many pages; a larger ?page= shows the last page's emptiness, not an error.
PAGE_MAX = 100_000


def _is_control(ch):
    return unicodedata.category(ch) == "Cc"


def without_controls(text):
    """The text without control characters (NUL, escape, ...), which no person types."""
    return "".join(ch for ch in text if not _is_control(ch)) if any(_is_control(ch) for ch in text) else text


def parse_id(value):
    """A record id from a query string or form: a whole number from 1 to ID_MAX, else None."""
    text = unicodedata.normalize("NFKC", str(value if value is not None else "")).strip()
    if not text.isascii() or not text.isdigit() or len(text) > 10:
        return None
    number = int(text)
    return number if 1 <= number <= ID_MAX else None


def page_number():
    """The ?page= of a listing as a whole number from 1 to PAGE_MAX; anything else is page 1."""
    text = unicodedata.normalize("NFKC", request.args.get("page", "")).strip()
    if not text.isascii() or not text.isdigit():
        return 1
    return max(1, min(int(text[:7]), PAGE_MAX))


def query_args(*drop):
    """This request's query string, to carry into `url_for` (filters kept across pages).

    Only non-empty values, and never a name `url_for` would take for something else: the
    address's own parameters (`?org_id=` on /stats/<org_id>/…), its reserved words (`_method`,
    `_external`, `_scheme`, `_anchor`: anything starting with `_`), or those in `drop`.
    """
    taken = set(drop) | set(request.view_args or {})
    return {k: v for k, v in request.args.items() if v and not k.startswith("_") and k not in taken}


class IdConverter(IntegerConverter):
    """<int:...> in an address: at most ID_MAX, so a longer number is a 404, not a 500."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", ID_MAX)
        super().__init__(map, *args, **kwargs)


def _guard_request():
    # An address with a control character names nothing we have (and PostgreSQL would refuse
    # to compare it with a slug); a query string loses its control characters before views
    # read it, so a search for "a\x00b" is a search for "ab".
    if any(_is_control(ch) for ch in request.path):
        abort(404)
    args = request.args
    if any(_is_control(ch) for key, value in args.items(multi=True) for ch in key + value):
        request.args = ImmutableMultiDict(
            [(without_controls(key), without_controls(value)) for key, value in args.items(multi=True)]
        )


def init_app(app):
    """Bound <int:> converters (before blueprints add their routes) and the request guard."""
    app.url_map.converters["int"] = IdConverter
    app.before_request(_guard_request)
