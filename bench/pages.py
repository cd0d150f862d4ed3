"""What each benchmark page costs the server, one request at a time, in-process (no gunicorn).

    DATABASE_URL=... python bench/pages.py --seed seed.json [--n 40]

For a database seeded by bench/seed.py: SQL statements, SQL time and CPU time per request,
medians over --n requests, from the same metering headers as the load test. CPU time holds
still on a busy machine, so this is how a change is judged before a full `make bench`.
"""

import argparse
import json
import os
import random
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from papers import paper_answers  # noqa: E402
from werkzeug.datastructures import MultiDict  # noqa: E402

_TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _timings(response):
    parts = dict(p.strip().split(";dur=") for p in response.headers["Server-Timing"].split(","))
    return int(response.headers["X-SQL-Queries"]), float(parts["cpu"]), float(parts["db"])


def page_calls(app, seed, username=None):
    """Log in as a seeded worker; {page name: call(i) -> response} for each benchmark page."""
    client = app.test_client()
    token = _TOKEN.search(client.get("/login").get_data(as_text=True)).group(1)
    username = username or seed["users"][-1]
    assert (
        client.post("/login", data={"csrf_token": token, "login": username, "password": seed["password"]}).status_code
        == 302
    )
    token = _TOKEN.search(client.get("/me/record").get_data(as_text=True)).group(1)
    shipped = seed["shipped"][0]
    lessons = [(c["slug"], k) for c in seed["shipped"] for k, kind in c["modules"] if kind == "lesson"]
    fresh = [(c["slug"], k) for c in seed["fresh"] for k in c["modules"]]
    quiz_where, _questions = next(iter(seed["quizzes"].items()))

    def quiz():
        page = client.get(f"/courses/{quiz_where}").get_data(as_text=True)
        data = MultiDict([("csrf_token", token), *paper_answers(page, random.Random(0))])
        return client.post(f"/courses/{quiz_where}/quiz", data=data)

    return {
        "bare": lambda i: client.get("/healthz"),
        "catalogue": lambda i: client.get("/courses/"),
        "course": lambda i: client.get(f"/courses/{shipped['slug']}"),
        "module (return visit)": lambda i: client.get(f"/courses/{lessons[0][0]}/{lessons[0][1]}"),
        "module (moving on)": lambda i: client.get("/courses/{}/{}".format(*lessons[i % len(lessons)])),
        "quiz submit": lambda i: quiz(),
        "complete module": lambda i: client.post(
            "/courses/{}/{}/done".format(*fresh.pop()), data={"csrf_token": token}
        ),
        "learning record": lambda i: client.get("/me/record"),
        "home": lambda i: client.get("/"),
        # The player's heartbeat while its page stays open (one lesson, the same each time)...
        "heartbeat": lambda i: client.post("/courses/{}/{}/heartbeat".format(*lessons[0]), data={"csrf_token": token}),
        # ...and the first one of a page, which records the opening (a new lesson each time).
        "heartbeat (opening)": lambda i: client.post(
            "/courses/{}/{}/heartbeat".format(*lessons[i % len(lessons)]), data={"csrf_token": token}
        ),
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", required=True)
    parser.add_argument("--n", type=int, default=40)
    parser.add_argument("--user", default=None, help="account to use (default: the seed's last)")
    args = parser.parse_args()
    os.environ["SQL_COUNT_HEADER"] = "1"
    # The pages finish modules at once: they measure the code, not study time.
    os.environ.setdefault("LESSON_READ_SHARE", "0")
    os.environ.setdefault("VIDEO_PLAYED_SHARE", "0")
    from learnhub import create_app

    pages = page_calls(create_app(), json.loads(Path(args.seed).read_text()), args.user)
    print(f"{'page':<24}{'SQL':>6}{'SQL ms':>9}{'CPU ms':>9}")
    for name, call in pages.items():
        for i in range(3):
            call(i)
        rows = []
        for i in range(args.n):
            response = call(i)
            assert response.status_code in (200, 204, 302), (name, response.status_code)
            rows.append(_timings(response))
        sql = statistics.median(r[0] for r in rows)
        print(
            f"{name:<24}{sql:>6.0f}{statistics.median(r[2] for r in rows):>9.2f}"
            f"{statistics.median(r[1] for r in rows):>9.2f}"
        )


if __name__ == "__main__":
    main()
