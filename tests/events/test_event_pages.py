"""The event pages: log (form page), one event (public/private), the jury's review list."""

import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone

from accounts.services import user_upsert
from events.campaigns.services import (
    Consents,
    Person,
    Representative,
    campaign_create,
    entrant_approve,
    entrant_register,
)
from events.cleanups.services import event_log

PASSWORD = "Mat-khau-dai-2024"


@pytest.fixture
def contest(demo_areas):
    today = timezone.localdate()
    campaign = campaign_create(
        name="Thử nghiệm",
        slug="thu-nghiem",
        registration_start=today - dt.timedelta(days=10),
        registration_end=today + dt.timedelta(days=10),
        activity_start=today - dt.timedelta(days=10),
        activity_end=today + dt.timedelta(days=10),
    )
    rep, _ = user_upsert(username="lan", role="resident", password=PASSWORD)
    organiser, _ = user_upsert(username="btc", role="organiser", password=PASSWORD)
    entrant = entrant_register(
        campaign=campaign,
        user=rep,
        kind="team",
        name="Đội Sông Hương",
        representative=Representative(
            "Nguyễn Thị Lan", dt.date(1995, 4, 12), "0905123456", "lan@example.vn"
        ),
        members=[Person("Trần Văn Minh"), Person("Lê Thị Hoa")],
        consents=Consents(participation=True, publish=False),
        today=today - dt.timedelta(days=5),
    )
    return campaign, rep, organiser, entrant


def log(entrant, rep, *, kg=50, hours_ago=30, method="estimated", **extra):
    start = timezone.now() - dt.timedelta(hours=hours_ago)
    return event_log(
        entrant=entrant,
        user=rep,
        title="Vớt rác sông An Cựu",
        location=Point(107.6060, 16.4550, srid=4326),
        started_at=start,
        ended_at=start + dt.timedelta(hours=2),
        participants=["Trần Văn Minh", "Người dân Ngọc Lan"],
        weight_kg=kg,
        weight_method=method,
        notes="Gọi chị Lan 0905123456",
        **extra,
    )[0]


def test_event_form_only_for_an_approved_representative(contest, client):
    campaign, rep, organiser, entrant = contest
    url = reverse("events:event-new")
    assert client.get(url).status_code == 302  # to log in
    client.force_login(rep)
    pending = client.get(url)
    assert pending.status_code == 403
    assert "chờ Ban Tổ chức duyệt" in pending.content.decode()
    entrant_approve(entrant=entrant, actor=organiser)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert f'name="entrant" value="{entrant.pk}"' in html
    assert "Trần Văn Minh" in html  # members to pick
    assert 'id="event-config"' in html and "/api/v1/events/" in html


def test_public_event_page_hides_names_notes_and_unpublished_entrant(contest, client):
    campaign, rep, organiser, entrant = contest
    entrant = entrant_approve(entrant=entrant, actor=organiser)
    event = log(entrant, rep)
    html = client.get(event.get_absolute_url()).content.decode()
    assert "Vớt rác sông An Cựu" in html and "50" in html
    for secret in (
        "Trần Văn Minh",
        "Người dân Ngọc Lan",
        "0905123456",
        "Đội Sông Hương",
    ):
        assert secret not in html
    assert f"Đội thi #{entrant.pk}" in html
    client.force_login(rep)
    own = client.get(event.get_absolute_url()).content.decode()
    assert "Trần Văn Minh" in own and "Gọi chị Lan" in own and "Đội Sông Hương" in own


def test_judges_see_flags_explained_in_the_review_list(contest, client):
    campaign, rep, organiser, entrant = contest
    entrant = entrant_approve(entrant=entrant, actor=organiser)
    log(entrant, rep, kg=900)  # 900 kg by 2 people in 2 hours: implausible
    log(entrant, rep, kg=10, hours_ago=60, method="measured")  # nothing to flag
    url = reverse("events:event-review", args=[campaign.slug])
    client.force_login(rep)
    assert client.get(url).status_code == 403
    judge, _ = user_upsert(username="bgk", role="judge", password=PASSWORD)
    client.force_login(judge)
    page = client.get(url)
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count('data-testid="review-row"') == 2
    assert "kg_per_participant_hour" in html and "225" in html  # 900 / (2 × 2)
    flagged = client.get(url, {"flagged": "1"}).content.decode()
    assert flagged.count('data-testid="review-row"') == 1


def test_unknown_event_is_404(db, client):
    assert client.get(reverse("events:event", args=[999])).status_code == 404
