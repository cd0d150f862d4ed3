"""Headers, cookies, health check and error pages every response relies on."""

import pytest
from sqlalchemy.exc import OperationalError

from learnhub.core.security import safe_next_url


def test_security_headers_on_every_response(client):
    for url in ("/", "/login", "/nope", "/healthz"):
        response = client.get(url)
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"]


def test_session_cookie_is_httponly_and_lax(client):
    response = client.get("/login")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_cookies_are_secure(monkeypatch):
    from config import ProductionConfig

    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://learnhub.example.cn")
    config = ProductionConfig()
    assert config.SESSION_COOKIE_SECURE is True and config.FORCE_HTTPS is True
    monkeypatch.delenv("SECRET_KEY")
    with pytest.raises(RuntimeError):
        ProductionConfig()


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.is_json and response.json == {"status": "ok"}


def test_healthz_says_503_when_the_database_is_down(client, monkeypatch):
    from learnhub.extensions import db

    def broken(*args, **kwargs):
        raise OperationalError("SELECT 1", {}, Exception("down"))

    monkeypatch.setattr(db.session, "execute", broken)
    response = client.get("/healthz")
    assert response.status_code == 503 and response.is_json


@pytest.mark.parametrize(
    "language, expected",
    [
        ("zh-CN,zh;q=0.9", "页面不存在"),
        ("en-US,en;q=0.8", "Page not found"),
        ("", "页面不存在"),
    ],
)
def test_error_pages_speak_the_readers_language(client, language, expected):
    response = client.get("/no-such-page", headers={"Accept-Language": language})
    assert response.status_code == 404
    assert expected in response.get_data(as_text=True)


def test_html_lang_follows_the_language(client):
    assert '<html lang="zh-CN">' in client.get("/").get_data(as_text=True)
    assert '<html lang="en">' in client.get("/", headers={"Accept-Language": "en"}).get_data(as_text=True)


def test_language_switch_is_remembered(client, auth):
    response = auth.post("/language", {"locale": "en", "next": "/login"})
    assert response.headers["Location"] == "/login"
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    auth.post("/language", {"locale": "zh_CN", "next": "//evil.example"})
    assert '<html lang="zh-CN">' in client.get("/").get_data(as_text=True)


def test_oversized_request_gets_a_clear_413(app, client):
    limit = app.config["MAX_CONTENT_LENGTH"]
    response = client.post("/login", data={"login": "x" * (limit + 10)})
    assert response.status_code == 413
    assert "MB" in response.get_data(as_text=True)


def test_500_page_without_details():
    from config import TestConfig
    from learnhub import create_app

    app = create_app(TestConfig())

    @app.get("/_boom_test")
    def boom():
        raise RuntimeError("secret detail")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/_boom_test")
    with app.app_context():
        from learnhub.extensions import db

        db.engine.dispose()
    assert response.status_code == 500
    assert "secret detail" not in response.get_data(as_text=True)


def test_safe_next_url():
    assert safe_next_url("/courses/?q=电工") == "/courses/?q=电工"
    for bad in ("", None, "//x", "/\\x", "\\\\x", "https://x", "javascript:x", "%2F%2Fx", "/%2F%2Fx"):
        assert safe_next_url(bad) is None


def test_too_many_form_fields_is_a_clear_400(app, client):
    import io

    fields = {f"f{i}": "x" for i in range(app.config["MAX_FORM_PARTS"] + 10)}
    fields["file"] = (io.BytesIO(b"x"), "a.csv")
    response = client.post("/login", data=fields, content_type="multipart/form-data")
    assert response.status_code == 400
    plain = client.post("/login", data={f"f{i}": "x" for i in range(app.config["MAX_FORM_PARTS"] + 10)})
    assert plain.status_code == 400


def _app_answering_its_client_address(**settings):
    """A fresh app with `settings`, and one extra page that answers the address the limiter keys on."""
    from flask_limiter.util import get_remote_address

    from config import TestConfig
    from learnhub import create_app

    config = type("ProxyConfig", (TestConfig,), settings)
    app = create_app(config())
    app.get("/_whoami_test")(lambda: f"{get_remote_address()} {__import__('flask').request.scheme}")
    return app


@pytest.mark.parametrize(
    ("hops", "forwarded_for", "expected"),
    [
        (0, "203.0.113.7", "127.0.0.1 http"),  # nobody trusted: the header is anyone's to write
        (1, "203.0.113.7", "203.0.113.7 https"),  # the balancer's entry is the client
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7 https"),  # what the client wrote itself is skipped
        (2, "198.51.100.1, 203.0.113.7", "198.51.100.1 https"),  # a CDN in front of the balancer
    ],
)
def test_rate_limits_key_on_the_client_behind_the_trusted_proxies(hops, forwarded_for, expected):
    app = _app_answering_its_client_address(TRUSTED_PROXY_HOPS=hops)
    headers = {"X-Forwarded-For": forwarded_for, "X-Forwarded-Proto": ", ".join(["https"] * max(hops, 1))}
    answer = app.test_client().get("/_whoami_test", headers=headers).get_data(as_text=True)
    assert answer == expected


def test_the_default_trusts_no_proxy():
    from config import Config

    assert Config.TRUSTED_PROXY_HOPS == 0


def test_production_needs_its_public_address_and_answers_only_to_it(monkeypatch):
    from config import ProductionConfig, TestConfig
    from learnhub import create_app

    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    with pytest.raises(RuntimeError):
        ProductionConfig()
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://learnhub.example.cn/")
    ProductionConfig()
    # Requests for any other host are refused before a view runs.
    config = type("PublicConfig", (TestConfig,), {"PUBLIC_BASE_URL": "https://learnhub.example.cn"})
    app = create_app(config())
    client = app.test_client()
    assert client.get("/nope", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/nope", headers={"Host": "learnhub.example.cn"}).status_code == 404


def test_production_sends_hsts_even_when_the_balancer_redirects(monkeypatch):
    from config import ProductionConfig, TestConfig
    from learnhub import create_app

    monkeypatch.setenv("SECRET_KEY", "x" * 32)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://learnhub.example.cn")
    assert ProductionConfig.HSTS is True
    # FORCE_HTTPS=0, as docs/deploy.md advises behind a TLS balancer, behind one proxy hop.
    config = type("BehindBalancer", (TestConfig,), {"FORCE_HTTPS": False, "HSTS": True, "TRUSTED_PROXY_HOPS": 1})
    app = create_app(config())
    response = app.test_client().get("/nope", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "1.2.3.4"})
    assert "max-age=" in response.headers.get("Strict-Transport-Security", "")
