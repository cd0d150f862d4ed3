import pytest

from learnhub.accounts import services as accounts
from learnhub.accounts.models import Consent, LoginSession, User
from learnhub.accounts.passwords import check_password_rule
from learnhub.core.errors import DomainError, NotFound
from learnhub.extensions import db
from tests.conftest import PASSWORD


def _register(tree, **overrides):
    fields = dict(
        login="13812345678",
        name="张建国",
        org=tree.ent_a1,
        occupation="welder",
        skill_level="level4",
        password=PASSWORD,
        consent=True,
        notice_version="v1",
    )
    fields.update(overrides)
    return accounts.register_worker(**fields)


def test_register_with_phone_records_consent(tree):
    user = _register(tree, login="１３８ １２３４ ５６７８")  # full-width digits and spaces
    assert user.phone == "13812345678" and user.username is None
    assert user.role == "worker" and user.org == tree.ent_a1
    consent = db.session.scalars(db.select(Consent).where(Consent.user_id == user.id)).one()
    assert consent.notice_version == "v1" and consent.given_at is not None


def test_register_with_username(tree):
    user = _register(tree, login="Li.Ming")
    assert user.username == "li.ming" and user.phone is None


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"consent": False}, "consent"),
        ({"login": "12345678901"}, "phone"),
        ({"login": "x"}, "username"),
        ({"name": "=cmd|'/c calc'!A1"}, "name"),
        ({"name": "张三😀"}, "name"),
        ({"name": "张\u202e三"}, "name"),
        ({"name": "张\x00三"}, "name"),
        ({"occupation": "astronaut"}, "occupation"),
        ({"skill_level": "level9"}, "skill_level"),
        ({"password": "short"}, "password"),
        ({"password": "password123"}, "password"),
        ({"password": "woaini1314"}, "password"),
    ],
)
def test_register_refuses_bad_input(tree, overrides, field):
    with pytest.raises(DomainError) as error:
        _register(tree, **overrides)
    assert error.value.field == field
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_register_refuses_a_union_that_is_not_an_enterprise(tree):
    with pytest.raises(DomainError):
        _register(tree, org=tree.city_a)


def test_register_refuses_taken_phone_and_username(tree):
    _register(tree)
    with pytest.raises(DomainError) as taken_phone:
        _register(tree)
    assert taken_phone.value.field == "phone"
    _register(tree, login="li.ming")
    with pytest.raises(DomainError) as taken_name:
        _register(tree, login="LI.MING")
    assert taken_name.value.field == "username"


def test_names_from_every_script_are_welcome(tree):
    assert _register(tree, name="阿卜杜拉·艾则孜").name == "阿卜杜拉·艾则孜"
    assert _register(tree, login="ann", name="Ann-Marie O'Neil").name == "Ann-Marie O'Neil"


def test_password_rule():
    check_password_rule("a long passphrase at work")
    check_password_rule("x" * 8 + "yz1")
    for bad in ("1234567", "12345678", "qwertyuiop", "aaaaaaaaaa", "x" * 129):
        with pytest.raises(DomainError):
            check_password_rule(bad)
    with pytest.raises(DomainError):
        check_password_rule("13812345678abc", "13812345678")


def test_unknown_user_and_wrong_password_get_the_same_answer(make_user):
    make_user("li.ming")
    with pytest.raises(DomainError) as unknown:
        accounts.authenticate("nobody", PASSWORD)
    with pytest.raises(DomainError) as wrong:
        accounts.authenticate("li.ming", "wrong password here")
    assert unknown.value.message == wrong.value.message
    assert accounts.authenticate("LI.MING", PASSWORD).username == "li.ming"


def test_deactivated_cannot_authenticate(make_user):
    user = make_user("li.ming", is_active_account=False)
    with pytest.raises(DomainError):
        accounts.authenticate(user.username, PASSWORD)


def test_sessions_are_stored_hashed_and_end_everywhere(make_user):
    user = make_user("li.ming")
    first = accounts.start_session(user)
    second = accounts.start_session(user)
    assert first.token_hash != first.token and len(first.token) >= 40
    assert accounts.load_session_user(first.token) == user
    accounts.end_all_sessions(user, keep=second)
    assert accounts.load_session_user(first.token) is None
    assert accounts.load_session_user(second.token) == user
    assert accounts.load_session_user("forged") is None


def test_change_password_signs_out_other_devices(make_user):
    user = make_user("li.ming")
    other = accounts.start_session(user)
    mine = accounts.start_session(user)
    with pytest.raises(DomainError):
        accounts.change_password(user, "not my password", "A new long secret")
    accounts.change_password(user, PASSWORD, "A new long secret")
    assert accounts.load_session_user(other.token) is None
    assert accounts.load_session_user(mine.token) == user
    assert accounts.authenticate("li.ming", "A new long secret") == user


