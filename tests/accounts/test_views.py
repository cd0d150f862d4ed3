from datetime import timedelta

import pytest

from learnhub.accounts.models import LoginSession, User
from learnhub.extensions import db
from tests.conftest import PASSWORD, csrf_token


def _register_form(tree, **overrides):
    data = {
        "login": "13812345678",
        "name": "张建国",
        "org_query": "",
        "org_id": str(tree.ent_a1.id),
        "occupation": "welder",
        "skill_level": "level4",
        "password": PASSWORD,
        "password2": PASSWORD,
        "consent": "y",
    }
    data.update(overrides)
    return data


def test_register_logs_in_and_lands_home(client, auth, tree):
    response = auth.post("/register", _register_form(tree))
    assert response.status_code == 302
    home = client.get("/")
    assert "张建国" in home.get_data(as_text=True)
    user = db.session.scalars(db.select(User).where(User.phone == "13812345678")).one()
    assert user.role == "worker"


def test_register_without_javascript_narrows_the_union_down(client, auth, tree):
    # Typing part of a name that matches several unions shows them as choices...
    page = auth.post("/register", _register_form(tree, org_id="", org_query="市"))
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "甲市第一机床厂工会" in html and "乙市造船厂工会" in html
    assert 'type="radio"' in html
    # ...and what was typed is kept, nothing is lost.
    assert 'value="张建国"' in html
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0
    # A single match is taken at once.
    assert auth.post("/register", _register_form(tree, org_id="", org_query="造船")).status_code == 302
    assert db.session.scalars(db.select(User)).one().org == tree.ent_b1


def test_register_shows_errors_beside_fields(auth, tree):
    page = auth.post("/register", _register_form(tree, login="123", password2="different!"))
    html = page.get_data(as_text=True)
    assert 'aria-invalid="true"' in html
    assert "login-error" in html or "password2-error" in html


def test_every_registration_attempt_counts_toward_the_limit(auth, tree, make_user):
    make_user("li.ming", phone="13812345678")
    # Someone trying phone numbers to learn who has an account: refused attempts count too.
    statuses = [auth.post("/register", _register_form(tree, login="13812345678")).status_code for _ in range(21)]
    assert statuses[:20].count(429) == 0 and statuses[20] == 429


def test_a_phone_number_with_an_account_is_answered_neutrally(auth, tree, make_user):
    make_user("li.ming", phone="13812345678")
    html = auth.post("/register", _register_form(tree)).get_data(as_text=True)
    assert "这个手机号已经注册过账号" not in html and "already exists" not in html
    assert 'aria-invalid="true"' in html


def test_worker_cannot_register_as_admin(auth, tree):
    auth.post("/register", _register_form(tree, role="admin", org_id=str(tree.city_a.id), org_query="造船"))
    user = db.session.scalars(db.select(User)).one()
    assert user.role == "worker" and user.org == tree.ent_b1


def test_profile_ignores_role_and_union_fields(client, auth, make_user, tree):
    user = make_user("li.ming")
    auth.login("li.ming")
    response = auth.post(
        "/me/profile",
        {
            "name": "李明",
            "phone": "",
            "occupation": "welder",
            "skill_level": "level3",
            "role": "admin",
            "org_id": str(tree.national.id),
        },
    )
    assert response.status_code == 302
    assert (user.name, user.role, user.org, user.skill_level) == ("李明", "worker", tree.ent_a1, "level3")


def test_login_and_logout_end_the_session_on_the_server(client, auth, make_user):
    make_user("li.ming")
    assert auth.login("li.ming").status_code == 302
    assert client.get("/me/profile").status_code == 200
    cookie = client.get_cookie("learnhub_session")
    assert auth.logout().status_code == 302
    assert db.session.scalar(db.select(db.func.count()).select_from(LoginSession)) == 0
    # Replaying the old cookie does not bring the session back.
    client.set_cookie("learnhub_session", cookie.value)
    assert client.get("/me/profile").status_code == 302


def test_logout_is_post_only(client, auth, make_user):
    make_user("li.ming")
    auth.login("li.ming")
    assert client.get("/logout").status_code == 405
    assert client.get("/me/profile").status_code == 200


def test_session_is_renewed_at_login(client, auth, make_user):
    make_user("li.ming")
    client.get("/login")
    before = client.get_cookie("learnhub_session").value
    auth.login("li.ming")
    assert client.get_cookie("learnhub_session").value != before


