"""Errors of the API as RFC 9457 problem documents, in the caller's language, and the Api they use.

flask-smorest answers its own errors (a body that fails its schema, an abort) as JSON of its own
shape; `LearnHubApi` makes every one of them a problem document, documents them so in the
OpenAPI description, and leaves the site's pages to the site's error pages (core.errors).
"""

import http

from flask_smorest import Api
from flask_smorest.utils import prepare_response
from marshmallow import Schema, fields

from learnhub.core.errors import DomainError, NotFound, handle_http, is_api_request, problem
from learnhub.core.i18n import gettext as _

PROBLEM_TYPE = "application/problem+json"


class Problem(Schema):
    """RFC 9457: what went wrong, for a program (status, type) and a person (title, detail)."""

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(
        keys=fields.String(), metadata={"description": "Per field (or part of the request): what is wrong"}
    )
    field = fields.String(metadata={"description": "The field a refusal is about, when there is one"})


def _titles():
    return {
        400: _("Bad request"),
        401: _("Not signed in"),
        403: _("Not allowed"),
        404: _("Not found"),
        405: _("Method not allowed"),
        409: _("Conflict"),
        412: _("Precondition failed"),
        413: _("Too large"),
        415: _("Unsupported media type"),
        422: _("Invalid input"),
        428: _("Precondition required"),
        429: _("Too many requests"),
    }


def _details():
    return {
        400: _("The request could not be understood."),
        401: _("Send a valid token: Authorization: Bearer <token>."),
        403: _("This token may not do that."),
        404: _("This does not exist, or you cannot see it."),
        405: _("This address cannot be used that way."),
        413: _("What you sent is too large."),
        422: _("Some of what you sent is not valid; see errors."),
        429: _("Too many requests with this token. Please wait a little and try again."),
    }


def http_problem(error):
    """The problem document of an HTTPException (webargs' errors and headers included)."""
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    extra = {}
    if data.get("messages"):  # webargs: {location: {field: [messages]}}
        extra["errors"] = data["messages"]
    if data.get("errors"):
        extra["errors"] = data["errors"]
    detail = data.get("message") or _details().get(status) or error.description or ""
    headers = dict(data.get("headers") or {})
    if error.get_headers():
        headers.update({k: v for k, v in error.get_headers() if k.lower() != "content-type"})
    if status == 401:
        headers.setdefault("WWW-Authenticate", 'Bearer realm="learnhub"')
    return problem(status, _titles().get(status, http.HTTPStatus(status).phrase), detail, headers=headers, **extra)


def domain_problem(error, status=422):
    """A service's refusal: what the pages show beside a field, as a problem."""
    extra = {"field": error.field} if error.field else {}
    return problem(status, _titles()[status], error.message, **extra)


class LearnHubApi(Api):
    """flask-smorest's Api, whose errors are problem documents (and pages keep their pages)."""

    ERROR_SCHEMA = Problem

    def handle_http_exception(self, error):
        if not is_api_request():
            return handle_http(error)
        return http_problem(error)

    def _register_responses(self):
        # As flask-smorest's own, with the error responses in application/problem+json.
        for status in http.HTTPStatus:
            response = {"description": status.phrase}
            if not (100 <= status < 200) and status not in (204, 304):
                response["schema"] = self.ERROR_SCHEMA
            prepare_response(response, self.spec, PROBLEM_TYPE)
            self.spec.components.response(status.name, response, lazy=True)
        response = {"description": "An error, as an RFC 9457 problem document", "schema": self.ERROR_SCHEMA}
        prepare_response(response, self.spec, PROBLEM_TYPE)
        self.spec.components.response(self.DEFAULT_ERROR_RESPONSE_NAME, response, lazy=True)


def not_found_problem(error):
    """A record that does not exist or is not the caller's: 404, with the service's words."""
    return problem(404, _titles()[404], error.message)


def register_domain_errors(blueprint):
    """The services' errors in this blueprint's views: a refusal is a 422 problem, NotFound a 404."""
    blueprint.register_error_handler(DomainError, domain_problem)
    blueprint.register_error_handler(NotFound, not_found_problem)
