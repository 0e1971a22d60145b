import pytest
from django.core.management import call_command


@pytest.fixture
def demo_areas(db):
    """The approximate demo province and its nine district-level units."""
    from demo import areas as demo

    demo.load()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def load(db):
    """Run load_areas as an operator would, returning its stdout."""

    def run(*args):
        from io import StringIO

        out = StringIO()
        call_command(
            "load_areas", *[str(a) for a in args], stdout=out, stderr=StringIO()
        )
        return out.getvalue()

    return run


@pytest.fixture
def demo_areas_tx(transactional_db):
    """The demo areas, committed so a live server thread sees them.

    Transactional tests empty every table afterwards, including rows that data
    migrations seeded, so the default size classes are seeded again here.
    """
    from demo import areas as demo
    from hotspots.defaults import seed_size_classes
    from hotspots.models import SizeClass

    seed_size_classes(SizeClass)
    demo.load()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache: start every test with an empty one."""
    from django.core.cache import cache

    cache.clear()
    yield
