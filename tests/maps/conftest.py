"""Shared data builders for the map and dashboard pages (on tests/builders.py)."""

import pytest
from django.contrib.gis.geos import LineString, Point
from django.test import Client

from hotspots import services
from hotspots.models import Hotspot
from tests import builders
from tests.builders import at

DANGEROUS = "</script><script>alert(1)</script> `${alert(1)}` \\u{zz} ${x}"
MEMBER_NAMES = builders.PARTICIPANTS


def report(i: int = 0, *, size: str = "bag", **kwargs) -> Hotspot:
    location = kwargs.pop("location", None) or at(i)
    return builders.hotspot(location=location, size=size, **kwargs)


def user(username: str, role: str):
    return builders.user(username=username, role=role)


def client_for(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


@pytest.fixture
def verified(organiser):
    def make(i: int, **kwargs) -> Hotspot:
        return services.hotspot_verify(hotspot=report(i, **kwargs), actor=organiser)

    return make


def log(entrant, rep, *, kg=50, hours_ago=30, location=None, **extra):
    return builders.event(
        entrant=entrant,
        representative=rep,
        kg=kg,
        hours_ago=hours_ago,
        location=location or Point(107.6060, 16.4550, srid=4326),
        **extra,
    )


def approve(event, judge, **kwargs):
    return builders.decision(event=event, judge=judge, **kwargs)


def route_near(point: Point) -> LineString:
    return LineString(
        (point.x, point.y), (point.x + 0.001, point.y + 0.0005), srid=4326
    )