def test_admin_scope(tree, make_user):
    admin = make_user("admin-a", role="admin", org=tree.city_a)
    inside = make_user("w-a", org=tree.ent_a2)
    sibling = make_user("w-b", org=tree.ent_b1)
    parent_admin = make_user("admin-p", role="admin", org=tree.prov_a)
    assert accounts.get_person_in_scope(admin, inside.id) == inside
    for outside in (sibling, parent_admin):
        with pytest.raises(NotFound):
            accounts.get_person_in_scope(admin, outside.id)
    with pytest.raises(NotFound):
        accounts.move_person(admin, inside, tree.ent_b1.id)
    with pytest.raises(NotFound):
        accounts.move_person(admin, inside, tree.prov_a.id)
    with pytest.raises(DomainError):
        accounts.move_person(admin, inside, tree.city_a.id)  # a worker needs an enterprise
    accounts.move_person(admin, inside, tree.ent_a1.id)
    assert inside.org == tree.ent_a1


def test_admin_cannot_change_themselves(tree, make_user):
    admin = make_user("admin-a", role="admin", org=tree.city_a)
    for action in (
        lambda: accounts.change_role(admin, admin, "worker"),
        lambda: accounts.set_active(admin, admin, False),
    ):
        with pytest.raises(DomainError):
            action()


def test_deactivation_ends_all_sessions(tree, make_user):
    admin = make_user("admin-a", role="admin", org=tree.city_a)
    worker = make_user("w-a", org=tree.ent_a2)
    session = accounts.start_session(worker)
    accounts.set_active(admin, worker, False)
    assert accounts.load_session_user(session.token) is None
    assert db.session.scalar(db.select(db.func.count()).select_from(LoginSession)) == 0


def test_people_query_filters_within_scope(tree, make_user):
    admin = make_user("admin-a", role="admin", org=tree.city_a)
    make_user("w1", org=tree.ent_a1, name="王大力", occupation="welder", skill_level="level4")
    make_user("w2", org=tree.ent_a2, name="李小红", phone="13912345678")
    make_user("w3", org=tree.ent_b1, name="王二")
    names = lambda **kw: [u.name for u in db.session.scalars(accounts.people_query(admin, **kw))]  # noqa: E731
    assert "王二" not in names()
    assert names(text="王") == ["王大力"]
    assert names(text="1391") == ["李小红"]
    assert names(occupation="welder") == ["王大力"]
    assert names(skill_level="level4") == ["王大力"]
    assert names(union_text="电缆") == ["李小红"]
    assert names(org=tree.ent_b1) == names()  # an org outside the scope is ignored
    assert names(role="admin") == [admin.name]


def test_an_admin_manages_only_people_below_their_own_standing(make_user, tree):
    admin = make_user("city.admin", role="admin", org=tree.city_a)
    peer = make_user("city.peer", role="admin", org=tree.city_a)
    below = make_user("ent.admin", role="admin", org=tree.ent_a1)
    trainer = make_user("city.trainer", role="trainer", org=tree.city_a)
    hash_before = peer.password_hash
    for act in (
        lambda: accounts.reset_password(admin, peer),
        lambda: accounts.change_role(admin, peer, "trainer"),
        lambda: accounts.set_active(admin, peer, False),
        lambda: accounts.move_person(admin, peer, tree.ent_a1.id),
        # ...nor make a new peer, who could then be taken over the same way
        lambda: accounts.change_role(admin, trainer, "admin"),
        lambda: accounts.move_person(admin, below, tree.city_a.id),
    ):
        with pytest.raises(DomainError):
            act()
    assert peer.password_hash == hash_before and peer.role == "admin" and peer.is_active_account
    assert trainer.role == "trainer" and below.org == tree.ent_a1
    # An admin of a union below is theirs to manage, and so is one of their own union's trainers.
    assert accounts.reset_password(admin, below)
    accounts.set_active(admin, trainer, False)
    assert not trainer.is_active_account


def test_every_login_path_costs_the_same_hashing(make_user, monkeypatch):
    from learnhub.accounts import passwords

    make_user("li.ming")
    pending = make_user("wang.fang")
    pending.password_hash = passwords.hash_initial_password("abcdefghjk")
    pending.must_change_password = True
    db.session.flush()
    real = passwords.check_password_hash
    methods = []

    def counting(pwhash, password):
        methods.append(pwhash.split("$", 1)[0])
        return real(pwhash, password)

    monkeypatch.setattr(passwords, "check_password_hash", counting)
    costs = {}
    for login in ("nobody", "li.ming", "wang.fang"):
        methods.clear()
        with pytest.raises(DomainError):
            accounts.authenticate(login, "wrong-password-1")
        costs[login] = sorted(methods)
    # An unknown account, a chosen password and a pending one-time password: the same work.
    assert costs["nobody"] == costs["li.ming"] == costs["wang.fang"]
    assert passwords.INITIAL_PASSWORD_HASH in costs["nobody"]
