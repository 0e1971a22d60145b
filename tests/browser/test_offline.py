"""Offline-first reporting in a real browser at phone width: the service worker,
the IndexedDB outbox, and exactly one stored report per submission when the
network returns (after a reload while offline, with two quick taps, two tabs).

Playwright's `context.set_offline(True)` cuts the network for the pages and the
service worker. Headless Chromium may not fire Background Sync: the pages'
`online` fallback is what sends here."""

import re

import pytest
from playwright.sync_api import expect

from hotspots.models import Hotspot, ReportReceipt

pytestmark = pytest.mark.browser

SAVED = "Đã lưu — sẽ gửi khi có mạng"


def served_uuid(html: str) -> str:
    return re.search(r'name="client_uuid" value="([0-9a-f-]+)"', html).group(1)


def wait_for_worker(page) -> None:
    """Until the service worker controls the page (it claims its clients)."""
    page.wait_for_function(
        "() => !!(navigator.serviceWorker && navigator.serviceWorker.controller)"
    )


def fill_report(page, category: str, description: str) -> None:
    page.locator("#report-map").click()  # pin at the map's centre (Huế)
    expect(page.locator("#location-status")).to_contain_text("Đã đặt ghim")
    page.get_by_text(category, exact=True).click()
    page.get_by_text("Vài túi / bao").click()
    page.fill("textarea[name=description]", description)


def wait_for_count(page, model, n: int) -> None:
    for _ in range(100):
        if model.objects.count() >= n:
            break
        page.wait_for_timeout(100)


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_report_made_offline_waits_in_the_outbox_and_is_stored_once(
    page, demo_areas_tx, tmp_path
):
    from tests.browser.test_report import jpeg_with_gps

    context = page.context
    page.goto("/hotspots/report/")
    manifest = page.request.get("/manifest.webmanifest").json()
    assert manifest["name"] == "Chủ nhật xanh" and manifest["display"] == "standalone"
    wait_for_worker(page)
    # Opened once under the worker: its copy of the page is this one.
    online_copy = served_uuid(page.reload().text())
    wait_for_worker(page)

    # 1. The network drops: the report (with its photo) goes to the outbox.
    fill_report(page, "Rác thải nhựa", "Rác dưới chân cầu")
    page.set_input_files("#id_photos", str(jpeg_with_gps(tmp_path / "cau.jpg")))
    context.set_offline(True)
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.get_by_role("status")).to_have_text(SAVED)
    items = page.locator(".outbox-item")
    expect(items).to_have_count(1)
    expect(items.first).to_contain_text("Rác thải nhựa")
    expect(items.first).to_contain_text("1 ảnh")
    first_uuid = page.evaluate("Outbox.list().then(l => l[0].client_uuid)")
    # The form is ready for the next report, with a new client_uuid.
    assert page.input_value("input[name=client_uuid]") != first_uuid

    # 2. The page reopens offline, from the worker's cache (the copy it kept).
    response = page.reload()
    assert served_uuid(response.text()) == online_copy
    expect(page.locator("h1")).to_have_text("Báo cáo điểm nóng")
    expect(page.locator(".outbox-item")).to_have_count(1)
    assert page.input_value("input[name=client_uuid]") not in (online_copy, first_uuid)

    # 3. A second report, offline, with two quick taps: one outbox item.
    fill_report(page, "Bèo lục bình", "Bèo kín mặt kênh")
    page.evaluate(
        "() => { const b = document.getElementById('submit-report'); b.click(); b.click(); }"
    )
    expect(page.get_by_role("status")).to_have_text(SAVED)
    expect(page.locator(".outbox-item")).to_have_count(2)
    assert Hotspot.objects.count() == 0

    # 4. A second tab is open too: both send when the network returns.
    other = context.new_page()
    other.goto("/hotspots/report/")
    expect(other.locator(".outbox-item")).to_have_count(2)
    context.set_offline(False)
    expect(page.locator(".outbox-item")).to_have_count(0, timeout=15000)
    expect(other.locator(".outbox-item")).to_have_count(0, timeout=15000)
    wait_for_count(page, Hotspot, 2)
    page.wait_for_timeout(500)  # a late double send would land now
    assert Hotspot.objects.count() == 2
    assert ReportReceipt.objects.count() == 2
    assert ReportReceipt.objects.filter(client_uuid=first_uuid).count() == 1
    first = Hotspot.objects.get(description="Rác dưới chân cầu")
    assert first.photos.count() == 1
    assert sorted(Hotspot.objects.values_list("category", flat=True)) == [
        "plastic",
        "water_hyacinth",
    ]
    # A link to the follow page of what was sent.
    statuses = [page.get_by_role("status"), other.get_by_role("status")]
    links = [s.get_by_role("link", name="Theo dõi báo cáo") for s in statuses]
    assert sum(link.count() for link in links) >= 1
    other.close()
    assert page.outside_requests == []
