from learnhub.accounts.models import User
from learnhub.extensions import db
from tests.conftest import PASSWORD


def _admin_of_city_a(make_user, tree, auth):
    admin = make_user("admin-a", role="admin", org=tree.city_a)
    auth.login("admin-a")
    return admin


def test_people_list_is_scoped_masked_and_paged(app, client, auth, make_user, tree):
    _admin_of_city_a(make_user, tree, auth)
    for i in range(30):
        make_user(f"w{i:02d}", org=tree.ent_a1, name=f"工人{i:02d}", phone=f"1381234{i:04d}")
    make_user("far", org=tree.ent_b1, name="外省工人")
    first = client.get("/people/").get_data(as_text=True)
    assert "138****0000" in first and "13812340000" not in first
    assert "外省工人" not in first
    assert "31" in first  # 30 workers and the admin
    second = client.get("/people/?page=2").get_data(as_text=True)
    assert "工人29" in second and "工人00" not in second
    assert client.get("/people/?page=abc").status_code == 200
    assert client.get("/people/?page=-5").status_code == 200


def test_people_filters(client, auth, make_user, tree):
    _admin_of_city_a(make_user, tree, auth)
    make_user("w1", org=tree.ent_a1, name="焊工老王", occupation="welder", skill_level="level3")
    make_user("w2", org=tree.ent_a2, name="电工小李", occupation="electrician")
    html = client.get("/people/?occupation=welder").get_data(as_text=True)
    assert "焊工老王" in html and "电工小李" not in html
    html = client.get("/people/?union=电缆").get_data(as_text=True)
    assert "电工小李" in html and "焊工老王" not in html
    html = client.get(f"/people/?org={tree.ent_a1.id}").get_data(as_text=True)
    assert "焊工老王" in html and "电工小李" not in html
    # Junk in filters is ignored, not an error.
    assert client.get("/people/?role=root&skill_level=%00&org=xyz").status_code == 200


def test_people_outside_the_subtree_are_404(client, auth, make_user, tree):
    _admin_of_city_a(make_user, tree, auth)
    sibling = make_user("far", org=tree.ent_b1)
    parent_admin = make_user("boss", role="admin", org=tree.prov_a)
    for person in (sibling, parent_admin):
        assert client.get(f"/people/{person.id}").status_code == 404
        assert auth.post(f"/people/{person.id}/role", {"role": "worker"}).status_code == 404
        assert auth.post(f"/people/{person.id}/active", {"active": "0"}).status_code == 404
    assert parent_admin.role == "admin" and sibling.is_active
    assert client.get("/people/999999").status_code == 404


def test_change_role_and_union_within_subtree(client, auth, make_user, tree):
    _admin_of_city_a(make_user, tree, auth)
    worker = make_user("w1", org=tree.ent_a1)
    assert auth.post(f"/people/{worker.id}/role", {"role": "trainer"}).status_code == 302
    assert worker.role == "trainer"
    # Moving to a sibling's union is refused; moving inside the subtree works.
    response = auth.post(f"/people/{worker.id}/union", {"org_id": str(tree.ent_b1.id), "org_query": "造船"})
    assert response.status_code == 400 and worker.org == tree.ent_a1
    response = auth.post(f"/people/{worker.id}/union", {"org_query": "电缆"})
    assert response.status_code == 302 and worker.org == tree.ent_a2


def test_deactivation_ends_the_persons_sessions_at_once(app, client, auth, make_user, tree):
    _admin_of_city_a(make_user, tree, auth)
    worker = make_user("worker1", org=tree.ent_a1)
    phone = app.test_client()
    from tests.conftest import Auth

    Auth(phone).login("worker1")
    assert phone.get("/me/profile").status_code == 200
    assert auth.post(f"/people/{worker.id}/active", {"active": "0"}).status_code == 302
    assert phone.get("/me/profile").status_code == 302
    assert Auth(phone).login("worker1").status_code == 200  # refused, same answer as a wrong password
    assert auth.post(f"/people/{worker.id}/active", {"active": "1"}).status_code == 302
    assert Auth(phone).login("worker1", PASSWORD).status_code == 302


def test_workers_and_trainers_do_not_see_people(client, auth, make_user, tree):
    make_user("worker1")
    auth.login("worker1")
    assert client.get("/people/").status_code == 404
    target = make_user("worker2")
    assert auth.post(f"/people/{target.id}/role", {"role": "admin"}).status_code == 404
    assert db.session.get(User, target.id).role == "worker"


def test_a_visitor_is_asked_to_log_in_and_comes_back_after(client, auth, make_user, tree):
    """A link a colleague sent, or a session that expired: the login page, then the page itself."""
    response = client.get("/people/?q=王")
    assert response.status_code == 302 and response.location.startswith("/login?next=")
    make_user("people-admin", role="admin", org=tree.city_a, occupation=None)
    from tests.conftest import csrf_token

    back = client.post(
        response.location,
        data={
            "csrf_token": csrf_token(client, response.location),
            "login": "people-admin",
            "password": "Steady-Hands-2026",
        },
    )
    assert back.status_code == 302 and back.location.startswith("/people/")


def test_admin_resets_a_forgotten_password(app, client, auth, make_user, tree):
    _admin_of_city_a(make_user, tree, auth)
    worker = make_user("worker1", org=tree.ent_a1)
    phone = app.test_client()
    from tests.conftest import Auth

    Auth(phone).login("worker1")
    response = auth.post(f"/people/{worker.id}/password")
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    import re

    password = re.search(r'class="secret">([^<]+)<', response.get_data(as_text=True)).group(1)
    assert phone.get("/me/profile").status_code == 302  # logged out everywhere
    assert Auth(phone).login("worker1", PASSWORD).status_code == 200  # the old one is gone
    assert Auth(phone).login("worker1", password).status_code == 302
    assert phone.get("/me/profile").headers["Location"].endswith("/me/password")


def test_admin_cannot_reset_outside_the_subtree(client, auth, make_user, tree):
    _admin_of_city_a(make_user, tree, auth)
    far = make_user("faraway", org=tree.ent_b1)
    before = far.password_hash
    assert auth.post(f"/people/{far.id}/password").status_code == 404
    assert far.password_hash == before
