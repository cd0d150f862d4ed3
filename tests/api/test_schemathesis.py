"""Property tests of the API against its own OpenAPI document (schemathesis, on SQLite and PostgreSQL).

For every operation, schemathesis makes requests from the document (valid ones and, where the
schema allows, odd ones) with a worker's token, and checks that none answers 500, that each
status is documented, and that each body matches the schema of its status and content type.
The number of examples is bounded so that the suite stays quick.
"""

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
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    schema.secret = secret
    yield schema
    app.config["API_RATE_LIMIT"] = "120 per minute"


def test_the_api_keeps_to_its_description(api_schema):
    headers = {"Authorization": f"Bearer {api_schema.secret}"}
    tried = []
    for result in api_schema.get_all_operations():
        operation = result.ok()

        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def keeps_to_it(case):
            case.call_and_validate(headers=headers, checks=CHECKS)

        keeps_to_it()
        tried.append(operation.label)
    assert len(tried) >= 10, tried
