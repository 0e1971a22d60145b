"""Every page runs under the Content-Security-Policy: no violation, the maps draw.

The `page` fixture (conftest.py) records every `securitypolicyviolation` event
and Chromium's console report of one and fails the test on any; this visits
each page of the site, at phone and desktop width, and checks its map drew.
"""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from geo.models import AdminArea
from notifications.tokens import make as unsubscribe_token
from tests import builders
from tests.browser.tilemap import wait_for_map
from tests.builders import PASSWORD

pytestmark = pytest.mark.browser


def folium_drew(page) -> None:
    expect(page.locator(".leaflet-container").first).to_be_visible()
    expect(page.locator(".leaflet-control-zoom").first).to_be_visible()


def maplibre_drew(holder: str):
    return lambda page: wait_for_map(page, holder)


def swagger_drew(page) -> None:
    expect(page.locator(".swagger-ui .info .title").first).to_be_visible(timeout=20_000)


def openlayers_drew(page) -> None:
    """The admin's geometry editor started (static/js/olwidget.js) with the area."""
    expect(page.locator(".dj_map .ol-viewport")).to_be_visible()
    page.wait_for_function(
        "() => Object.keys(window).some(k => k.startsWith('geodjango_')"
        " && window[k].featureCollection.getLength() === 1)"
    )
    # Its scale is metric (no tile server in tests: no base layer is asked for).
    scale = page.locator(".dj_map .ol-scale-line-inner").inner_text()
    assert scale.endswith(("m", "km")) and "ft" not in scale and "mi" not in scale


def nothing(page) -> None:
    pass


def visit(page, url: str, drew) -> None:
    response = page.goto(url)
    assert response.status in (200, 404), (url, response.status)
    page.wait_for_load_state("load")
    drew(page)
    assert page.csp_violations == [], (url, page.csp_violations)


def log_in(page, username: str) -> None:
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.get_by_role("button", name=f"Đăng xuất ({username})")).to_be_visible()


def test_the_recorder_sees_a_blocked_inline_script(page, live_server):
    """Negative control: an injected inline script is refused and recorded."""
    page.goto("/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.ran = 1'; document.body.append(s); }"
    )
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.ran") is None
    assert any("script-src" in v for v in page.csp_violations), page.csp_violations
    page.csp_violations.clear()


def test_every_page_runs_under_the_policy(page, demo_areas_tx):
    organiser = builders.organiser()
    contest = builders.contest()
    hotspot = builders.hotspot(status="verified", actor=organiser)
    event = builders.event(entrant=contest.entrant, representative=contest.rep)
    slug = contest.campaign.slug
    area = AdminArea.objects.filter(level="district")[0]
    get_user_model().objects.filter(pk=organiser.pk).update(
        is_staff=True, is_superuser=True
    )

    for url, drew in [
        ("/", folium_drew),
        ("/hotspots/", maplibre_drew("tilemap")),
        (f"/hotspots/{hotspot.pk}/", folium_drew),
        (f"/hotspots/follow/{hotspot.follow_token}/", folium_drew),
        ("/hotspots/mine/", nothing),
        ("/hotspots/report/", folium_drew),
        ("/maps/", maplibre_drew("tilemap")),
        ("/embed/map/", maplibre_drew("tilemap")),
        ("/maps/coverage/", folium_drew),
        ("/maps/hexagons/", nothing),
        ("/contest/", nothing),
        (f"/contest/{slug}/", nothing),
        (f"/contest/{slug}/leaderboard/", nothing),
        (f"/contest/events/{event.pk}/", folium_drew),
        ("/exports/", nothing),
        ("/api/docs/", swagger_drew),
        ("/ogc/api.html", swagger_drew),
        (f"/notifications/unsubscribe/{unsubscribe_token('a@example.vn')}/", nothing),
        ("/no/such/page/", nothing),
    ]:
        visit(page, url, drew)

    log_in(page, "btc")
    for url, drew in [
        ("/maps/dashboard/", nothing),
        ("/maps/heatmap/", folium_drew),
        (f"/maps/entrants/{contest.entrant.pk}/", folium_drew),
        ("/hotspots/queue/", nothing),
        (f"/contest/{slug}/events/", nothing),
        (f"/contest/events/{event.pk}/review/", folium_drew),
        (f"/contest/{slug}/registrations/", nothing),
        ("/jobs/", nothing),
        ("/accounts/me/", nothing),
        ("/notifications/", nothing),
        ("/admin/", nothing),
        (f"/admin/hotspots/hotspot/{hotspot.pk}/change/", nothing),
        (f"/admin/geo/adminarea/{area.pk}/change/", openlayers_drew),
    ]:
        visit(page, url, drew)
    assert page.outside_requests == []
