"""Who is calling: a bearer token in the Authorization header, never a cookie.

`authenticate` runs before every view of the API's blueprints: it reads the token (if any),
finds its holder and keeps them on `g`. A view that needs a caller says so with `require`.
"""

import functools
import hashlib

from flask import abort, current_app, g, request
from flask_limiter.util import get_remote_address

from learnhub.api import services, unions


def bearer_token():
    """The token of `Authorization: Bearer <token>`, or None when there is none."""
    header = request.headers.get("Authorization", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def authenticate():
    """Keep the caller on `g`: a worker (api_user) or a union system (api_client), and the token's
    scopes (api_scopes). A token given but not valid is a 401."""
    g.api_user, g.api_client, g.api_scopes = None, None, frozenset()
    secret = bearer_token()
    if secret is None:
        if request.headers.get("Authorization"):
            abort(401)
        return
    if secret.startswith(unions.TOKEN_PREFIX):
        token, client = unions.union_token_holder(secret)
        if token is None:
            abort(401)
        g.api_client, g.api_scopes = client, frozenset(token.scopes.split())
        return
    token, user = services.personal_token_holder(secret)
    if token is None:
        abort(401)
    g.api_user, g.api_scopes = user, frozenset(token.scope_list)


def require_caller():
    """Before any view of a worker's own blueprint: no personal token, 401 (before the body is read)."""
    if g.get("api_user") is None:
        abort(401)


def require_client():
    """Before any view of the union systems' blueprint: no client's token, 401."""
    if g.get("api_client") is None:
        abort(401)


def require(scope):
    """Let a view through only for a caller whose token has `scope` (401 without one, 403 without the scope)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if g.get("api_user") is None and g.get("api_client") is None:
                abort(401)
            if scope not in g.api_scopes:
                abort(403)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def rate_key():
    """Rate limits count per token (by its hash), and per address for calls without one."""
    secret = bearer_token()
    if secret is None:
        return "api:addr:" + (get_remote_address() or "")
    return "api:token:" + hashlib.sha256(secret.encode()).hexdigest()[:32]


def rate_limit():
    return current_app.config["API_RATE_LIMIT"]
