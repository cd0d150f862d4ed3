"""The JSON API, v1 (/api/v1/): the same services as the pages, for a worker's app and union systems.

Built with **flask-smorest** (with marshmallow and apispec), rather than APIFlask, because:

- it is an extension of a plain Flask app (`Api(app)`), so `create_app` keeps building a
  `Flask` and the site's pages keep their own error pages, sessions and CSRF; APIFlask's
  OpenAPI document is made by its own `APIFlask` application class, which would replace ours;
- its blueprints are Flask blueprints, so the project's Flask-Limiter limits, CSRF exemption
  and `init_app` wiring apply to them as to any other;
- it has what the conventions need built in: request and response schemas that become the
  OpenAPI 3.1 document (apispec), ETags computed from the response (`@blp.etag`, answering 304
  to If-None-Match), and one overridable handler for every HTTP error (made RFC 9457 problem
  documents in `problems.py`).

Conventions: versioned paths (/api/v1/...); callers authenticate with a bearer token, never a
cookie (accounts' user loader ignores the session under /api/), so CSRF does not apply; errors
are problem documents in the language of Accept-Language; lists are paged by an opaque cursor;
reads carry an ETag; each token has its own rate limit (API_RATE_LIMIT); what is deprecated says
so in Deprecation, Sunset and Link headers (core.deprecation; `@deprecated` on an operation, or
API_V1_DEPRECATED_AT for the whole version) and in the OpenAPI document. The description is at
/api/v1/openapi.json and browsable at /api/v1/docs, served from this site.
"""

UNION_SCOPE_DOCS = {
    "roster": "Read the roster of the union's subtree and upsert workers by external id",
    "stats": "Read the statistics and the required courses",
    "completions": "Read the feed of completions",
}


def init_app(app):
    """Register the API's blueprints (CSRF-exempt, rate-limited per token), its docs and the tokens' pages."""
    from learnhub.api import auditlog, views
    from learnhub.api.problems import LearnHubApi
    from learnhub.api.services import PERSONAL_SCOPES
    from learnhub.api.views import me, oauth, tokens, union
    from learnhub.core import audit, deprecation, nav
    from learnhub.core.i18n import lazy_gettext as _l
    from learnhub.extensions import csrf

    api = LearnHubApi(app)  # API_TITLE, OPENAPI_VERSION (3.1.0), ... in config.py
    app.extensions["learnhub_api"] = api
    api.spec.components.security_scheme(
        "personal_token",
        {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal token made on the profile page. Scopes: "
            + ", ".join(PERSONAL_SCOPES)
            + " (record: read my enrolments, progress, record and credentials; learn: enrol and learn).",
        },
    )
    api.spec.components.security_scheme(
        "union_client",
        {
            "type": "oauth2",
            "description": "A union system's client (made by an admin of its union on /api-clients/).",
            "flows": {"clientCredentials": {"tokenUrl": "/api/v1/oauth/token", "scopes": dict(UNION_SCOPE_DOCS)}},
        },
    )
    for blueprint in (me.courses, me.me, union.union):
        csrf.exempt(blueprint)  # a token, not a cookie, authenticates: there is nothing to forge
        api.register_blueprint(blueprint)
    oauth.init_server(app)
    if app.config.get("API_V1_DEPRECATED_AT"):
        # The operator announces v1's end: every /api/v1 answer says since when, until when, what next.
        deprecation.deprecate_prefix(
            app,
            "/api/v1/",
            deprecation.Deprecation(
                deprecation.moment(app.config["API_V1_DEPRECATED_AT"]),
                deprecation.moment(app.config.get("API_V1_SUNSET_AT")),
                app.config.get("API_V1_SUCCESSOR") or None,
                "/api/v1/docs",
            ),
        )
    csrf.exempt(oauth.token)  # the client's secret authenticates it

    app.register_blueprint(views.bp)  # the tokens' pages, the docs
    nav.add_to_slot(app, "profile", "api/_tokens.html", context=tokens.profile_section)
    nav.add_menu_item(app, "api.clients", _l("API clients"), roles={"admin"}, order=95)
    audit.register_actions(app, auditlog.LABELS, auditlog.SENTENCES)
