"""Schemathesis runs every operation of /api/schema/ with every check.

Anonymous, then as an organiser, a judge and a team's representative (token
auth), so write operations get past 401/403. Real PostGIS: a campaign, the demo
areas, hotspots (one with a clockwise outline) and decided events are seeded
first. Bounded: a few examples per operation, no Hypothesis deadline (the run
as a whole is what must stay within minutes on 2 cores).
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import CHECKS, load_all_checks

from tests import builders

EXAMPLES = 8
CONFIG = schemathesis.Config.from_dict(
    {
        "generation": {
            "mode": "all",
            "deterministic": True,
            "max-examples": EXAMPLES,
            # Credentials are ours (a real token per run), not generated ones.
            "with-security-parameters": False,
        }
    }
)
# Every check schemathesis has (functions; check classes run through config).
load_all_checks()
ALL_CHECKS = [check for check in CHECKS.get_all() if not isinstance(check, type)]


@pytest.fixture(autouse=True)
def _keep_connection():
    """Keep the test's connection open across WSGI requests, as Django's test
    Client does (the handler would close it when a request finishes)."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def seeded(contest, organiser):
    """A running campaign, its team, hotspots in each state, a decided event."""
    builders.hotspot(location=builders.at(1))
    builders.hotspot(location=builders.at(2), status="verified", priority=True)
    builders.hotspot(location=builders.at(3), status="cleaned")
    logged = builders.event(entrant=contest.entrant, location=builders.at(4))
    builders.decision(event=logged, judge=contest.judge)
    builders.event(entrant=contest.entrant, location=builders.at(5), title="Lần hai")
    return contest


def _load_schema():
    from config.wsgi import application

    return schemathesis.openapi.from_wsgi("/api/schema/", application, config=CONFIG)


schema = _load_schema()


def _token(user) -> dict:
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


@schema.parametrize()
@SETTINGS
def test_anonymous(case, seeded):
    case.call_and_validate(checks=ALL_CHECKS)


@schema.parametrize()
@SETTINGS
def test_organiser(case, seeded, organiser):
    case.call_and_validate(headers=_token(organiser), checks=ALL_CHECKS)
