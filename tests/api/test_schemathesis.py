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
from schemathesis.core.failures import FailureGroup, ServerError
from schemathesis.openapi.checks import JsonSchemaError

from tests import builders

EXAMPLES = 5
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


# positive_data_acceptance says a request the schema allows must be accepted.
# For these operations no schema can say which values are accepted, so the
# check is inapplicable and disabled for them alone:
# - query parameters naming rows of the database (a campaign slug, an area
#   level): which strings exist is data, not contract (unknown: 400 on the field);
# - the hotspot list's `cursor`: opaque and signed, only one we sent is valid;
# - write bodies whose acceptance depends on the database or on rules across
#   fields (the right password, an existing entrant or size class, a campaign
#   window, dates in order, a point inside the service area as JSON text in a
#   form, registration open...): refused with a 400 naming the field.
NO_POSITIVE_ACCEPTANCE = {
    "GET /api/v1/analysis/clusters/",
    "GET /api/v1/coverage/",
    "GET /api/v1/coverage/gaps/",
    "GET /api/v1/coverage/hexagons/",
    "GET /api/v1/entrants/",
    "GET /api/v1/hotspots/",
    "POST /api/v1/auth/token/",
    "POST /api/v1/campaigns/",
    "POST /api/v1/entrants/",
    "POST /api/v1/events/",
    "POST /api/v1/events/{id}/review/",
    "POST /api/v1/hotspots/",
    "POST /api/v1/hotspots/{id}/correct/",
    "POST /api/v1/hotspots/{id}/merge/",
    "POST /api/v1/hotspots/{id}/reject/",
    "POST /api/v1/hotspots/{id}/verify/",
    "POST /api/v1/hotspots/{id}/priority/",
    "POST /api/v1/entrants/{id}/approve/",
    "POST /api/v1/entrants/{id}/reject/",
    "POST /api/v1/campaigns/{slug}/reopen/",
    "POST /open311/v2/requests.{fmt}",
    # `campaign` and `level` name rows: an unknown one is a 400 by contract.
    "GET /exports/{dataset}.{fmt}",
    "GET /exports/{dataset}.csvt",
}


def _checks(case) -> list:
    if case.operation.label in NO_POSITIVE_ACCEPTANCE:
        return [c for c in ALL_CHECKS if c.__name__ != "positive_data_acceptance"]
    return ALL_CHECKS


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)


# call_and_validate raises (the test fails) on any check's failure: the negative
# control at the end of this module shows the checks do fail.
@schema.parametrize()
@SETTINGS
def test_anonymous(case, seeded):
    case.call_and_validate(checks=_checks(case))


@schema.parametrize()
@SETTINGS
def test_organiser(case, seeded, organiser):
    case.call_and_validate(headers=_token(organiser), checks=_checks(case))


# The jury's and a team's operations, run again with their own tokens.
JUDGE_OPERATIONS = schema.include(
    path_regex=r"^/api/v1/(events/|campaigns/\{slug\}/(freeze|reopen))"
)
TEAM_OPERATIONS = schema.include(path_regex=r"^/api/v1/(entrants|events)/")


@JUDGE_OPERATIONS.parametrize()
@SETTINGS
def test_judge(case, seeded):
    case.call_and_validate(headers=_token(seeded.judge), checks=_checks(case))


@TEAM_OPERATIONS.parametrize()
@SETTINGS
def test_team_representative(case, seeded):
    case.call_and_validate(headers=_token(seeded.rep), checks=_checks(case))


# --- the run itself: every operation, and checks that do fail ------------------------


def test_every_operation_of_the_schema_is_fuzzed():
    from drf_spectacular.generators import SchemaGenerator

    document = SchemaGenerator().get_schema(request=None, public=True)
    documented = {
        f"{method.upper()} {path}"
        for path, item in document["paths"].items()
        for method in item
        if method in ("get", "post", "put", "patch", "delete")
    }
    ids = [
        operation["operationId"]
        for item in document["paths"].values()
        for method, operation in item.items()
        if method in ("get", "post", "put", "patch", "delete")
    ]
    assert len(ids) == len(set(ids))  # a generated client gets one name each
    fuzzed = {op.ok().label for op in schema.get_all_operations()}
    assert fuzzed == documented and len(fuzzed) >= 44
    names = {check.__name__ for check in ALL_CHECKS}
    assert {"not_a_server_error", "response_schema_conformance"} <= names
    assert {"content_type_conformance", "status_code_conformance"} <= names


def test_the_checks_catch_a_server_error_and_a_wrong_body(seeded, monkeypatch):
    """A negative control: the same checks fail on a 500 and on an undocumented body."""
    from rest_framework.response import Response

    from geo.apis import AreaListApi

    operation = schema["/api/v1/areas/"]["GET"]
    operation.Case().call_and_validate(checks=ALL_CHECKS)  # the real view passes

    def crash(self, request, *args, **kwargs):
        return Response({"detail": "deliberate"}, status=500)

    monkeypatch.setattr(AreaListApi, "get", crash)
    with pytest.raises(FailureGroup) as caught:
        operation.Case().call_and_validate(checks=ALL_CHECKS)
    assert ServerError in {type(failure) for failure in caught.value.exceptions}

    def wrong(self, request, *args, **kwargs):
        return Response({"features": "not a list"}, content_type="application/geo+json")

    monkeypatch.setattr(AreaListApi, "get", wrong)
    with pytest.raises(FailureGroup) as caught:
        operation.Case().call_and_validate(checks=ALL_CHECKS)
    assert JsonSchemaError in {type(failure) for failure in caught.value.exceptions}
