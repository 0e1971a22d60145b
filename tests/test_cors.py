"""CORS: the public read-only surface answers other origins; writes and staff do not."""

import pytest
from django.test import Client

ORIGIN = "https://dashboard.example.org"
PUBLIC_READS = [
    "/api/v1/hotspots/",
    "/api/v1/hotspots/nearby/?lon=107.59&lat=16.46",
    "/api/v1/areas/",
    "/api/v1/campaigns/",
    "/api/v1/coverage/",
    "/api/schema/",
    "/tiles/hotspots.json",
    "/tiles/hotspots/10/817/464.mvt",
    "/exports/hotspots.csvt",
    "/open311/v2/services.json",
]
NOT_CORS = [
    "/api/v1/auth/token/",
    "/api/v1/hotspots/1/verify/",
    "/api/v1/hotspots/1/confirm/",
    "/api/v1/entrants/",
    "/api/v1/events/1/decisions/",
    "/api/v1/events/1/review/",
    "/api/v1/campaigns/x/freeze/",
    "/hotspots/report/",
    "/hotspots/queue/",
    "/admin/",
    "/accounts/login/",
]


@pytest.mark.parametrize("url", PUBLIC_READS)
def test_public_reads_allow_any_origin_without_credentials(demo_areas, url):
    response = Client().get(url, HTTP_ORIGIN=ORIGIN)
    # (coverage without a campaign is a 400: its answer is readable too)
    assert response.status_code in (200, 400), (url, response.status_code)
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
    exposed = response["Access-Control-Expose-Headers"]
    for header in ("Link", "ETag", "Content-Length", "Content-Range"):
        assert header in exposed


def test_export_head_and_preflight_with_range_are_allowed(demo_areas):
    client = Client()
    preflight = client.options(
        "/exports/hotspots.gpkg",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="range",
    )
    assert preflight.status_code == 200
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "range" in preflight["Access-Control-Allow-Headers"]
    head = client.head("/exports/hotspots.csv", HTTP_ORIGIN=ORIGIN)
    assert head["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize("url", ["/api/v1/hotspots/", "/open311/v2/requests.json"])
def test_a_cross_origin_write_is_not_allowed(db, url):
    client = Client()
    preflight = client.options(
        url,
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    # The preflight names the only methods allowed: a browser will not POST.
    assert "POST" not in preflight.get("Access-Control-Allow-Methods", "")
    # A simple (unpreflighted) POST: its answer is not readable from the page.
    response = client.post(url, {}, HTTP_ORIGIN=ORIGIN)
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize("url", NOT_CORS)
def test_staff_and_write_endpoints_have_no_cors(db, url):
    client = Client()
    for method in ("get", "options"):
        response = getattr(client, method)(
            url,
            HTTP_ORIGIN=ORIGIN,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization, content-type",
        )
        assert "Access-Control-Allow-Origin" not in response, (url, method)
        assert "Access-Control-Allow-Methods" not in response, (url, method)


def test_a_preflight_with_authorization_is_refused(db):
    preflight = Client().options(
        "/api/v1/hotspots/",
        HTTP_ORIGIN=ORIGIN,
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    assert "authorization" not in preflight["Access-Control-Allow-Headers"]


def test_origins_can_be_limited_by_setting(db, settings):
    settings.CORS_ALLOW_ALL_ORIGINS = False
    settings.CORS_ALLOWED_ORIGINS = [ORIGIN]
    allowed = Client().get("/api/v1/areas/", HTTP_ORIGIN=ORIGIN)
    assert allowed["Access-Control-Allow-Origin"] == ORIGIN
    other = Client().get("/api/v1/areas/", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in other
