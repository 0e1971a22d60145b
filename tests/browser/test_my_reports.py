"""'Báo cáo của tôi' in a phone's browser: follow links kept on the device, the
share/copy button, and a signed-in resident's list as a report is verified."""

import re

import pytest
from playwright.sync_api import expect

from hotspots import services
from hotspots.models import SizeClass
from tests import builders

pytestmark = pytest.mark.browser

# Headless Chromium cannot drive a share sheet: without the Web Share API the
# button takes the clipboard path, which the test can read back.
NO_WEB_SHARE = "delete Navigator.prototype.share;"


def anonymous_report(i: int, category: str = "plastic"):
    return services.hotspot_report(
        location=builders.at(i),
        category=category,
        size_class=SizeClass.objects.get(key="bag"),
    ).hotspot


@pytest.mark.parametrize("page", ["phone"], indirect=True)
def test_resident_finds_reports_on_this_device_and_signed_in(
    page, demo_areas_tx, live_server
):
    page.context.grant_permissions(
        ["clipboard-read", "clipboard-write"], origin=live_server.url
    )
    page.add_init_script(NO_WEB_SHARE)
    first = anonymous_report(0)
    second = anonymous_report(1, category="water_hyacinth")

    # An anonymous resident opens the follow pages (as after reporting): the
    # links are kept on the device, and the link can be copied.
    page.goto(f"/hotspots/follow/{second.follow_token}/")
    expect(page.locator("#follow-saved")).to_be_visible()
    page.goto(f"/hotspots/follow/{first.follow_token}/")
    follow_url = page.get_by_test_id("follow-link").inner_text().strip()
    assert follow_url.endswith(f"/hotspots/follow/{first.follow_token}/")
    button = page.get_by_test_id("share-button")
    expect(button).to_have_text("Sao chép đường dẫn")
    button.click()
    expect(page.get_by_test_id("share-done")).to_have_text("Đã sao chép")
    assert page.evaluate("navigator.clipboard.readText()") == follow_url

    # "Báo cáo của tôi" lists both, newest saved first, with their status.
    page.locator("#follow-saved").get_by_role("link", name="Báo cáo của tôi").click()
    expect(page.locator("h1")).to_have_text("Báo cáo của tôi")
    items = page.get_by_test_id("device-report")
    expect(items).to_have_count(2)
    expect(items.nth(0)).to_contain_text("Rác thải nhựa")
    expect(items.nth(0).get_by_test_id("device-report-status")).to_have_text(
        "Mới báo cáo"
    )
    expect(items.nth(1)).to_contain_text("Bèo lục bình")
    expect(items.nth(1).locator(".timeline li")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    # Copy works from the list too.
    items.nth(1).get_by_role("button", name="Sao chép đường dẫn").click()
    expect(items.nth(1).locator(".share-done")).to_have_text("Đã sao chép")
    assert page.evaluate("navigator.clipboard.readText()").endswith(
        f"/hotspots/follow/{second.follow_token}/"
    )
    # Without the Clipboard API (older browsers, plain HTTP) the link is selected
    # and copied the old way.
    page.evaluate("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    items.nth(0).get_by_role("button", name="Sao chép đường dẫn").click()
    expect(items.nth(0).locator(".share-done")).to_contain_text(
        re.compile("Đã sao chép|Đã chọn đường dẫn")
    )
    assert page.evaluate("window.getSelection().toString()") == follow_url
    # Removing one keeps it removed.
    items.nth(1).get_by_test_id("device-remove").click()
    expect(items).to_have_count(1)
    page.reload()
    expect(page.get_by_test_id("device-report")).to_have_count(1)
    assert page.outside_requests == []

    # A resident signs in: their own reports come from the server, with the
    # device's other one below.
    lan = builders.user(username="lan")
    mine = services.hotspot_report(
        location=builders.at(2),
        category="household",
        size_class=SizeClass.objects.get(key="bag"),
        reporter=lan,
    ).hotspot
    page.goto("/accounts/login/?next=/hotspots/mine/")
    page.fill("input[name=username]", "lan")
    page.fill("input[name=password]", builders.PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_have_text("Báo cáo của tôi")
    report = page.get_by_test_id("my-report")
    expect(report).to_have_count(1)
    expect(report.get_by_test_id("my-report-status")).to_have_text("Mới báo cáo")
    expect(page.get_by_test_id("device-report")).to_have_count(1)

    # An organiser verifies it; the resident's list says so.
    services.hotspot_verify(hotspot=mine, actor=builders.organiser())
    page.reload()
    expect(report.get_by_test_id("my-report-status")).to_have_text("Đã xác minh")
    expect(report.locator(".timeline")).to_contain_text("Xác minh → Đã xác minh")
    expect(report.get_by_role("link", name="Trang công khai")).to_be_visible()
    assert page.outside_requests == []
