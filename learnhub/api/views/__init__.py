"""The API's pages on the site: personal tokens (profile page), union systems' clients (admins),
the OAuth 2.0 token endpoint and the browsable docs.

The JSON API itself is in `me.py` (flask-smorest blueprints, registered through the Api).
"""

from flask import Blueprint

from learnhub.api.auth import rate_limit
from learnhub.api.views import clients, docs, oauth, tokens
from learnhub.core.security import CONTENT_SECURITY_POLICY
from learnhub.extensions import limiter, talisman

bp = Blueprint(
    "api", "learnhub.api", template_folder="templates", static_folder="static", static_url_path="/api/static"
)

# The docs page allows Swagger UI's inline images (data: icons); the rest is the site's policy.
_DOCS_POLICY = dict(CONTENT_SECURITY_POLICY, **{"img-src": "'self' data:"})

for rule, endpoint, view, methods in (
    ("/me/tokens", "tokens", tokens.tokens, "GET POST"),
    ("/me/tokens/<int:token_id>/revoke", "revoke", tokens.revoke, "POST"),
    ("/api/v1/docs", "docs", talisman(content_security_policy=_DOCS_POLICY)(docs.docs), "GET"),
    ("/api/v1/docs/<filename>", "docs_asset", docs.asset, "GET"),
    ("/api/v1/oauth/token", "oauth_token", limiter.limit(rate_limit, key_func=oauth.client_key)(oauth.token), "POST"),
    ("/api-clients/", "clients", clients.clients, "GET POST"),
    ("/api-clients/<int:client_pk>/revoke", "revoke_client", clients.revoke_client, "POST"),
):
    bp.add_url_rule(rule, endpoint, view, methods=methods.split())
