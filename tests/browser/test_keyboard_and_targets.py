"""Keyboard pin placement and touch-target sizes (issue 12, Deliver 6), in a
real browser at phone width."""

import pytest
from playwright.sync_api import expect

from tests import builders

pytestmark = pytest.mark.browser

# Every visible control a finger or the keyboard can reach, measured itself; a
# checkbox, radio or file input inside a <label> (a chip, a visually hidden file
# input) is reached through the label, so the label's box is measured. Inline links in running text and in
# map attributions are exempt (WCAG 2.5.5/2.5.8: inline targets).
TARGETS = """() => {
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary,'
    + ' [tabindex]:not([tabindex="-1"])';
  const out = [];
  for (const el of document.querySelectorAll(sel)) {
    if (el.closest('.leaflet-control-attribution, .maplibregl-ctrl-attrib-inner, p, li.inline')) continue;
    if (el.matches('.leaflet-container, .maplibregl-canvas, .table-wrap, .table-scroll')) continue;
    const viaLabel = el.matches('input[type=checkbox], input[type=radio], input[type=file]');
    const target = viaLabel ? (el.closest('label') || el) : el;
    const box = target.getBoundingClientRect();
    const style = getComputedStyle(target);
    if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
    if (el.closest('details:not([open])') && el.tagName !== 'SUMMARY') continue;
    out.push({what: el.outerHTML.slice(0, 120), w: box.width, h: box.height});
  }
  return out;
}"""


def small_targets(page) -> list[dict]:
    found = page.evaluate(TARGETS)
    assert len(found) >= 3, found
    return [t for t in found if t["w"] < 44 or t["h"] < 44]


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_controls_are_at_least_44_px_on_a_phone(page, demo_areas_tx):
    builders.contest()
    for url in ("/hotspots/report/", "/maps/coverage/", "/maps/hexagons/"):
        page.goto(url)
        page.wait_for_load_state("networkidle")
        small = small_targets(page)
        assert small == [], "\n".join([url] + [str(t) for t in small])
    assert page.outside_requests == []


def tab_to(page, selector: str, limit: int = 40) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"document.activeElement.matches({selector!r})"):
            return
    raise AssertionError(f"Tab never reached {selector}")


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_keyboard_places_the_pin_or_types_coordinates(page, demo_areas_tx):
    page.goto("/hotspots/report/")
    expect(page.locator("#report-map.leaflet-container")).to_be_visible()
    crosshair = page.locator("#report-map .pin-crosshair")
    expect(crosshair).to_be_hidden()
    expect(page.locator("#id_lon")).to_have_value("")

    # Tab to the map: it takes focus and shows the crosshair at its centre.
    tab_to(page, "#report-map")
    expect(crosshair).to_be_visible()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"
    # The arrow keys move the view; Enter drops the pin at the (new) centre.
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowUp")
    page.wait_for_timeout(400)  # Leaflet's pan animation
    page.keyboard.press("Enter")
    expect(page.locator("#location-status")).to_contain_text("Đã đặt ghim")
    lon = float(page.locator("#id_lon").input_value())
    lat = float(page.locator("#id_lat").input_value())
    assert lon > builders.HUE_LON - 0.5 and lat > builders.HUE_LAT - 0.5
    expect(
        page.locator("#report-map .leaflet-marker-icon:not(.basemap-label-icon)")
    ).to_have_count(1)

    # Space drops it again, elsewhere, after moving.
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.keyboard.press("ArrowLeft")
    page.wait_for_timeout(400)
    page.keyboard.press(" ")
    expect(page.locator("#id_lon")).not_to_have_value(f"{lon:.6f}")
    assert float(page.locator("#id_lon").input_value()) < lon

    # Or typed: open "Nhập toạ độ", two labelled number fields, Enter.
    tab_to(page, ".pin-coords summary")
    page.keyboard.press("Enter")
    lat_field = page.get_by_label("Vĩ độ")
    lon_field = page.get_by_label("Kinh độ")
    tab_to(page, "#report-map-lat")
    page.keyboard.type("16.4612")
    page.keyboard.press("Tab")
    expect(lon_field).to_be_focused()
    page.keyboard.type("107.5951")
    page.keyboard.press("Enter")
    expect(page.locator("#id_lat")).to_have_value("16.461200")
    expect(page.locator("#id_lon")).to_have_value("107.595100")
    expect(page.locator("#location-status")).to_contain_text("16.46120, 107.59510")
    expect(lat_field).to_have_value("16.4612")
    assert page.outside_requests == []
