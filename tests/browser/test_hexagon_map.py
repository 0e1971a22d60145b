import pytest
from playwright.sync_api import expect

from tests import builders
from tests.maps.test_hexagons import LAT0, LON0, make_event, make_hotspot, north

pytestmark = pytest.mark.browser


def test_hexagon_map_shows_cells_gaps_legend_and_note(
    page, demo_areas_tx, organiser, run_jobs
):
    campaign, rep, entrant, judge = builders.contest()
    make_event(entrant, rep, judge, LON0, LAT0)
    make_hotspot(organiser, *north(60))
    make_hotspot(organiser, *north(2_500))  # a coverage gap
    page.goto(f"/maps/hexagons/?campaign={campaign.slug}")
    # The gaps and Gi* are computed by a background job, then shown.
    expect(page.get_by_test_id("analysis-freshness")).to_contain_text("đang tính")
    run_jobs()
    page.reload()
    expect(page.get_by_test_id("analysis-freshness")).to_contain_text("tính lúc")
    expect(page.locator(".leaflet-container")).to_be_visible()
    # Leaflet drew the cells (cleanups, open hotspots) and the gap marker.
    cells = page.locator("path.leaflet-interactive")
    expect(cells.first).to_be_attached()
    assert cells.count() >= 3
    expect(page.locator("path.gap-marker")).to_have_count(1)
    expect(page.get_by_test_id("cluster-legend")).to_contain_text("tin cậy 99 %")
    expect(page.get_by_test_id("cluster-note")).to_contain_text("Ô đỏ (điểm nóng)")
    # The layer switcher lists the layers by name.
    control = page.locator(".leaflet-control-layers")
    expect(control).to_contain_text("Ô có sự kiện thu gom")
    expect(control).to_contain_text("Khoảng trống")
    assert page.outside_requests == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]
