"""The inbox: what the union and the platform tell a person, once each, until it is read."""

import re
from datetime import timedelta

from learnhub.extensions import db
from learnhub.notify import services as notify
from learnhub.notify.models import Notification
from learnhub.stats import required
from learnhub.stats.rollups import today


def test_a_message_is_sent_once_and_read_from_the_inbox(client, auth, make_user):
    worker = make_user("inbox-worker")
    assert notify.notify(worker, key="k1", kind="test", title="第一条", link="/me/record") is True
    assert notify.notify(worker, key="k1", kind="test", title="第一条") is False  # a retry adds nothing
    notify.notify(worker, key="k2", kind="test", title="第二条", link="https://evil.example/")
    assert db.session.scalar(db.select(Notification.link).where(Notification.key == "k2")) == ""  # never off-site
    auth.login("inbox-worker")
    home = client.get("/").get_data(as_text=True)
    assert re.search(r'消息 <span class="badge">2<span class="sr"> 条未读</span>', home)
    inbox = client.get("/inbox").get_data(as_text=True)
    assert "第一条" in inbox and "第二条" in inbox
    first = db.session.scalar(db.select(Notification).where(Notification.key == "k1"))
    opened = auth.post(f"/inbox/{first.id}/read")
    assert opened.status_code == 302 and opened.location == "/me/record"
    assert re.search(r'消息 <span class="badge">1<', client.get("/").get_data(as_text=True))
    auth.post("/inbox/read")
    assert 'class="badge"' not in client.get("/inbox").get_data(as_text=True).split("<main")[0]


def test_nobody_reads_another_persons_messages(client, auth, make_user):
    owner = make_user("owner-worker")
    make_user("other-worker")
    notify.notify(owner, key="private", kind="test", title="私信")
    message = db.session.scalar(db.select(Notification))
    auth.login("other-worker")
    assert "私信" not in client.get("/inbox").get_data(as_text=True)
    assert auth.post(f"/inbox/{message.id}/read").status_code == 404
    assert db.session.get(Notification, message.id).read_at is None


def test_a_required_course_reaches_the_workers_it_asks_in_their_language(tree, make_user, make_course):
    course = make_course("safety-first", title="安全第一")
    admin = make_user("city-admin", role="admin", org=tree.city_a, occupation=None)
    chinese = make_user("sparky", org=tree.ent_a1, occupation="electrician")
    english = make_user("sparky-en", org=tree.ent_a2, occupation="electrician", locale="en")
    make_user("welder", org=tree.ent_a1, occupation="welder")
    make_user("far", org=tree.ent_b1, occupation="electrician")
    requirement = required.require_course(
        admin, course.id, today() + timedelta(days=30), today(), occupations=["electrician"]
    )
    assert required.tell_the_asked(requirement.id) == 2
    assert required.tell_the_asked(requirement.id) == 0  # run again (a retry): nothing twice
    titles = dict(
        db.session.execute(
            db.select(Notification.user_id, Notification.title).where(Notification.kind == "required.assigned")
        ).all()
    )
    assert titles == {chinese.id: "必修课：安全第一", english.id: "Required: 安全第一"}


def test_a_decision_on_prior_learning_reaches_the_worker(tree, make_user):
    from learnhub.recognition import prior

    worker = make_user("claimant", org=tree.ent_a1)
    admin = make_user("reviewer", role="admin", org=tree.city_a, occupation=None)
    claim = prior.submit(
        worker,
        title="电工证",
        issuer="某培训中心",
        achieved_on="2024-06-30",
        hours="8",
        description="",
        filename="证书.pdf",
        data=b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n",
    )
    prior.reject(admin, claim, "证书照片看不清，请重新上传。")
    [message] = db.session.scalars(db.select(Notification).where(Notification.user_id == worker.id)).all()
    assert message.title == "先前学习成果未予认定：电工证" and "看不清" in message.body
    assert message.link == f"/recognition/prior/{claim.id}"
