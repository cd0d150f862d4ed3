"""Property tests of the API against its own OpenAPI document (schemathesis, on SQLite and PostgreSQL).

For every operation, schemathesis makes requests from the document (valid ones and, where the
schema allows, odd ones) with a worker's token, and checks that none answers 500, that each
status is documented, and that each body matches the schema of its status and content type.
The number of examples is bounded so that the suite stays quick.
"""

import base64
from collections import defaultdict

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from learnhub.api import services as api
from learnhub.api import unions
from learnhub.catalog.services import course_modules
from learnhub.learning import services as learning

EXAMPLES = 15
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture
def api_schema(app, make_user, make_course, tree):
    """The app's own OpenAPI document, over a world with a course, an enrolment and some learning."""
    worker = make_user("st-worker")
    course = make_course("st-course", modules=(("read", "lesson", "0.5", 20), ("check", "quiz", "1", 10)))
    make_course("st-members", audience_org_id=tree.city_a.id)
    learning.enrol(worker, course)
    learning.complete_module(worker, course, *course_modules(course)[0])
    app.config["API_RATE_LIMIT"] = "100000 per minute"  # the limit has its own test
    secret = api.create_personal_token(worker, "schemathesis", ["record", "learn"])[1]
    admin = make_user("st-admin", role="admin", org=tree.city_a)
    made, client_secret = unions.create_client(admin, "schemathesis", tree.city_a.id, list(unions.UNION_SCOPES))
    basic = base64.b64encode(f"{made.client_id}:{client_secret}".encode()).decode()
    union_token = (
        app.test_client()
        .post(
            "/api/v1/oauth/token",
            data={"grant_type": "client_credentials"},
            headers={"Authorization": f"Basic {basic}"},
        )
        .json["access_token"]
    )
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.secret, schema.union_token = secret, union_token
    yield schema
    app.config["API_RATE_LIMIT"] = "120 per minute"


def test_the_api_keeps_to_its_description(api_schema):
    tried, answered = [], defaultdict(set)
    for result in api_schema.get_all_operations():
        operation = result.ok()
        # A union system's token for its operations, a worker's for the rest.
        token = api_schema.union_token if operation.path.startswith("/api/v1/union/") else api_schema.secret
        headers = {"Authorization": f"Bearer {token}"}

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def keeps_to_it(case):
            response = case.call_and_validate(headers=keeps_to_it.headers, checks=CHECKS)
            answered[keeps_to_it.label].add(response.status_code)

        keeps_to_it.headers, keeps_to_it.label = headers, operation.label

        keeps_to_it()
        tried.append(operation.label)
    assert len(tried) >= 15, tried
    # Each token reached its operations: every listing answered 200 at least once.
    listings = [label for label in tried if label.startswith("GET") and "{" not in label]
    assert all(200 in answered[label] for label in listings), dict(answered)
