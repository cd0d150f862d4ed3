"""Response headers, safe redirects and the small checks every feature shares."""

from urllib.parse import unquote, urlsplit

from learnhub.extensions import talisman

CONTENT_SECURITY_POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "media-src": "'self'",
    "font-src": "'none'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def safe_next_url(target):
    """Return `target` if it is a path on this site, else None.

    Refuses other hosts in every spelling a browser would follow: `//evil`, `/\\evil`,
    `https://evil`, `javascript:`, control characters that browsers strip, and the same
    written with percent-encoding.
    """
    if not target or not isinstance(target, str):
        return None
    candidate = target.strip()
    decoded = candidate
    for _ in range(3):
        decoded = unquote(decoded)
    if not candidate.startswith("/") or decoded.startswith("//"):
        return None
    if "\\" in decoded or any(ord(ch) < 32 or ord(ch) == 127 for ch in decoded):
        return None
    parts = urlsplit(decoded)
    if parts.scheme or parts.netloc:
        return None
    return candidate


def _policy(config):
    """The content security policy; media may also come from the bucket's presigned addresses."""
    from learnhub.core.storage import media_origin

    origin = media_origin(config)
    if origin is None:
        return CONTENT_SECURITY_POLICY
    extra = {name: f"'self' {origin}" for name in ("img-src", "media-src")}
    return {**CONTENT_SECURITY_POLICY, **extra}


def init_app(app):
    """Send CSP, nosniff, a referrer policy and frame-ancestors on every response."""
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"] or app.config.get("HSTS", False),
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        content_security_policy=_policy(app.config),
        frame_options="DENY",
        referrer_policy="same-origin",
        x_content_type_options=True,
    )
