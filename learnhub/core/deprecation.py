"""Telling callers what is going away: Deprecation (RFC 9745), Sunset (RFC 8594) and Link headers.

A view that is deprecated says so with `@deprecated(since=..., sunset=..., successor=...)`
under its route decorator (and, on the API's flask-smorest blueprints, the operation is marked
`deprecated: true` in the OpenAPI document). A whole prefix (a version of the API) is deprecated
with `deprecate_prefix(app, "/api/v1/", Deprecation(...))`. Every response of such a view or
prefix, errors included, then carries:

    Deprecation: @1798761600                        (since when: a Structured Field Date)
    Sunset: Fri, 31 Dec 2027 00:00:00 GMT            (when it will stop answering, if decided)
    Link: </api/v2/me>; rel="successor-version", </api/v1/docs>; rel="deprecation"; type="text/html"
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from email.utils import format_datetime

from flask import current_app, request

_KEY = "learnhub_deprecations"


def moment(value):
    """A date, datetime or ISO 8601 text as an aware UTC datetime (a date: its midnight UTC); None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value) if "T" in value or " " in value else date.fromisoformat(value)
    if not isinstance(value, datetime):
        value = datetime.combine(value, time(), UTC)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class Deprecation:
    """What is deprecated since when, when it goes (if decided), what replaces it and where that is explained."""

    since: datetime
    sunset: datetime | None = None
    successor: str | None = None  # a path on this site or an address
    info: str | None = None  # the page that explains the change

    def headers(self):
        """The response headers that announce it."""
        headers = {"Deprecation": f"@{int(self.since.timestamp())}"}
        if self.sunset is not None:
            headers["Sunset"] = format_datetime(self.sunset.astimezone(UTC), usegmt=True)
        links = []
        if self.successor:
            links.append(f'<{self.successor}>; rel="successor-version"')
        if self.info:
            links.append(f'<{self.info}>; rel="deprecation"; type="text/html"')
        if links:
            headers["Link"] = ", ".join(links)
        return headers


def deprecated(since, sunset=None, successor=None, info=None):
    """Decorator: this view is deprecated (put it under the route decorator)."""
    from flask_smorest import Blueprint

    notice = Deprecation(moment(since), moment(sunset), successor, info)

    def decorate(view):
        view._deprecation = notice
        # The OpenAPI document marks the operation (flask-smorest reads it; plain views ignore it),
        # and its wrapper keeps the notice (functools.wraps copies the function's attributes).
        return Blueprint.doc(deprecated=True)(view)

    return decorate


def deprecate_prefix(app, prefix, notice):
    """Every address under `prefix` is deprecated (a version of the API on its way out)."""
    app.extensions.setdefault(_KEY, []).append((prefix, notice))


def notice_for_request():
    """The deprecation that applies to this request, or None."""
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    notice = getattr(view, "_deprecation", None)
    if notice is not None:
        return notice
    for prefix, notice in current_app.extensions.get(_KEY, ()):
        if request.path.startswith(prefix):
            return notice
    return None


def add_headers(response):
    """After a request: announce the deprecation of what was called."""
    notice = notice_for_request()
    if notice is not None:
        for name, value in notice.headers().items():
            if name == "Link" and response.headers.get("Link"):
                value = f"{response.headers['Link']}, {value}"
            response.headers[name] = value
    return response


def init_app(app):
    """Add the headers to every response of something deprecated."""
    app.after_request(add_headers)
