"""Plain text comes back exactly as typed: escaped once, never run, never double-escaped."""

import html
import re
from decimal import Decimal

from learnhub.credits import services as credits

MOODLE = "< > & &lt; &gt; &amp; ' \\' 碁 \\ \\\\"


def _attribute_values(page, name):
    return [html.unescape(v) for v in re.findall(rf'name="{name}"[^>]*value="([^"]*)"', page)]


def test_search_text_comes_back_as_typed(client):
    page = client.get("/courses/", query_string={"q": MOODLE}).get_data(as_text=True)
    assert _attribute_values(page, "q") == [MOODLE]
    assert "<script" not in page.split("<main", 1)[1].lower()


def test_a_reason_comes_back_as_typed(client, auth, make_user, tree):
    worker = make_user("worker1", org=tree.ent_a1)
    entry, _ = credits.award(worker, kind="module", source_type="module", source_id=1, credits=Decimal("1"), minutes=10)
    make_user("admin1", role="admin", org=tree.city_a)
    auth.login("admin1")
    auth.post(f"/people/{worker.id}/record/{entry.id}/reverse", {"reason": MOODLE + " <img src=x onerror=alert(1)>"})
    page = client.get(f"/people/{worker.id}/record").get_data(as_text=True)
    assert "<img src=x" not in page
    assert html.escape(MOODLE + " <img src=x onerror=alert(1)>", quote=False) in page.replace("&#39;", "'").replace(
        "&#34;", '"'
    )


def test_names_with_markup_are_refused_with_a_message(auth, tree):
    page = auth.post(
        "/register",
        {
            "login": "13812345678",
            "name": MOODLE,
            "org_id": str(tree.ent_a1.id),
            "occupation": "welder",
            "skill_level": "none",
            "password": "Steady-Hands-2026",
            "password2": "Steady-Hands-2026",
            "consent": "y",
        },
    ).get_data(as_text=True)
    assert 'id="name-error"' in page
    assert _attribute_values(page, "name") == [MOODLE]  # kept, so nothing typed is lost
