"""Who changed what and when, readable by the admins of that part of the tree."""

from decimal import Decimal

from learnhub.core.audit import AuditEvent
from learnhub.credits import services as credits
from learnhub.extensions import db


def test_admin_changes_are_recorded_and_read_within_scope(client, auth, make_user, tree):
    worker = make_user("worker1", org=tree.ent_a1)
    entry, _ = credits.award(worker, kind="module", source_type="module", source_id=1, credits=Decimal("1"), minutes=10)
    make_user("admin1", role="admin", org=tree.city_a, name="审计员")
    auth.login("admin1")
    auth.post(f"/people/{worker.id}/role", {"role": "trainer"})
    auth.post(f"/people/{worker.id}/union", {"org_query": "电缆"})
    auth.post(f"/people/{worker.id}/active", {"active": "0"})
    auth.post(f"/people/{worker.id}/record/{entry.id}/reverse", {"reason": "重复"})
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]
    # A move is recorded under the union left and the union joined (here both in city A).
    assert actions == ["person.role", "person.union", "person.union", "person.deactivate", "ledger.reverse"]
    page = client.get("/audit/").get_data(as_text=True)
    assert "审计员" in page and "重复" in page and "改为培训师" in page and "调到甲市电缆厂工会" in page
    # An admin of the other province sees none of it; a worker cannot open the log at all.
    make_user("admin2", role="admin", org=tree.prov_b)
    auth.logout()
    auth.login("admin2")
    assert "审计员" not in client.get("/audit/").get_data(as_text=True)
    auth.logout()
    make_user("worker2", org=tree.ent_b1)
    auth.login("worker2")
    assert client.get("/audit/").status_code == 404
