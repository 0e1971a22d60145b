"""The page forms count against the API's throttles (the same scopes and keys),
and a refused request says so in Vietnamese (English under Accept-Language: en)."""

import pytest
from django.conf import settings
from django.test import Client
from rest_framework.throttling import SimpleRateThrottle

from tests import builders

HUE = (107.5786, 16.4698)
API = "/api/v1/hotspots/"
PAGE = "/hotspots/report/"


@pytest.fixture
def rates(monkeypatch):
    """Set throttle rates for this test (DRF's classes read them at import)."""

    def set_rates(**scopes):
        merged = {**SimpleRateThrottle.THROTTLE_RATES, **scopes}
        monkeypatch.setattr(SimpleRateThrottle, "THROTTLE_RATES", merged)

    return set_rates


def body(i: int) -> dict:
    return {
        "lon": HUE[0] + i * 0.001,
        "lat": HUE[1],
        "category": "plastic",
        "size_class": "several_bags",
    }


def test_page_and_api_reports_share_the_anonymous_limit(demo_areas, api_client, rates):
    rates(report_anon="3/hour")
    page = Client()
    codes = [
        api_client.post(API, body(0), format="json").status_code,
        page.post(PAGE, body(1)).status_code,
        api_client.post(API, body(2), format="json").status_code,
    ]
    assert codes == [201, 302, 201]
    # The fourth report is refused on both channels, whichever is used.
    refused = page.post(PAGE, {**body(3), "description": "bãi rác ven sông"})
    assert refused.status_code == 429
    assert 0 < int(refused["Retry-After"]) <= 3600
    html = refused.content.decode()
    assert "Bạn đã gửi quá nhiều yêu cầu" in html
    assert "bãi rác ven sông" in html  # the form keeps what was typed
    api = api_client.post(API, body(4), format="json")
    assert api.status_code == 429 and api["Retry-After"]
    assert api.json()["error"]["code"] == "throttled"
    assert api.json()["error"]["message"].startswith("Bạn đã gửi quá nhiều yêu cầu")
    from hotspots.models import Hotspot

    assert Hotspot.objects.count() == 3


def test_page_reports_alone_are_throttled(demo_areas, rates):
    rates(report_anon="2/hour")
    page = Client()
    codes = [page.post(PAGE, body(i)).status_code for i in range(4)]
    assert codes == [302, 302, 429, 429]


def test_signed_in_page_reports_use_the_user_scope(demo_areas, api_client, rates):
    rates(report_anon="1/hour", report_user="2/hour")
    resident = builders.user(username="cu-dan")
    page = Client()
    page.force_login(resident)
    api_client.force_authenticate(resident)
    assert api_client.post(API, body(0), format="json").status_code == 201
    assert page.post(PAGE, body(1)).status_code == 302
    assert page.post(PAGE, body(2)).status_code == 429
    assert api_client.post(API, body(3), format="json").status_code == 429


def test_invalid_reports_count_too(demo_areas, rates):
    """As on the API: the limit counts attempts, not only the accepted ones."""
    rates(report_anon="2/hour")
    page = Client()
    assert page.post(PAGE, {"lon": "x"}).status_code == 400
    assert page.post(PAGE, body(1)).status_code == 302
    assert page.post(PAGE, body(2)).status_code == 429


def test_throttled_message_in_english(demo_areas, api_client, rates):
    rates(report_anon="1/hour")
    api_client.post(API, body(0), format="json")
    refused = api_client.post(API, body(1), format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 429
    message = refused.json()["error"]["message"]
    assert message.startswith("Too many requests") and "seconds" in message
    english = Client()
    english.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages: the switch
    page = english.post(PAGE, body(2))
    assert page.status_code == 429 and "Too many requests" in page.content.decode()


def test_confirm_form_shares_the_api_limit(demo_areas, api_client, rates):
    rates(confirm="2/hour")
    first, second, third = (
        builders.hotspot(
            location=builders.point(HUE[0] + i * 0.01, HUE[1]), status="verified"
        )
        for i in range(3)
    )
    page = Client()
    assert api_client.post(f"{API}{first.pk}/confirm/").status_code == 200
    assert (
        page.post(f"/hotspots/{second.pk}/", {"action": "confirm"}).status_code == 302
    )
    refused = page.post(f"/hotspots/{third.pk}/", {"action": "confirm"})
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Bạn đã gửi quá nhiều yêu cầu" in refused.content.decode()
    third.refresh_from_db()
    assert third.confirmation_count == 0
    assert api_client.post(f"{API}{third.pk}/confirm/").status_code == 429


def test_open311_refusal_is_vietnamese(demo_areas, api_client, rates):
    from tests.hotspots.open311.helpers import post_form, report_form

    rates(report_anon="1/hour")
    assert post_form(api_client, report_form()).status_code == 201
    refused = post_form(api_client, report_form())
    assert refused.status_code == 429 and refused["Retry-After"]
    assert "Bạn đã gửi quá nhiều yêu cầu" in refused.content.decode()
