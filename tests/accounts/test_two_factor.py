"""Issue 16, item 11: admins sign in with a second factor (TOTP), recovery codes, a reset from above."""

import re
import time

import pyotp
import pytest
from sqlalchemy import select, text

from learnhub.accounts import twofactor
from learnhub.accounts.models import RecoveryCode, TwoFactor
from learnhub.core.audit import AuditEvent
from learnhub.extensions import db
from tests.conftest import PASSWORD, Auth, csrf_token


@pytest.fixture
def required(app, monkeypatch):
    """TWO_FACTOR_FOR_ADMINS on, as in production."""
    monkeypatch.setitem(app.config, "TWO_FACTOR_FOR_ADMINS", True)


def _enrol(auth, client, user):
    """Set up two-step sign-in through the pages; (the app's TOTP, the recovery codes shown)."""
    assert auth.post("/me/two-step/setup").status_code == 302
    page = client.get("/me/two-step").get_data(as_text=True)
    assert "<svg" in page and 'class="qr"' in page
    shown = re.search(r'<strong class="secret">([A-Z2-7 ]+)</strong>', page).group(1).replace(" ", "")
    assert shown == twofactor.pending_secret(user)
    totp = pyotp.TOTP(shown)
    response = auth.post("/me/two-step/confirm", {"code": totp.now()})
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", response.get_data(as_text=True))
    assert len(codes) == 10
    return totp, codes


def _next_code(totp):
    # The code of the next 30-second step: accepted (a clock a little ahead), and not the one
    # just used, which is good only once.
    return totp.at(time.time(), counter_offset=1)


def _signed_in(client):
    return client.get("/me/profile").status_code == 200


def test_setting_it_up_needs_a_code_from_the_app_and_then_login_asks_for_one(client, auth, make_user):
    trainer = make_user("teacher", role="trainer")
    auth.login("teacher")
    assert "/me/two-step/setup" in client.get("/me/two-step").get_data(as_text=True)
    auth.post("/me/two-step/setup")
    refused = auth.post("/me/two-step/confirm", {"code": "000000"})
    assert refused.status_code == 400 and 'id="code-error"' in refused.get_data(as_text=True)
    assert not twofactor.is_enabled(trainer)
    totp, _codes = _enrol(auth, client, trainer)
    assert twofactor.is_enabled(trainer)
    auth.logout()

    # The password alone no longer signs in: the session only waits for the code.
    response = auth.login("teacher")
    assert response.status_code == 302 and response.headers["Location"] == "/login/code"
    assert not _signed_in(client)
    wrong = auth.post("/login/code", {"code": "123456" if _next_code(totp) != "123456" else "654321"})
    assert wrong.status_code == 200 and 'id="code-error"' in wrong.get_data(as_text=True)
    assert not _signed_in(client)
    code = _next_code(totp)
    assert auth.post("/login/code", {"code": code}).status_code == 302
    assert _signed_in(client)

    # The same code again, in another sign-in, is refused: each code is good once.
    auth.logout()
    auth.login("teacher")
    assert auth.post("/login/code", {"code": code}).status_code == 200
    assert not _signed_in(client)


def test_the_code_page_without_a_right_password_sends_to_login(client, auth, make_user):
    make_user("teacher", role="trainer")
    response = auth.post("/login/code", {"code": "123456"})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert client.get("/login/code").status_code == 302


def test_the_wait_for_the_code_ends_after_five_minutes(client, auth, make_user):
    trainer = make_user("teacher", role="trainer")
    auth.login("teacher")
    totp, _codes = _enrol(auth, client, trainer)
    auth.logout()
    auth.login("teacher")
    with client.session_transaction() as session:
        session["pending_login"] = {**session["pending_login"], "at": int(time.time()) - 301}
    response = auth.post("/login/code", {"code": _next_code(totp)})
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert not _signed_in(client)


def test_a_recovery_code_works_once_and_new_codes_replace_the_old(client, auth, make_user):
    trainer = make_user("teacher", role="trainer")
    auth.login("teacher")
    totp, codes = _enrol(auth, client, trainer)
    auth.logout()

    auth.login("teacher")
    response = auth.post("/login/code", {"code": codes[0].upper()})
    assert response.status_code == 302 and _signed_in(client)
    assert twofactor.recovery_codes_left(trainer) == 9
    auth.logout()
    auth.login("teacher")
    assert auth.post("/login/code", {"code": codes[0]}).status_code == 200
    assert auth.post("/login/code", {"code": codes[1]}).status_code == 302

    # Only hashes are kept.
    hashes = db.session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == trainer.id)).all()
    assert len(hashes) == 10 and not any(code.replace("-", "") in h for code in codes for h in hashes)

    fresh = auth.post("/me/two-step/recovery-codes", {"code": _next_code(totp)})
    assert fresh.status_code == 200
    new_codes = re.findall(r"<li>([a-z2-9]{5}-[a-z2-9]{5})</li>", fresh.get_data(as_text=True))
    assert len(new_codes) == 10 and not set(new_codes) & set(codes)
    auth.logout()
    auth.login("teacher")
    assert auth.post("/login/code", {"code": codes[2]}).status_code == 200
    assert auth.post("/login/code", {"code": new_codes[0]}).status_code == 302


