"""The coverage page in a real browser, at phone and desktop widths."""

import pytest
from playwright.sync_api import expect

from tests.maps.test_coverage import build_scenario

pytestmark = pytest.mark.browser


def _column(page, key: str) -> list[float]:
    cells = page.locator(f'[data-testid="coverage-row"] td[data-key="{key}"]')
    raw = cells.evaluate_all("cells => cells.map(c => c.getAttribute('data-value'))")
    return [float(v or "-1") for v in raw]


def test_choropleth_legend_and_sortable_table(page, demo_areas_tx):
    build_scenario()
    page.goto("/maps/coverage/?campaign=thu-nghiem&metric=hotspots_reported")
    expect(page.locator(".leaflet-container")).to_be_visible()
    # One shape per district of the demo data.
    expect(page.locator("path.leaflet-interactive")).to_have_count(9)
    expect(page.get_by_test_id("legend")).to_contain_text("Không có số liệu")
    expect(page.get_by_test_id("approximate-note")).to_be_visible()
    expect(page.get_by_test_id("coverage-row")).to_have_count(9)

    first = page.locator('[data-testid="coverage-row"] th').first
    expect(first).to_have_text("Huyện A Lưới")  # name order from the server
    page.locator('th[data-key="hotspots_reported"] button').click()
    expect(first).to_have_text("Thành phố Huế")  # 3 reports: the most
    values = _column(page, "hotspots_reported")
    assert values == sorted(values, reverse=True) and values[0] == 3
    page.locator('th[data-key="hotspots_reported"] button').click()
    values = _column(page, "hotspots_reported")
    assert values == sorted(values) and values[-1] == 3
    expect(page.locator('th[data-key="hotspots_reported"]')).to_have_attribute(
        "aria-sort", "ascending"
    )

    # The tooltip shows the area's name and numbers as text.
    page.locator("path.leaflet-interactive").first.dispatch_event("mouseover")
    expect(page.locator(".leaflet-tooltip")).to_contain_text("Địa bàn")
    expect(page.locator(".leaflet-tooltip")).to_contain_text("Điểm nóng báo cáo")
    assert page.outside_requests == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]
