"""The public hotspot map and the IOC dashboard in a real browser, phone and desktop."""

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from tests import builders
from tests.browser.tilemap import click_at, look_at, rendered, wait_for_map
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


def test_public_map_draws_every_hotspot_from_tiles_and_opens_text_popups(
    page, demo_areas_tx, organiser
):
    if page.viewport_size["width"] < 500:
        page.set_viewport_size({"width": 390, "height": 844})
    hostile = verified(0, organiser, description=DANGEROUS)
    verified(1, organiser, category="household")
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))

    page.goto("/maps/")
    expect(page.locator("h1")).to_have_text("Bản đồ điểm nóng")
    expect(page.get_by_test_id("map-count")).to_contain_text("2 điểm nóng")
    expect(page.get_by_test_id("legend")).to_contain_text("Rác thải nhựa")
    expect(page.get_by_test_id("legend-status")).to_contain_text("Đã thu gom")
    wait_for_map(page)
    # Zoomed out: one block counting both; zoomed in: both hotspots, from tiles.
    look_at(page, 107.591, 16.46, 9)
    assert sum(f["count"] for f in rendered(page, "hotspot-blocks")) == 2
    look_at(page, 107.591, 16.46, 16)
    drawn = rendered(page, "hotspot-points")
    assert sorted(f["category"] for f in drawn) == ["household", "plastic"]
    # Tap the hostile hotspot: its description shows as text, nothing runs.
    click_at(page, hostile.location.x, hostile.location.y)
    popup = page.get_by_test_id("map-popup")
    expect(popup).to_contain_text(f"#{hostile.pk} · Rác thải nhựa")
    expect(popup).to_contain_text("Đã xác minh")
    expect(popup).to_contain_text("<img src=x onerror=alert(1)>")
    expect(popup).to_contain_text("Báo cáo ngày")
    assert popup.locator("img").count() == 0 and popup.locator("script").count() == 0
    expect(popup.get_by_role("link", name="Xem chi tiết")).to_have_attribute(
        "href", f"/hotspots/{hostile.pk}/"
    )
    page.wait_for_timeout(300)
    assert dialogs == []
    no_sideways_scroll(page)
    assert page.outside_requests == []


def test_public_map_filters_reach_the_tiles(page, demo_areas_tx, organiser):
    verified(0, organiser)
    verified(1, organiser, category="household")
    page.goto("/maps/?category=household")
    expect(page.get_by_test_id("map-count")).to_contain_text("1 điểm nóng")
    wait_for_map(page)
    look_at(page, 107.591, 16.46, 16)
    assert [f["category"] for f in rendered(page, "hotspot-points")] == ["household"]


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
    # The charts draw in Vietnamese: a decimal comma in a coordinate (x="17,55")
    # is refused by the browser and leaves every bar without a box.
    boxes = page.evaluate(
        """() => Array.from(
          document.querySelectorAll("svg.bar-chart rect.bar, svg.bar-chart line.grid"),
          (e) => { const b = e.getBBox(); return [e.tagName, b.x, b.width, b.height]; })"""
    )
    assert len(boxes) == 2 * 31 + 2 * 3
    assert all(width > 0 for _tag, _x, width, _h in boxes)
    bars = [(x, height) for tag, x, _w, height in boxes if tag == "rect"]
    assert max(height for _x, height in bars) > 0  # today's report
    assert len({x for x, _h in bars}) == 31  # side by side, not piled at x=0
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
    wait_for_map(page)
    look_at(page, 107.59, 16.46, 16)
    assert len(rendered(page, "hotspot-points")) == 1
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