def test_unknown_user_and_wrong_password_look_the_same(client, auth, make_user):
    make_user("li.ming")
    unknown = auth.login("nobody").get_data(as_text=True)
    wrong = auth.login("li.ming", "not the password").get_data(as_text=True)
    strip = lambda html: html.replace('value="nobody"', "").replace('value="li.ming"', "")  # noqa: E731
    import re

    # CSRF tokens carry a timestamp: two renders a second apart differ there and only there.
    token = re.compile(r'<input[^>]*name="csrf_token"[^>]*>')
    assert token.sub("", strip(unknown)) == token.sub("", strip(wrong))


def test_twenty_wrong_passwords_are_throttled_but_not_forever(app, client, auth, make_user):
    make_user("li.ming")
    statuses = [auth.login("li.ming", f"wrong-{i}").status_code for i in range(20)]
    assert statuses[0] == 200 and statuses[-1] == 429
    assert 429 in statuses[:12]
    # The right password is refused too while the account is throttled...
    assert auth.login("li.ming").status_code == 429
    # ...but another account from another address is not held up by it.
    make_user("wang.fang")
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.2"
    assert (
        other.post(
            "/login", data={"csrf_token": csrf_token(other), "login": "wang.fang", "password": PASSWORD}
        ).status_code
        == 302
    )


@pytest.mark.parametrize(
    "spelling",
    ["+86 199-0000-0005", "＋８６ １９９ ００００ ０００５", "199 0000 0005", "li.ming", "LI.MING"],
)
def test_the_per_account_limit_holds_however_the_login_is_spelt(app, client, auth, make_user, spelling):
    make_user("li.ming", phone="19900000005")
    for i in range(10):
        assert auth.login("19900000005", f"wrong-{i}").status_code == 200
    # From another address, so that only the per-account limit can answer.
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.3"
    data = {"csrf_token": csrf_token(other), "login": spelling, "password": PASSWORD}
    assert other.post("/login", data=data).status_code == 429


