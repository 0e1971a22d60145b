import h3
import pytest
from playwright.sync_api import expect

from tests import builders
from tests.browser.tilemap import click_at, look_at, rendered, wait_for_map
from tests.maps.test_hexagons import LAT0, LON0, make_event, make_hotspot, north

pytestmark = pytest.mark.browser

HEXMAP = "hexmap"


def test_hexagon_map_draws_cells_gaps_and_opens_text_popups(
    page, demo_areas_tx, organiser, run_jobs
):
    if page.viewport_size["width"] < 500:
        page.set_viewport_size({"width": 390, "height": 844})
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: (
            errors.append(msg.text)
            # The test settings' base map is a local URL nothing answers.
            if msg.type == "error" and "/static/tiles/" not in msg.location["url"]
            else None
        ),
    )
    campaign, rep, entrant, judge = builders.contest()
    make_event(entrant, rep, judge, LON0, LAT0)
    make_hotspot(organiser, *north(60))
    gap = make_hotspot(organiser, *north(2_500))  # a coverage gap
    page.goto(f"/maps/hexagons/?campaign={campaign.slug}")
    # The gaps and Gi* are computed by a background job, then shown.
    expect(page.get_by_test_id("analysis-freshness")).to_contain_text("đang tính")
    run_jobs()
    response = page.reload()
    assert len(response.body()) < 60_000
    expect(page.get_by_test_id("analysis-freshness")).to_contain_text("tính lúc")
    wait_for_map(page, HEXMAP)
    # Fitted to the campaign's cells: both places are in view.
    in_view = page.evaluate(
        "([a, b]) => { const m = document.getElementById('hexmap').tileMap;"
        " const box = m.getBounds(); return box.contains(a) && box.contains(b); }",
        [[LON0, LAT0], list(north(2_500))],
    )
    assert in_view
    look_at(page, LON0, LAT0 + 0.011, 13, HEXMAP)
    # MapLibre drew the cells (cleanups, open hotspots, gaps) from the tiles and
    # the gap hotspot from the gaps API.
    here = h3.latlng_to_cell(LAT0, LON0, 8)
    gap_cell = h3.latlng_to_cell(north(2_500)[1], north(2_500)[0], 8)
    cleaned = rendered(page, "hex-cleanups", HEXMAP)
    assert {c["cell"] for c in cleaned} == {here}
    assert {c["cell"] for c in rendered(page, "hex-open", HEXMAP)} == {here, gap_cell}
    assert [c["cell"] for c in rendered(page, "hex-gaps", HEXMAP)][:1] == [gap_cell]
    assert [p["id"] for p in rendered(page, "gap-points", HEXMAP)] == [gap.pk]
    # Tap the gap: a text popup with its distance to the nearest cleanup.
    click_at(page, gap.location.x, gap.location.y, HEXMAP)
    popup = page.get_by_test_id("map-popup")
    expect(popup).to_contain_text(f"#{gap.pk} · Rác thải nhựa")
    expect(popup).to_contain_text("Sự kiện thu gom gần nhất")
    expect(popup.get_by_role("link", name="Xem chi tiết")).to_have_attribute(
        "href", f"/hotspots/{gap.pk}/"
    )
    assert popup.locator("script").count() == 0
    page.keyboard.press("Escape")
    # Tap the cell with the cleanup: its counts.
    click_at(page, LON0 - 0.001, LAT0 - 0.001, HEXMAP)
    expect(popup).to_contain_text("độ phân giải 8")
    expect(popup).to_contain_text("1 sự kiện thu gom đã duyệt")
    # The layer switcher lists the layers by name; unticking hides them.
    layers = page.get_by_test_id("map-layers")
    layers.locator("summary").click()
    expect(layers).to_contain_text("Ô có sự kiện thu gom")
    expect(layers).to_contain_text("Khoảng trống")
    layers.get_by_label("Ô có sự kiện thu gom").uncheck()
    page.wait_for_timeout(200)
    assert rendered(page, "hex-cleanups", HEXMAP) == []
    expect(page.get_by_test_id("legend")).to_contain_text("Viền đỏ")
    expect(page.get_by_test_id("cluster-legend")).to_contain_text("tin cậy 99 %")
    expect(page.get_by_test_id("cluster-note")).to_contain_text("Ô đỏ (điểm nóng)")
    assert page.outside_requests == []
    assert errors == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]