def test_the_secret_is_stored_sealed_with_a_key_from_secret_key(app, client, auth, make_user, monkeypatch):
    trainer = make_user("teacher", role="trainer")
    auth.login("teacher")
    totp, _codes = _enrol(auth, client, trainer)
    stored = db.session.execute(text("SELECT secret FROM two_factor WHERE user_id = :id"), {"id": trainer.id}).scalar()
    assert totp.secret not in stored and len(stored) > 60
    # Under another SECRET_KEY the dump's secret opens to nothing: no code passes...
    monkeypatch.setitem(app.config, "SECRET_KEY", "another-secret")
    assert twofactor.pending_secret(trainer) is None and twofactor._unseal(stored) is None
    # ...but the old key as a fallback still opens it (rotating SECRET_KEY).
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", ["test-secret"])
    assert twofactor._unseal(stored) == totp.secret
    # The next code accepted seals it under the new key: the fallback can go.
    auth.logout()
    auth.login("teacher")
    assert auth.post("/login/code", {"code": _next_code(totp)}).status_code == 302
    monkeypatch.setitem(app.config, "SECRET_KEY_FALLBACKS", [])
    assert twofactor._unseal(db.session.get(TwoFactor, trainer.id).secret) == totp.secret


def test_failed_codes_count_with_failed_passwords_toward_the_accounts_limit(app, client, auth, make_user):
    trainer = make_user("teacher", role="trainer")
    auth.login("teacher")
    totp, _codes = _enrol(auth, client, trainer)
    auth.logout()
    for i in range(5):
        assert auth.login("teacher", f"wrong-{i}").status_code == 200
    auth.login("teacher")
    for _i in range(5):
        assert auth.post("/login/code", {"code": "000000"}).status_code == 200
    # The eleventh failure is held back, even with the right code, and from another address.
    assert auth.post("/login/code", {"code": _next_code(totp)}).status_code == 429
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    data = {"csrf_token": csrf_token(other), "login": "teacher", "password": PASSWORD}
    assert other.post("/login", data=data).status_code == 429


def test_an_admin_must_set_it_up_before_anything_else_and_cannot_turn_it_off(
    app, client, auth, make_user, tree, required
):
    admin = make_user("boss", role="admin", org=tree.city_a)
    assert auth.login("boss").status_code == 302
    for page in ("/people/", "/stats/", "/"):
        response = client.get(page)
        assert response.status_code == 302 and response.headers["Location"] == "/me/two-step", page
    totp, _codes = _enrol(auth, client, admin)
    assert client.get("/people/").status_code == 200
    page = client.get("/me/two-step").get_data(as_text=True)
    assert "/me/two-step/off" not in page
    refused = auth.post("/me/two-step/off", {"code": _next_code(totp)})
    assert refused.status_code == 400 and twofactor.is_enabled(admin)

    # A worker made admin is led to set it up too, in the session they already have.
    worker = make_user("worker1", org=tree.ent_a1)
    other = Auth(app.test_client())
    assert other.login("worker1").status_code == 302
    worker.role, worker.org = "admin", tree.ent_a1
    db.session.flush()
    assert other.client.get("/").headers["Location"] == "/me/two-step"


def test_off_by_default_outside_production_and_on_in_production(app, monkeypatch):
    from config import Config, ProductionConfig, TestConfig

    assert TestConfig.TWO_FACTOR_FOR_ADMINS is False
    monkeypatch.delenv("TWO_FACTOR_FOR_ADMINS", raising=False)
    monkeypatch.setenv("SECRET_KEY", "x" * 40)
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://learnhub.example.cn")
    assert ProductionConfig().TWO_FACTOR_FOR_ADMINS is True
    # The demo (`make run`) reads Config, whose default is off.
    assert Config.TWO_FACTOR_FOR_ADMINS is False


def test_a_trainer_may_turn_it_off_with_a_code(client, auth, make_user):
    trainer = make_user("teacher", role="trainer")
    auth.login("teacher")
    totp, _codes = _enrol(auth, client, trainer)
    assert auth.post("/me/two-step/off", {"code": "000000"}).status_code == 400
    assert auth.post("/me/two-step/off", {"code": _next_code(totp)}).status_code == 302
    assert not twofactor.is_enabled(trainer)
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == trainer.id)).all() == []
    auth.logout()
    assert auth.login("teacher").headers["Location"] == "/"


def test_turning_it_on_logs_out_the_other_devices(app, client, auth, make_user):
    trainer = make_user("teacher", role="trainer")
    elsewhere = Auth(app.test_client())
    elsewhere.login("teacher")
    assert _signed_in(elsewhere.client)
    auth.login("teacher")
    _enrol(auth, client, trainer)
    assert _signed_in(client) and not _signed_in(elsewhere.client)


