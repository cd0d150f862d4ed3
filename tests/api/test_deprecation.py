"""What is deprecated says so: Deprecation (RFC 9745), Sunset (RFC 8594) and Link headers, and the OpenAPI document."""

from datetime import UTC, datetime

from flask_smorest import Blueprint

from config import TestConfig
from learnhub import create_app
from learnhub.core.deprecation import deprecated


def _epoch(*day):
    return f"@{int(datetime(*day, tzinfo=UTC).timestamp())}"


class V1OnItsWayOut(TestConfig):
    API_V1_DEPRECATED_AT = "2027-01-01"
    API_V1_SUNSET_AT = "2027-12-31"
    API_V1_SUCCESSOR = "https://learn.example.cn/api/v2/"


def test_nothing_in_v1_is_deprecated_today(client):
    answer = client.get("/api/v1/courses/")
    assert answer.status_code == 200
    assert "Deprecation" not in answer.headers and "Sunset" not in answer.headers
    operations = client.get("/api/v1/openapi.json").get_json()["paths"].values()
    assert not [op for path in operations for op in path.values() if isinstance(op, dict) and op.get("deprecated")]


def test_a_version_on_its_way_out_says_since_when_until_when_and_what_next():
    app = create_app(V1OnItsWayOut())
    client = app.test_client()
    for url, status in (("/api/v1/openapi.json", 200), ("/api/v1/me", 401)):
        answer = client.get(url)
        assert answer.status_code == status
        assert answer.headers["Deprecation"] == _epoch(2027, 1, 1)
        assert answer.headers["Sunset"] == "Fri, 31 Dec 2027 00:00:00 GMT"
        links = answer.headers["Link"]
        assert '<https://learn.example.cn/api/v2/>; rel="successor-version"' in links
        assert '</api/v1/docs>; rel="deprecation"; type="text/html"' in links
    assert "Deprecation" not in client.get("/login").headers  # the site's pages are not the API


def test_a_deprecated_operation_is_marked_in_its_answers_and_the_openapi_document():
    app = create_app(TestConfig())
    old = Blueprint("api_old", __name__, url_prefix="/api/v1/old", description="Going away")

    @old.get("/thing")
    @old.response(200)
    @deprecated(since="2026-12-01", sunset="2027-06-30", successor="/api/v1/new/thing")
    def thing():
        """An operation with a successor."""
        return {"ok": True}

    @old.get("/other")
    @old.response(200)
    def other():
        """Its neighbour, not deprecated."""
        return {"ok": True}

    app.extensions["learnhub_api"].register_blueprint(old)
    client = app.test_client()
    answer = client.get("/api/v1/old/thing")
    assert answer.status_code == 200
    assert answer.headers["Deprecation"] == _epoch(2026, 12, 1)
    assert answer.headers["Sunset"] == "Wed, 30 Jun 2027 00:00:00 GMT"
    assert answer.headers["Link"] == '</api/v1/new/thing>; rel="successor-version"'
    assert "Deprecation" not in client.get("/api/v1/old/other").headers
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert paths["/api/v1/old/thing"]["get"]["deprecated"] is True
    assert "deprecated" not in paths["/api/v1/old/other"]["get"]
