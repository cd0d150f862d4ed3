"""The audit log reads as sentences a union admin understands: names, not ids; no seconds."""

import re
from decimal import Decimal

from learnhub.credits import services as credits
from learnhub.extensions import db
from learnhub.recognition import services as recognition


def _lines(client):
    page = client.get("/audit/").get_data(as_text=True)
    return [re.sub(r"<[^>]+>", "", row).split() for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]]


def test_each_line_names_the_people_and_things_in_the_admins_language(
    client, auth, tree, make_user, make_pathway, safety_course, finish
):
    worker = make_user("zhang.wei", org=tree.ent_a1, name="张伟", occupation="electrician")
    admin = make_user("city.admin", role="admin", org=tree.city_a, name="王丽娟", locale="zh_CN")
    make_user("city.admin.en", role="admin", org=tree.city_a, name="Li Na", locale="en")
    version = make_pathway(org=tree.city_a, title="电工安全学分转换")
    finish(worker, safety_course)
    application = recognition.apply(worker, version.pathway_id)
    entry, _ = credits.award(
        worker, kind="module", source_type="module", source_id=99, credits=Decimal("0.5"), minutes=45, note="安全交底"
    )
    db.session.commit()

    auth.login("city.admin")
    auth.post(f"/people/{worker.id}/role", {"role": "trainer"})
    auth.post(f"/people/{worker.id}/record/{entry.id}/reverse", {"reason": "重复记录"})
    recognition.approve(admin, application)
    db.session.commit()

    lines = [" ".join(cells) for cells in _lines(client)]
    assert any("同意认定张伟按“电工安全学分转换”提出的申请，认定为2学分。" in line for line in lines), lines
    assert any("更正了张伟学习档案中的“安全交底”（扣回0.5学分、45分钟）。原因：重复记录" in line for line in lines)
    assert any("把张伟的角色从职工改为培训师。" in line for line in lines)
    page = client.get("/audit/").get_data(as_text=True)
    # Names, not the ids and field names of the records; a time to the minute.
    assert "application" not in page and "credits:" not in page and f"user {worker.id}" not in page
    assert re.search(r"\d{4}/\d{1,2}/\d{1,2} \d{2}:\d{2}<", page) and not re.search(r"\d{2}:\d{2}:\d{2}", page)

    auth.logout()
    auth.login("city.admin.en")
    english = [" ".join(cells) for cells in _lines(client)]
    assert any(
        "Approved the application of 张伟 under “电工安全学分转换”, recognised as 2 credits." in line
        for line in english
    )
    assert any("Changed the role of 张伟 from Worker to Trainer." in line for line in english)
