"""Background jobs: queueing (one waiting per key), running, retries, the list page,
and one job end to end through a real Celery worker and the project's Redis."""

import datetime as dt
import os
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

from jobs import registry
from jobs.models import Job, JobStatus
from jobs.services import job_request, job_run, jobs_resend
from maps.models import AnalysisResult
from tests import builders
from tests.maps.test_hexagons import LAT0, LON0, make_event, make_hotspot, north

ROOT = Path(__file__).resolve().parents[2]
calls: list[str] = []


def _count(key: str) -> dict:
    calls.append(key)
    return {"key": key}


def _fail(key: str) -> dict:
    raise ValueError("không tính được")


registry.register("test.count", run=_count, label="đếm (test)")
registry.register("test.fail", run=_fail, label="lỗi (test)")


@pytest.fixture(autouse=True)
def _no_calls():
    calls.clear()


def test_a_second_request_joins_the_waiting_job(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as sent:
        first = job_request(name="test.count", key="a")
        again = job_request(name="test.count", key="a")
        other = job_request(name="test.count", key="b")
    assert again.pk == first.pk and other.pk != first.pk
    assert len(sent) == 2  # one message per waiting job, not per request
    assert Job.objects.filter(status=JobStatus.QUEUED).count() == 2


def test_a_job_runs_once_and_records_its_summary(db):
    job = job_request(name="test.count", key="a")
    done = job_run(job.pk)
    assert done.status == JobStatus.DONE and done.summary == {"key": "a"}
    assert done.attempts == 1 and done.started_at <= done.finished_at
    # A message delivered twice does not run a finished job again.
    assert job_run(job.pk) is None
    assert calls == ["a"]
    # Once it has started, a new request queues a new run (the data changed).
    assert job_request(name="test.count", key="a").pk != job.pk


def test_a_failing_job_is_retried_then_marked_failed(db):
    job = job_request(name="test.fail", key="x")
    with pytest.raises(ValueError):
        job_run(job.pk, final_attempt=False)
    job.refresh_from_db()
    assert job.status == JobStatus.RUNNING and "không tính được" in job.error
    failed = job_run(job.pk, final_attempt=True)
    assert failed.status == JobStatus.FAILED and failed.attempts == 2
    assert failed.finished_at is not None


def test_lost_messages_are_sent_again(db, monkeypatch):
    sent = []
    monkeypatch.setattr("jobs.services._send", lambda pk, **kw: sent.append(pk))
    waiting = job_request(name="test.count", key="old")
    Job.objects.filter(pk=waiting.pk).update(
        requested_at=waiting.requested_at - dt.timedelta(hours=1)
    )
    job_request(name="test.count", key="new")  # just asked: its message is fine
    assert jobs_resend() == 1 and sent == [waiting.pk]


def test_job_list_is_for_organisers_and_helpers(db, client, organiser):
    job_run(job_request(name="test.count", key="campaign=1").pk)
    url = reverse("jobs:list")
    assert client.get(url).status_code == 302  # to the login page
    client.force_login(builders.user(role="resident"))
    assert client.get(url).status_code == 403
    client.force_login(organiser)
    html = client.get(url).content.decode()
    assert "đếm (test)" in html and "campaign=1" in html and "xong" in html
    client.force_login(builders.user(role="helper"))
    assert client.get(url, {"status": "failed"}).status_code == 200


def _worker_env() -> dict:
    """The worker's environment: this run's settings, on the test database."""
    from config.settings.base import default_database_url

    url = urlsplit(os.environ.get("DATABASE_URL") or default_database_url())
    url = url._replace(path="/" + connection.settings_dict["NAME"]).geturl()
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": url,
    }


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_computes_and_stores_the_gaps(demo_areas_tx, organiser):
    """The page asks; Celery (the project's Redis, a real worker) computes."""
    from config.celery import app

    campaign, rep, entrant, judge = builders.contest()
    make_event(entrant, rep, judge, LON0, LAT0)
    gap = make_hotspot(organiser, *north(2_500))
    app.control.purge()  # messages of earlier tests in this run's queue
    job = job_request(
        name="maps.analysis", key=f"gaps campaign={campaign.pk} distance=500"
    )
    worker = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "celery"),
            "-A",
            "config",
            "worker",
            "--pool",
            "solo",
            "--queues",
            settings.CELERY_TASK_DEFAULT_QUEUE,
            "--without-mingle",
            "--without-gossip",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env=_worker_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            job.refresh_from_db()
            if job.status in (JobStatus.DONE, JobStatus.FAILED):
                break
            if worker.poll() is not None:
                break
            time.sleep(0.3)
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0].decode()
    assert job.status == JobStatus.DONE, (job.error, output)
    stored = AnalysisResult.objects.get(kind="gaps", campaign=campaign)
    assert [g["id"] for g in stored.payload["gaps"]] == [gap.pk]
    assert job.summary["rows"] == 1
