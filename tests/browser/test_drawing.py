"""Drawing a shape with a finger (drawshape.js + Leaflet-Geoman) at phone width with
touch: a hyacinth outline on the report page, a route on the event page; what is
drawn is what PostGIS stores, and the server's geometry gate speaks next to the map."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.utils import timezone
from playwright.sync_api import expect

from events.models import CleanupEvent
from hotspots.models import Hotspot
from tests import builders
from tests.builders import PASSWORD

pytestmark = pytest.mark.browser
PHONE_ONLY = pytest.mark.parametrize("page", ["phone"], indirect=True)
X, Y = 107.5786, 16.4698
BOWTIE = {
    "type": "Polygon",
    "coordinates": [
        [[X, Y], [X + 0.001, Y + 0.001], [X + 0.001, Y], [X, Y + 0.001], [X, Y]]
    ],
}


def tap_at(page, map_id: str, offsets) -> None:
    """Tap the map at pixel offsets from its centre (a finger, not a mouse)."""
    page.locator(f"#{map_id}").scroll_into_view_if_needed()
    box = page.locator(f"#{map_id}").bounding_box()
    cx, cy = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    for dx, dy in offsets:
        assert 0 <= cy + dy <= page.viewport_size["height"]  # the map is in view
        page.touchscreen.tap(cx + dx, cy + dy)
        page.wait_for_timeout(100)  # quick taps: corners, not a double-tap zoom


def zoom(page, map_id: str, level: int) -> None:
    page.evaluate(
        "([id, z]) => PinMap.maps[id].map.setZoom(z, {animate: false})",
        [map_id, level],
    )


def vi_number(text: str) -> float:
    """1.250 (Vietnamese thousands) -> 1250; 1,25 -> 1.25."""
    return float(text.replace(".", "").replace(",", "."))


def stored(table: str, column: str, pk: int) -> tuple[str, float, float]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT GeometryType({column}), ST_Area({column}::geography), "  # noqa: S608
            f"ST_Length({column}::geography) FROM {table} WHERE id = %s",
            [pk],
        )
        return cursor.fetchone()


@PHONE_ONLY
def test_resident_draws_a_hyacinth_outline_with_a_finger(page, demo_areas_tx):
    page.goto("/hotspots/report/")
    tap_at(page, "report-map", [(0, 0)])  # the pin first
    expect(page.locator("#location-status")).to_contain_text("Đã đặt ghim")
    pinned = page.locator("#location-status").inner_text()
    zoom(page, "report-map", 18)  # ~0.57 m a pixel at Huế

    polygon = page.get_by_role("button", name="Vẽ vùng")
    assert polygon.bounding_box()["height"] >= 44
    polygon.tap()
    status = page.locator("[data-draw-status]")
    expect(status).to_contain_text("Chạm lên bản đồ")
    tap_at(page, "report-map", [(-60, -50), (60, -50), (70, 50)])
    expect(status).to_contain_text("Diện tích:")  # live, while drawing
    tap_at(page, "report-map", [(-60, 50)])
    page.get_by_role("button", name="Xong").tap()
    expect(status).to_contain_text(re.compile(r"Diện tích: \d{1,3}(\.\d{3})* m²"))
    shown = vi_number(re.search(r"Diện tích: ([\d.,]+) m²", status.inner_text())[1])
    assert 3600 < shown < 4600, shown  # 12,500 px² at 0.573 m a pixel: ~4,100 m²
    # The pin stayed where it was: the drawing taps did not move it.
    assert page.locator("#location-status").inner_text() == pinned
    sent = json.loads(page.input_value("#id_outline"))
    assert sent["type"] == "Polygon" and len(sent["coordinates"][0]) == 5
    assert page.locator("#id_bank_line").is_disabled()  # not sent at all

    page.get_by_text("Bèo lục bình", exact=True).tap()
    page.get_by_text("Một xe đẩy / xe kéo").tap()

    # A shape the gate refuses: its word appears next to the map, naming the field.
    page.evaluate(
        "v => { document.getElementById('id_outline').value = v; }", json.dumps(BOWTIE)
    )
    page.get_by_role("button", name="Gửi báo cáo").tap()
    expect(page.locator("#error-outline")).to_contain_text("Hình học không hợp lệ")
    assert Hotspot.objects.count() == 0

    # Cleared and drawn again: the field's error goes, the new outline is sent.
    page.get_by_role("button", name="Xoá hình").tap()
    expect(page.locator("#id_outline")).to_be_disabled()
    expect(page.locator("#error-outline")).to_have_text("")
    polygon.tap()
    tap_at(page, "report-map", [(-60, -50), (60, -50), (70, 50), (-60, 50)])
    page.get_by_role("button", name="Xong").tap()
    expect(status).to_contain_text("m²")
    assert page.evaluate("PinMap.maps['report-map'].map.getZoom()") == 18
    shown = vi_number(re.search(r"Diện tích: ([\d.,]+) m²", status.inner_text())[1])
    page.get_by_role("button", name="Gửi báo cáo").tap()
    expect(page.locator("h1")).to_have_text("Cảm ơn bạn đã báo cáo!")
    assert page.outside_requests == []

    hotspot = Hotspot.objects.get()
    kind, area_m2, _ = stored("hotspots_hotspot", "outline", hotspot.pk)
    assert kind == "POLYGON"
    assert area_m2 == pytest.approx(shown, rel=0.01)  # what the page said is stored
    assert hotspot.outline.contains(hotspot.location)


@PHONE_ONLY
def test_representative_draws_the_route_of_a_cleanup(page, demo_areas_tx):
    campaign = builders.campaign(registration=(-30, 5), activity=(-20, 10))
    entrant = builders.entrant(campaign=campaign, username="lan")
    page.goto("/contest/events/new/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.fill("input[name=username]", "lan")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_have_text("Ghi nhận sự kiện thu gom")

    page.fill("input[name=title]", "Vớt rác ven sông Hương")
    tap_at(page, "event-map", [(0, 0)])
    expect(page.locator("#location-status")).to_contain_text("Đã đặt ghim")
    zoom(page, "event-map", 17)  # ~1.14 m a pixel
    route = page.get_by_role("button", name="Vẽ tuyến đường")
    assert route.bounding_box()["height"] >= 44
    route.tap()
    tap_at(page, "event-map", [(-80, 0), (0, -40), (80, 0)])
    page.get_by_role("button", name="Xong").tap()
    status = page.locator("[data-draw-status]")
    expect(status).to_contain_text(re.compile(r"Chiều dài: \d+ m"))
    shown = vi_number(re.search(r"Chiều dài: ([\d.,]+) m", status.inner_text())[1])
    assert 150 < shown < 250, shown  # two legs of ~89 px at 1.14 m
    assert page.locator("#id_outline").is_disabled()

    now = timezone.localtime()
    start = max(now - dt.timedelta(hours=2), now.replace(hour=0, minute=0))
    end = now - dt.timedelta(minutes=1)
    page.fill("input[name=started_at]", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=ended_at]", end.strftime("%Y-%m-%dT%H:%M"))
    page.fill("#other-participants", "Nguyễn Thị Lan")
    page.fill("input[name=weight_kg]", "12")
    page.locator("label.chip", has_text="Cân đo").tap()
    page.get_by_role("button", name="Gửi kết quả").tap()
    expect(page.locator("h1")).to_have_text("Vớt rác ven sông Hương")

    event = CleanupEvent.objects.get(entrant=entrant)
    kind, _, length_m = stored("events_cleanupevent", "route", event.pk)
    assert kind == "LINESTRING"
    assert length_m == pytest.approx(shown, rel=0.02)
    assert event.outline is None
