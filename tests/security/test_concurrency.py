"""Idempotency under real concurrency: the same submission sent at once from
several connections (a phone retrying on a bad network, two quick taps) is
stored exactly once. Real threads against the live server and the real PostGIS."""

import datetime as dt
import json
import threading
import urllib.error
import urllib.request
import uuid

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from events.models import CleanupEvent, EventReceipt
from hotspots.models import Hotspot, ReportReceipt
from tests import builders

HUE = (107.5786, 16.4698)  # Đại Nội, Thành phố Huế
TRIES = 8


def _post(url: str, body: dict, headers: dict) -> tuple[int, dict]:
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def _at_once(url: str, body: dict, headers: dict | None = None):
    """POST the same body from TRIES threads released together; return the answers."""
    barrier = threading.Barrier(TRIES)
    answers: list[tuple[int, dict]] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def send():
        try:
            barrier.wait(timeout=30)
            answer = _post(url, body, headers or {})
        except BaseException as exc:  # reported to the test thread below
            with lock:
                errors.append(exc)
            return
        with lock:
            answers.append(answer)

    threads = [threading.Thread(target=send) for _ in range(TRIES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert len(answers) == TRIES
    return answers


@pytest.mark.django_db(transaction=True)
def test_one_report_sent_at_once_from_eight_connections_is_stored_once(
    demo_areas_tx, live_server
):
    key = str(uuid.uuid4())
    body = {
        "lon": HUE[0],
        "lat": HUE[1],
        "category": "plastic",
        "size_class": "several_bags",
        "client_uuid": key,
    }
    answers = _at_once(f"{live_server.url}/api/v1/hotspots/", body)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * (TRIES - 1) + [201], answers
    ids = {answer["hotspot"]["properties"]["id"] for _, answer in answers}
    assert len(ids) == 1
    assert Hotspot.objects.count() == 1
    assert ReportReceipt.objects.filter(client_uuid=key).count() == 1
    assert Hotspot.objects.get().history.count() == 1


@pytest.mark.django_db(transaction=True)
def test_one_event_sent_at_once_from_eight_connections_is_stored_once(
    demo_areas_tx, live_server
):
    campaign = builders.campaign(registration=(-30, 5), activity=(-20, 10))
    entrant = builders.entrant(campaign=campaign)
    token = Token.objects.create(user=entrant.representative)
    key = str(uuid.uuid4())
    now = timezone.now()
    body = {
        "entrant": entrant.pk,
        "title": "Vớt rác bờ sông Hương",
        "lon": HUE[0],
        "lat": HUE[1],
        "started_at": (now - dt.timedelta(hours=3)).isoformat(),
        "ended_at": (now - dt.timedelta(hours=1)).isoformat(),
        "participants": ["Nguyễn Thị Lan"],
        "weight_kg": "12.5",
        "weight_method": "measured",
        "bags": 3,
        "client_uuid": key,
    }
    answers = _at_once(
        f"{live_server.url}/api/v1/events/",
        body,
        {"Authorization": f"Token {token.key}"},
    )
    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * (TRIES - 1) + [201], answers
    assert len({answer["properties"]["id"] for _, answer in answers}) == 1
    assert CleanupEvent.objects.count() == 1
    assert EventReceipt.objects.filter(client_uuid=key).count() == 1
    assert CleanupEvent.objects.get().participants.count() == 1