def test_successful_logins_are_not_counted(client, auth, make_user):
    make_user("li.ming")
    for _ in range(15):
        assert auth.login("li.ming").status_code == 302
        auth.logout()


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "\\\\evil.example",
        "/\\evil.example",
        "https://evil.example",
        "http:evil.example",
        "javascript:alert(1)",
        "%2F%2Fevil.example",
        "/%2F/evil.example",
        "/%5Cevil.example",
        "/\t/evil.example",
        "%2f%252fevil.example",
        " //evil.example",
        "JavaScript:alert(1)",
        "///evil.example",
    ],
)
def test_next_accepts_only_paths_on_this_site(client, auth, make_user, target):
    make_user("li.ming")
    response = client.post(
        "/login",
        query_string={"next": target},
        data={"csrf_token": csrf_token(client), "login": "li.ming", "password": PASSWORD, "next": target},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_takes_a_local_path(client, make_user):
    make_user("li.ming")
    response = client.post(
        "/login",
        data={"csrf_token": csrf_token(client), "login": "li.ming", "password": PASSWORD, "next": "/me/profile?tab=1"},
    )
    assert response.headers["Location"] == "/me/profile?tab=1"


@pytest.mark.parametrize("token", [None, "", "not-a-token"])
def test_post_without_valid_csrf_is_refused_and_changes_nothing(client, tree, token):
    data = _register_form(tree)
    if token is not None:
        data["csrf_token"] = token
    response = client.post("/register", data=data)
    assert response.status_code == 400
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_csrf_token_of_another_session_is_refused(app, client, tree):
    stranger = app.test_client()
    data = _register_form(tree, csrf_token=csrf_token(stranger))
    assert client.post("/register", data=data).status_code == 400


def test_change_password_page(client, auth, make_user):
    make_user("li.ming")
    auth.login("li.ming")
    bad = auth.post(
        "/me/password",
        {"current_password": "nope", "password": "A brand new secret", "password2": "A brand new secret"},
    )
    assert bad.status_code == 200 and 'aria-invalid="true"' in bad.get_data(as_text=True)
    good = auth.post(
        "/me/password",
        {"current_password": PASSWORD, "password": "A brand new secret", "password2": "A brand new secret"},
    )
    assert good.status_code == 302
    auth.logout()
    assert auth.login("li.ming", "A brand new secret").status_code == 302


def test_account_opened_by_union_must_choose_a_password(client, auth, make_user):
    make_user("li.ming", must_change_password=True)
    auth.login("li.ming")
    response = client.get("/me/profile")
    assert response.status_code == 302 and response.headers["Location"].endswith("/me/password")


def test_a_taken_phone_is_shown_beside_the_field_and_the_union_kept(auth, tree, make_user):
    make_user("someone", phone="13812345678")
    page = auth.post("/register", _register_form(tree))
    html = page.get_data(as_text=True)
    assert 'id="login-error"' in html
    assert f'value="{tree.ent_a1.id}" checked' in html


def test_personal_pages_and_files_are_kept_out_of_caches(client, auth, make_user, tree):
    make_user("li.ming")
    auth.login("li.ming")
    for url in ("/me/record", "/me/record.csv", "/me/privacy", "/me/data.json", "/me/profile", "/"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers.get("Cache-Control", ""), url
    auth.logout()
    make_user("boss", role="admin", org=tree.city_a)
    auth.login("boss")
    for url in ("/people/", "/audit/", f"/stats/{tree.city_a.id}/roster"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response.headers.get("Cache-Control", ""), url
    auth.logout()
    assert "no-store" not in client.get("/login").headers.get("Cache-Control", "")


def test_sessions_end_on_the_server_when_idle_or_too_old(app, client, auth, make_user, monkeypatch):
    import time as clock

    from learnhub.accounts import guards

    user = make_user("li.ming")
    auth.login("li.ming")
    assert client.get("/me/record").status_code == 200
    now = clock.time()
    idle = app.config["SESSION_IDLE_HOURS"] * 3600
    # Visiting within the idle limit keeps the session going, visit after visit...
    for step in (1, 2, 3):
        monkeypatch.setattr(guards.time, "time", lambda step=step: now + step * idle * 0.6)
        assert client.get("/me/record").status_code == 200
    # ...but a session left idle longer than the limit is over, whatever the cookie says.
    monkeypatch.setattr(guards.time, "time", lambda: now + 3 * idle * 0.6 + idle + 60)
    assert client.get("/me/record").status_code == 302
    monkeypatch.undo()

    auth.login("li.ming")
    assert client.get("/me/record").status_code == 200
    session = db.session.scalars(
        db.select(LoginSession).where(LoginSession.user_id == user.id).order_by(LoginSession.id.desc())
    ).first()
    session.created_at = session.created_at - timedelta(hours=app.config["SESSION_ABSOLUTE_HOURS"], minutes=1)
    db.session.commit()
    assert client.get("/me/record").status_code == 302  # logged in too long ago, however active


def _statements_of(client, url):
    """(status, SQL statements) of one GET."""
    from sqlalchemy import event

    seen = []

    def count(*_args):
        seen.append(_args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        response = client.get(url)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return response.status_code, [s for s in seen if "login_session" in s]


def test_the_cached_session_ends_at_once_on_logout_deactivation_and_role_change(client, auth, make_user, tree):
    """The session and its person come from the cache between changes (accounts.services), and
    every change that matters reaches the next request."""
    from learnhub.accounts import services as accounts

    admin = make_user("cache-admin", role="admin", org=tree.city_a, occupation=None)
    worker = make_user("cache-worker")
    db.session.commit()
    auth.login("cache-worker")
    assert _statements_of(client, "/me/profile")[0] == 200
    status, session_reads = _statements_of(client, "/me/profile")
    assert status == 200 and session_reads == []  # from the cache: no query for the session
    # A name changed elsewhere (another server, a job) shows on the next page.
    worker.name = "新名字"
    db.session.commit()
    assert "新名字" in client.get("/me/profile").get_data(as_text=True)
    # The role changes at once: the worker made a trainer sees the studio's menu.
    accounts.change_role(admin, db.session.get(User, worker.id), "trainer")
    db.session.commit()
    assert client.get("/studio/").status_code == 200
    # Deactivated by an admin: the very next request is signed out.
    accounts.set_active(admin, db.session.get(User, worker.id), False)
    db.session.commit()
    assert client.get("/me/profile").status_code == 302


def test_an_empty_required_field_says_which_one_in_chinese_and_english(client, auth):
    page = auth.post("/login", {"login": "", "password": ""}).get_data(as_text=True)
    assert "请填写“手机号或用户名”。" in page and "请填写“密码”。" in page and "该字段是必填字段" not in page
    english = auth.post("/login", {"login": "someone", "password": ""}, headers={"Accept-Language": "en"})
    assert "Please fill in “Password”." in english.get_data(as_text=True)
