"""Open311 test fixtures: an organiser, hotspots made through the services."""

import pytest
from django.contrib.gis.geos import Point

from accounts.services import user_upsert
from geo.spatial import WGS84
from hotspots import services
from hotspots.models import Category, Hotspot, SizeClass, Status
from tests.hotspots.open311.helpers import spot


@pytest.fixture
def organiser(db):
    user, _ = user_upsert(username="btc", role="organiser", password="Mat-khau-2024!")
    return user


@pytest.fixture
def make(organiser):
    """Create a hotspot through the services, at spot(index), in the given status."""

    def create(index: int = 0, status: str = Status.VERIFIED, **extra) -> Hotspot:
        lon, lat = spot(index)
        options = {
            "category": Category.PLASTIC,
            "size_class": SizeClass.objects.get(key="several_bags"),
        }
        options.update(extra)
        hotspot = services.hotspot_report(
            location=Point(lon, lat, srid=WGS84), **options
        ).hotspot
        if status in (Status.VERIFIED, Status.CLEANED):
            hotspot = services.hotspot_verify(hotspot=hotspot, actor=organiser)
        if status == Status.CLEANED:
            hotspot = services.hotspot_mark_cleaned(hotspot=hotspot, actor=organiser)
        if status == Status.REJECTED:
            services.hotspot_reject(hotspot=hotspot, actor=organiser, reason="Sai")
        return Hotspot.objects.get(pk=hotspot.pk)

    return create
