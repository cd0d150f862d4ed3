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


# What each action keeps in its details (as its feature records it), for the sentence to name.
RECORDED = {
    "person.role": dict(person="张伟", before="worker", after="trainer"),
    "person.union": dict(person="张伟", before="甲厂工会", after="乙厂工会"),
    "person.deactivate": dict(person="张伟"),
    "person.activate": dict(person="张伟"),
    "person.password_reset": dict(person="张伟"),
    "person.two_factor_reset": dict(person="张伟"),
    "people.import": dict(union="甲市总工会", accounts=12),
    "ledger.reverse": dict(person="张伟", entry="安全交底", credits="0.50", minutes=45, reason="重复"),
    "learning.quick_pass": dict(course="x", module="q", title="电工安全", seconds=20, questions=10),
    "contest.created": dict(note="焊工比武"),
    "contest.published": dict(note="焊工比武"),
    "contest.quick_paper": dict(title="焊工比武", seconds=30, questions=20),
    "application.approve": dict(person="张伟", pathway="电工学分转换", credits="0.00"),
    "application.reject": dict(person="张伟", pathway="电工学分转换", reason="缺少证明"),
    "pathway.save": dict(title="电工学分转换", version=2),
    "pathway.activate": dict(title="电工学分转换"),
    "pathway.deactivate": dict(title="电工学分转换"),
    "prior_learning.grant": dict(person="张伟", title="电工培训", credits="0.10", minutes=90),
    "prior_learning.reject": dict(person="张伟", title="电工培训", reason="证书看不清"),
    "credential.revoke": dict(person="张伟", title="电工安全", reason="误发"),
    "required.add": dict(course="电工安全", due_on="2026-03-01"),
    "required.remove": dict(course="电工安全", due_on="2026-03-01"),
    "required.remind": dict(course="电工安全", people=3),
    "api.token_create": dict(name="会员App", scopes=["read"]),
    "api.token_revoke": dict(name="会员App"),
    "api.client_create": dict(name="基础数据库", scopes=["roster"]),
    "api.client_revoke": dict(name="基础数据库"),
    "api.roster_upsert": dict(person="张伟", system="基础数据库", client="c1", external_id="9", created=True),
    **{
        f"course.{kind}": dict(title="电工安全", publication=1, note="请补充一道题")
        for kind in (
            "published",
            "unpublished",
            "archived",
            "restored",
            "submitted",
            "withdrawn",
            "approved",
            "returned",
        )
    },
}


def test_every_action_reads_as_a_sentence_with_its_names_in_both_languages(app):
    from learnhub.core.audit import action_label, describe
    from learnhub.core.i18n import force_locale

    registered = set(app.extensions["learnhub_audit_actions"])
    assert registered == set(RECORDED)
    with app.test_request_context("/"):
        for action, details in RECORDED.items():
            event = AuditEvent(action=action, details=details)
            for locale in ("zh_CN", "en"):
                with force_locale(locale):
                    line = describe(event)
                    assert line != str(action_label(action)) and "%(" not in line, (action, locale, line)
                    assert "0.00" not in line and "details" not in line
        with force_locale("zh_CN"):
            assert describe(AuditEvent(action="required.add", details=RECORDED["required.add"])) == (
                "把“电工安全”设为必修课程，须在2026年3月1日前学完。"
            )
            assert describe(AuditEvent(action="application.approve", details=RECORDED["application.approve"])) == (
                "同意认定张伟按“电工学分转换”提出的申请。"
            )
            # An event from before its action kept names shows the action's label.
            assert describe(AuditEvent(action="person.role", details={"before": "worker"})) == "更改角色"
