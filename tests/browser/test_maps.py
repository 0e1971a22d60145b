"""The public hotspot map and the IOC dashboard in a real browser, phone and desktop."""

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from tests import builders
from tests.builders import PASSWORD

pytestmark = pytest.mark.browser

DANGEROUS = (
    "<img src=x onerror=alert(1)> `${alert(2)}` </script><script>alert(3)</script>"
)


def verified(i: int, organiser, **kwargs):
    # Inside the demo "Thành phố Huế"; ~210 m apart.
    location = Point(107.59 + 0.002 * i, 16.46, srid=4326)
    return builders.hotspot(
        location=location, status="verified", actor=organiser, **kwargs
    )


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]


def test_public_map_shows_markers_legend_and_inert_hostile_text(
    page, demo_areas_tx, organiser
):
    verified(0, organiser, description=DANGEROUS)
    verified(1, organiser, category="household")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    page.goto("/maps/")
    expect(page.locator("h1")).to_have_text("Bản đồ điểm nóng")
    expect(page.locator(".leaflet-container")).to_be_visible()
    expect(page.locator("path.hotspot-marker")).to_have_count(2)
    expect(page.get_by_test_id("legend")).to_contain_text("Rác thải nhựa")
    expect(page.get_by_test_id("legend-status")).to_contain_text("Đã thu gom")
    # Open the tooltip of the hostile hotspot: its text shows as text.
    page.locator("path.hotspot-marker").first.dispatch_event("mouseover")
    tooltip = page.locator(".leaflet-tooltip")
    expect(tooltip).to_contain_text("`${alert(2)}`")
    expect(tooltip).to_contain_text("<img src=x onerror=alert(1)>")
    assert tooltip.locator("img").count() == 0
    page.wait_for_timeout(300)
    assert dialogs == []
    no_sideways_scroll(page)
    assert page.outside_requests == []


def test_dashboard_shows_figures_and_charts_without_sideways_scroll(
    page, demo_areas_tx, organiser
):
    builders.campaign(name="Chủ nhật xanh thử", slug="cnx-thu", activity=(-10, 20))
    verified(0, organiser)
    page.goto("/dashboard/")
    page.fill("input[name=username]", "btc")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_have_text("Bảng điều khiển IOC")
    expect(page.get_by_test_id("h-reports")).to_have_text("1")
    expect(page.locator("svg.bar-chart")).to_have_count(2)
    expect(page.locator("svg.bar-chart rect.bar")).to_have_count(2 * 31)
    expect(page.get_by_test_id("top-areas")).to_be_visible()
    no_sideways_scroll(page)
    assert page.outside_requests == []


def log_in(page, username: str) -> None:
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def test_heatmap_draws_its_layer_for_the_ioc(page, demo_areas_tx, organiser):
    builders.campaign(name="Chủ nhật xanh thử", slug="cnx-thu", activity=(-10, 20))
    for i in range(3):
        verified(i, organiser)
    builders.user(username="ioc", role="ioc")
    page.goto("/maps/heatmap/")
    log_in(page, "ioc")
    expect(page.locator("h1")).to_have_text("Bản đồ nhiệt")
    expect(page.get_by_test_id("heat-controls")).to_be_visible()
    expect(page.get_by_test_id("heat-summary")).to_contain_text("3")
    # leaflet.heat draws on a canvas layer inside the map.
    expect(
        page.locator("[data-testid=heat-map] canvas.leaflet-heatmap-layer")
    ).to_have_count(1)
    no_sideways_scroll(page)
    assert page.outside_requests == []


def test_embed_map_has_no_site_chrome(page, demo_areas_tx, organiser):
    verified(0, organiser)
    page.goto("/embed/map/")
    expect(page.get_by_test_id("public-map")).to_be_visible()
    expect(page.locator("path.hotspot-marker")).to_have_count(1)
    assert page.locator("nav.site-nav").count() == 0
    no_sideways_scroll(page)
    assert page.outside_requests == []


def test_team_coverage_map_for_the_jury(page, demo_areas_tx, organiser):
    _campaign, _rep, entrant, judge = builders.contest(members=())
    event = builders.event(
        entrant=entrant,
        title="Vớt rác",
        participants=["Trần Văn Minh", "Lê Thị Hoa"],
        kg="40",
        method="measured",
    )
    builders.decision(event=event, judge=judge)
    page.goto(f"/maps/entrants/{entrant.pk}/")
    log_in(page, "bgk")
    expect(page.locator("h1")).to_contain_text("Đội Sông Hương")
    expect(page.get_by_test_id("fig-events")).to_have_text("1")
    expect(page.get_by_test_id("fig-kg")).to_contain_text("40")
    expect(
        page.locator("[data-testid=entrant-map] path.leaflet-interactive").first
    ).to_be_visible()
    assert "Trần Văn Minh" not in page.content()
    no_sideways_scroll(page)
    assert page.outside_requests == []
