"""A long export as a job: progress on a page that refreshes, a download that expires, retries."""

import io
import re
from datetime import timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from learnhub.core import jobs, tasks
from learnhub.core.db import utcnow
from learnhub.core.storage import storage
from learnhub.extensions import db
from learnhub.stats import exports


@pytest.fixture(autouse=True)
def _instance(app, tmp_path, monkeypatch):
    monkeypatch.setattr(app, "instance_path", str(tmp_path / "instance"))


@pytest.fixture
def workforce(tree, make_user):
    for number in range(30):
        make_user(f"w{number:02d}", org=tree.ent_a1, phone=f"138000000{number:02d}")
    db.session.commit()


def _get(client, url):
    """GET and close the response, so that no file handle is left open."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _start(client, org_id, name="workforce", fmt="xlsx", query=""):
    from tests.conftest import csrf_token

    token = csrf_token(client, f"/stats/{org_id}/roster")
    response = client.post(f"/stats/{org_id}/export/{name}.{fmt}/job{query}", data={"csrf_token": token})
    assert response.status_code == 302, response.get_data(as_text=True)
    job_id = int(re.search(r"/jobs/(\d+)$", response.headers["Location"]).group(1))
    return db.session.get(jobs.Job, job_id)


def test_an_export_job_shows_progress_then_a_download_only_to_its_owner(client, auth, admin_of, tree, workforce):
    admin_of(tree.city_a)
    job = _start(client, tree.city_a.id, query="?q=w0")
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert '<meta http-equiv="refresh" content="3">' in page  # refreshes itself, JavaScript or not
    assert "/download" not in page
    jobs.run_job(job.id)  # what the task queue's worker does
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' not in page
    assert f"/jobs/{job.id}/download" in page
    response = _get(client, f"/jobs/{job.id}/download")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 10  # w00..w09: the filter of the page it was started from
    assert "138****0001" in [cell for row in rows for cell in row]
    auth.logout()
    admin_of(tree.city_a)  # another admin of the same union: not their job
    assert client.get(f"/jobs/{job.id}").status_code == 404
    assert _get(client, f"/jobs/{job.id}/download").status_code == 404


def test_an_export_of_a_union_outside_my_subtree_is_refused(client, admin_of, tree):
    admin_of(tree.city_a)
    from tests.conftest import csrf_token

    token = csrf_token(client, f"/stats/{tree.city_a.id}/roster")
    response = client.post(f"/stats/{tree.city_b.id}/export/workforce.xlsx/job", data={"csrf_token": token})
    assert response.status_code == 404
    assert db.session.scalars(select(jobs.Job)).all() == []


def test_a_job_stopped_half_way_leaves_nothing_and_the_retry_finishes_once(
    client, admin_of, tree, workforce, monkeypatch, s3_storage
):
    admin_of(tree.city_a)
    job = _start(client, tree.city_a.id, fmt="csv")
    written = exports.csv_for_excel

    def dies_half_way(rows):
        for number, _row in enumerate(rows):
            if number == 15:
                raise OSError("the worker's disk is gone")
        return ""

    monkeypatch.setattr(exports, "csv_for_excel", dies_half_way)
    with pytest.raises(OSError):
        jobs.run_job(job.id)
    db.session.refresh(job)
    assert job.state == "queued" and job.attempts == 1
    assert s3_storage.keys("jobs/") == []  # no half-written file
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert 'http-equiv="refresh"' in page and "/download" not in page
    monkeypatch.setattr(exports, "csv_for_excel", written)
    jobs.run_job(job.id)  # the task queue's retry
    jobs.run_job(job.id)  # a duplicate delivery changes nothing
    db.session.refresh(job)
    assert job.state == "done" and job.attempts == 2
    assert s3_storage.keys("jobs/") == [job.result_key]
    text = _get(client, f"/jobs/{job.id}/download").get_data(as_text=True)
    assert text.count("138****") == 30


def test_a_worker_that_vanished_is_noticed_and_its_job_queued_again(app, client, admin_of, tree, workforce):
    admin_of(tree.city_a)
    job = _start(client, tree.city_a.id)
    job.state, job.attempts, job.heartbeat_at = "running", 1, utcnow() - timedelta(minutes=10)
    db.session.commit()
    before = len(tasks.queue(app).pending())
    assert jobs.requeue_stalled_jobs() == 1
    assert job.state == "queued" and len(tasks.queue(app).pending()) == before + 1
    job.state, job.attempts, job.heartbeat_at = "running", 3, utcnow() - timedelta(minutes=10)
    jobs.requeue_stalled_jobs()
    assert job.state == "failed"
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "多次尝试后仍未完成" in page and "/download" not in page  # "The job failed after several tries"


def test_a_download_expires(client, admin_of, tree, workforce):
    admin_of(tree.city_a)
    job = _start(client, tree.city_a.id)
    jobs.run_job(job.id)
    key = job.result_key
    job.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    page = client.get(f"/jobs/{job.id}").get_data(as_text=True)
    assert "现已过期" in page and "/download" not in page  # "… and has expired"
    assert _get(client, f"/jobs/{job.id}/download").status_code == 404
    assert jobs.remove_expired_results() == 1
    assert not storage().exists(key)


@pytest.mark.parametrize(
    "address, status",
    [
        ("workforce.pdf/job", 404),
        ("nonsense.xlsx/job", 404),
        ("not-finished.csv/job?requirement=abc", 404),
        ("not-finished.csv/job?requirement=99999999999999999999", 404),
        ("workforce.xlsx/job?period=custom&start=2026-13-01&end=x", 302),  # this month instead
        ("workforce.xlsx/job?q=%00%27;DROP", 302),
    ],
)
def test_a_bad_export_job_request_is_refused_or_understood_never_a_500(client, admin_of, tree, address, status):
    from tests.conftest import csrf_token

    admin_of(tree.city_a)
    token = csrf_token(client, f"/stats/{tree.city_a.id}/roster")
    response = client.post(f"/stats/{tree.city_a.id}/export/{address}", data={"csrf_token": token})
    assert response.status_code == status
    assert len(db.session.scalars(select(jobs.Job)).all()) == (1 if status == 302 else 0)
