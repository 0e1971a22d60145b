"""Maps with no tile server (test settings: MAP_BASEMAP = "fallback"): our own
boundaries, waterways and labels, metric scale bars, nothing from outside."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.tilemap import look_at, rendered, wait_for_map

pytestmark = pytest.mark.browser

METRIC = re.compile(r"^\s*\d+\s*(m|km)\s*$")


def scale_texts(page, selector: str) -> list[str]:
    return page.locator(selector).all_inner_texts()


def assert_metric(texts: list[str]) -> None:
    assert texts, "no scale bar"
    for text in texts:
        assert METRIC.match(text), text
        assert "ft" not in text and "mi" not in text


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_maps_without_a_tile_server_draw_our_base_map(page, demo_areas_tx):
    page.set_viewport_size({"width": 390, "height": 844})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))

    # Leaflet (the report page, pinmap.js): outlines, waterways, labels.
    page.goto("/hotspots/report/")
    map_box = page.locator("#report-map")
    expect(map_box.locator(".leaflet-basemap-pane path").first).to_be_attached()
    assert map_box.locator(".leaflet-basemap-pane path").count() >= 10  # areas + water
    labels = map_box.get_by_test_id("basemap-label")
    expect(labels.filter(has_text="Huế").first).to_be_attached()
    assert_metric(scale_texts(page, "#report-map .leaflet-control-scale-line"))
    assert not any("/static/tiles/" in url for url in requests)  # no raster asked

    # folium (the home page's map): the same base map, a metric scale only.
    page.goto("/")
    expect(page.locator(".leaflet-basemap-pane path").first).to_be_attached()
    expect(
        page.get_by_test_id("basemap-label").filter(has_text="Huế").first
    ).to_be_attached()
    assert_metric(scale_texts(page, ".leaflet-control-scale-line"))

    # MapLibre (the public map): lines from our GeoJSON, labels as HTML markers.
    page.goto("/maps/")
    wait_for_map(page)
    look_at(page, 107.59, 16.46, 9)
    page.wait_for_function(
        "() => document.getElementById('tilemap').tileMap.getSource('fallback')"
    )
    wait_for_map(page)
    assert rendered(page, "fallback-areas")
    assert {f["name"] for f in rendered(page, "fallback-water")} >= {"Sông Hương"}
    hue = (
        page.locator("#tilemap")
        .get_by_test_id("basemap-label")
        .filter(has_text="Thành phố Huế")
    )
    expect(hue).to_be_visible()
    expect(hue).to_have_attribute("role", "img")  # a name, not a button
    assert_metric(scale_texts(page, "#tilemap .maplibregl-ctrl-scale"))
    assert not any("/static/tiles/" in url for url in requests)
    assert page.outside_requests == []
