"""Shared data builders for the map and dashboard pages (the demo areas, a contest)."""

import datetime as dt

import pytest
from django.contrib.gis.geos import LineString, Point
from django.test import Client
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
from events.judging.services import event_decide
from hotspots import services
from hotspots.models import Hotspot, SizeClass

PASSWORD = "Mat-khau-dai-2024"
# Inside the demo "Thành phố Huế" district; 0.002° is ~210 m apart.
HUE_LON, HUE_LAT = 107.59, 16.46
DANGEROUS = "</script><script>alert(1)</script> `${alert(1)}` \\u{zz} ${x}"
MEMBER_NAMES = ("Trần Văn Minh", "Người dân Ngọc Lan")


def at(i: int = 0) -> Point:
    return Point(HUE_LON + 0.002 * (i % 10), HUE_LAT + 0.002 * (i // 10), srid=4326)


def report(i: int = 0, *, size: str = "bag", **kwargs) -> Hotspot:
    kwargs.setdefault("category", "plastic")
    return services.hotspot_report(
        location=kwargs.pop("location", None) or at(i),
        size_class=SizeClass.objects.get(key=size),
        **kwargs,
    ).hotspot


def user(username: str, role: str):
    return user_upsert(username=username, role=role, password=PASSWORD)[0]


def client_for(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def organiser(db):
    return user("btc", "organiser")


@pytest.fixture
def verified(organiser):
    def make(i: int, **kwargs) -> Hotspot:
        return services.hotspot_verify(hotspot=report(i, **kwargs), actor=organiser)

    return make


@pytest.fixture
def contest(demo_areas, organiser):
    """A running campaign with one approved team, its representative and a judge."""
    today = timezone.localdate()
    campaign = campaign_create(
        name="Thử nghiệm",
        slug="thu-nghiem",
        registration_start=today - dt.timedelta(days=10),
        registration_end=today + dt.timedelta(days=10),
        activity_start=today - dt.timedelta(days=10),
        activity_end=today + dt.timedelta(days=10),
    )
    rep = user("lan", "resident")
    entrant = entrant_register(
        campaign=campaign,
        user=rep,
        kind="team",
        name="Đội Sông Hương",
        representative=Representative(
            "Nguyễn Thị Lan", dt.date(1995, 4, 12), "0905123456", "lan@example.vn"
        ),
        members=[Person(MEMBER_NAMES[0]), Person("Lê Thị Hoa")],
        consents=Consents(participation=True, publish=False),
        today=today - dt.timedelta(days=5),
    )
    entrant = entrant_approve(entrant=entrant, actor=organiser)
    judge = user("bgk", "judge")
    return campaign, rep, entrant, judge


def log(entrant, rep, *, kg=50, hours_ago=30, location=None, **extra):
    start = timezone.now() - dt.timedelta(hours=hours_ago)
    return event_log(
        entrant=entrant,
        user=rep,
        title=extra.pop("title", "Vớt rác sông An Cựu"),
        location=location or Point(107.6060, 16.4550, srid=4326),
        started_at=start,
        ended_at=start + dt.timedelta(hours=2),
        participants=list(MEMBER_NAMES),
        weight_kg=kg,
        weight_method="estimated",
        **extra,
    )[0]


def approve(event, judge, **kwargs):
    return event_decide(event=event, judge=judge, verdict="approve", **kwargs)


def route_near(point: Point) -> LineString:
    return LineString(
        (point.x, point.y), (point.x + 0.001, point.y + 0.0005), srid=4326
    )
