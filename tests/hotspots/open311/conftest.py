"""Open311 test fixtures: hotspots made through the services (tests/builders.py)."""

import pytest
from django.contrib.gis.geos import Point

from geo.spatial import WGS84
from hotspots.models import Hotspot, Status
from tests import builders
from tests.hotspots.open311.helpers import spot


@pytest.fixture
def make(organiser):
    """Create a hotspot through the services, at spot(index), in the given status."""

    def create(index: int = 0, status: str = Status.VERIFIED, **extra) -> Hotspot:
        extra.setdefault("size", "several_bags")
        return builders.hotspot(
            location=Point(*spot(index), srid=WGS84),
            status=status,
            actor=organiser,
            **extra,
        )

    return create