def test_a_lost_phone_is_reset_by_an_admin_above_audited(app, client, auth, make_user, tree, required):
    city_admin = make_user("city", role="admin", org=tree.city_a)
    peer = make_user("city2", role="admin", org=tree.city_a)
    province_admin = make_user("province", role="admin", org=tree.prov_a)
    for person in (city_admin, peer):
        signer = Auth(app.test_client())
        signer.login(person.username)
        _enrol(signer, signer.client, person)

    # A peer of the same union cannot; it stays on.
    auth.login("city2")
    with client.session_transaction() as session:
        session["two_factor"] = True
    response = auth.post(f"/people/{city_admin.id}/two-step")
    assert response.status_code == 302 and twofactor.is_enabled(city_admin)
    auth.logout()

    # The province admin above can: the city admin is logged out and signs in with the password.
    phone_lost = Auth(app.test_client())
    phone_lost.login("city")
    auth.login("province")
    assert auth.post("/me/two-step/setup").status_code == 302  # led to set up; allowed
    with client.session_transaction() as session:
        session["two_factor"] = True
    page = client.get(f"/people/{city_admin.id}").get_data(as_text=True)
    assert f"/people/{city_admin.id}/two-step" in page
    assert auth.post(f"/people/{city_admin.id}/two-step").status_code == 302
    assert not twofactor.is_enabled(city_admin) and db.session.get(TwoFactor, city_admin.id) is None
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.two_factor_reset"))
    assert event.actor_id == province_admin.id and event.subject_id == str(city_admin.id)
    assert event.org_path == tree.city_a.path
    assert phone_lost.client.get("/me/profile").status_code == 302  # logged out there
    response = phone_lost.login("city")
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert phone_lost.client.get("/people/").headers["Location"] == "/me/two-step"  # set up the new phone


def test_erasing_an_account_forgets_its_second_factor(client, auth, make_user):
    trainer = make_user("teacher", role="trainer")
    auth.login("teacher")
    _enrol(auth, client, trainer)
    assert auth.post("/me/delete", {"password": PASSWORD}).status_code == 200  # "your account is deleted"
    assert db.session.get(TwoFactor, trainer.id) is None
    assert db.session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == trainer.id)).all() == []


def test_a_code_typed_with_a_space_or_in_full_width_is_the_same_code(client, auth, make_user):
    trainer = make_user("teacher", role="trainer")
    auth.login("teacher")
    totp, codes = _enrol(auth, client, trainer)
    auth.logout()
    auth.login("teacher")
    code = _next_code(totp)
    full_width = "".join(chr(ord(d) + 0xFEE0) for d in code)  # typed with a Chinese input method
    assert auth.post("/login/code", {"code": f"{full_width[:3]} {full_width[3:]}"}).status_code == 302
    auth.logout()
    auth.login("teacher")
    assert auth.post("/login/code", {"code": " " + codes[3].replace("-", " ").upper()}).status_code == 302


def test_guessing_codes_from_a_signed_in_session_is_held_back_too(app, client, auth, make_user):
    trainer = make_user("teacher", role="trainer")
    auth.login("teacher")
    totp, _codes = _enrol(auth, client, trainer)
    for _i in range(10):
        assert auth.post("/me/two-step/recovery-codes", {"code": "000000"}).status_code == 400
    assert auth.post("/me/two-step/off", {"code": _next_code(totp)}).status_code == 429
    assert twofactor.is_enabled(trainer)


def test_the_operator_resets_an_admin_nobody_stands_above(app, client, auth, make_user, tree, runner):
    root = make_user("root.admin", role="admin", org=tree.national)
    auth.login("root.admin")
    _enrol(auth, client, root)
    result = runner.invoke(args=["accounts", "reset-two-step", "root.admin"])
    assert result.exit_code == 0, result.output
    assert not twofactor.is_enabled(root) and not _signed_in(client)
    event = db.session.scalar(select(AuditEvent).where(AuditEvent.action == "person.two_factor_reset"))
    assert event.actor_id is None and event.details == {"person": root.name, "by": "flask accounts reset-two-step"}
    again = runner.invoke(args=["accounts", "reset-two-step", "root.admin"])
    assert again.exit_code == 1  # nothing to reset


def test_the_code_page_speaks_the_language_chosen_before_logging_in(client, auth, make_user):
    trainer = make_user("teacher", role="trainer")
    auth.login("teacher")
    _enrol(auth, client, trainer)
    auth.logout()
    auth.post("/language", {"locale": "en", "next": "/login"})
    auth.login("teacher")
    assert "<h1>Two-step sign-in</h1>" in client.get("/login/code").get_data(as_text=True)


@pytest.mark.parametrize("code", ["١٢٣٤٥٦", "१२३४५६", "12345６", "ａｂｃｄｅ-ｆｇｈｊｋ", "ab\x00cdefghj"])
def test_digits_of_other_scripts_and_odd_characters_are_refused_not_a_server_error(client, auth, make_user, code):
    trainer = make_user("teacher", role="trainer")
    auth.login("teacher")
    _enrol(auth, client, trainer)
    auth.logout()
    auth.login("teacher")
    response = auth.post("/login/code", {"code": code})
    assert response.status_code == 200 and 'id="code-error"' in response.get_data(as_text=True)
