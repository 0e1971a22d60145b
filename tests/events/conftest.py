import pytest

from events.campaigns.services import PrizeLine
from tests import builders


@pytest.fixture
def world(demo_areas, organiser, judge):
    """A running campaign with a first and a second prize, and its staff."""
    campaign = builders.campaign(
        prizes=[
            PrizeLine("collective", 1, "Giải Nhất", 1, 3_000_000),
            PrizeLine("collective", 2, "Giải Nhì", 1, 2_000_000),
        ],
    )
    secretary = builders.user(username="tk", role="secretary")
    return campaign, organiser, judge, secretary
