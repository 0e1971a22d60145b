import pytest

from tests.maps.test_coverage import build_scenario


@pytest.fixture
def scenario(demo_areas):
    """Hotspots (one unverified, one rejected) with reporters' contacts, a
    campaign with two teams, events with participants and notes: personal data
    everywhere, so a leak has something to leak."""
    return build_scenario()


@pytest.fixture
def committed_scenario(demo_areas_tx):
    return build_scenario()
