"""The hotspot pages in a real browser, at phone and desktop widths."""

import re

import pytest
from django.contrib.gis.geos import Point
from playwright.sync_api import expect

from hotspots import services
from hotspots.models import Hotspot, SizeClass, Status
from tests.browser.tilemap import click_at, look_at, rendered, wait_for_map
from tests.builders import PASSWORD

pytestmark = pytest.mark.browser

DANGEROUS = "</script><script>alert(1)</script> `${alert(1)}`"


@pytest.fixture
def bag(demo_areas_tx):
    # demo_areas_tx seeds the size classes again (transactional tests flush them).
    return SizeClass.objects.get(key="bag")


def report(bag, i: int, **kwargs) -> Hotspot:
    # Inside the demo "Thành phố Huế"; ~210 m apart.
    location = Point(107.59 + 0.002 * i, 16.46, srid=4326)
    kwargs.setdefault("category", "plastic")
    return services.hotspot_report(location=location, size_class=bag, **kwargs).hotspot


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]


def test_list_page_shows_tile_map_cards_and_legend(page, demo_areas_tx, bag, organiser):
    categories = ["plastic", "water_hyacinth", "household"]
    hotspots = [
        services.hotspot_verify(
            hotspot=report(bag, i, category=category, description=DANGEROUS),
            actor=organiser,
        )
        for i, category in enumerate(categories)
    ]
    services.hotspot_set_priority(hotspot=hotspots[0], actor=organiser, priority=True)
    report(bag, 5)  # not verified: not on the public page
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))

    page.goto("/hotspots/")
    expect(page.locator("h1")).to_have_text("Điểm nóng rác thải")
    expect(page.get_by_test_id("public-map")).to_be_visible()
    expect(page.get_by_test_id("hotspot-card")).to_have_count(3)
    expect(page.get_by_test_id("legend")).to_contain_text("Bèo lục bình")
    expect(page.get_by_test_id("approximate-note")).to_be_visible()
    expect(page.get_by_test_id("report-button")).to_be_visible()

    wait_for_map(page)
    look_at(page, 107.592, 16.46, 15)
    drawn = rendered(page, "hotspot-points")
    assert sorted(f["id"] for f in drawn) == sorted(h.pk for h in hotspots)
    assert [f["id"] for f in drawn if f["priority"]] == [hotspots[0].pk]
    # A tap on a hotspot shows its text, as text: nothing ran.
    click_at(page, hotspots[0].location.x, hotspots[0].location.y)
    popup = page.get_by_test_id("map-popup")
    expect(popup).to_contain_text(f"#{hotspots[0].pk}")
    expect(popup).to_contain_text("Ưu tiên")
    expect(popup).to_contain_text("`${alert(1)}`")
    assert dialogs == []
    assert page.outside_requests == []
    no_sideways_scroll(page)


def test_visitor_confirms_a_hotspot_from_its_page(page, demo_areas_tx, bag, organiser):
    hotspot = services.hotspot_verify(hotspot=report(bag, 0), actor=organiser)
    page.goto(f"/hotspots/{hotspot.pk}/")
    expect(page.locator("path.leaflet-interactive")).to_have_count(1)
    no_sideways_scroll(page)
    page.get_by_role("button", name="Tôi cũng thấy điểm này").click()
    expect(page.get_by_text("Cảm ơn bạn đã xác nhận điểm nóng này.")).to_be_visible()
    expect(page.get_by_test_id("confirmations")).to_have_text("1 xác nhận")
    page.get_by_role("button", name="Tôi cũng thấy điểm này").click()
    expect(page.get_by_text("Bạn đã xác nhận điểm nóng này rồi.")).to_be_visible()
    hotspot.refresh_from_db()
    assert hotspot.confirmation_count == 1
    assert page.outside_requests == []


def test_organiser_logs_in_and_verifies_from_the_queue(
    page, demo_areas_tx, bag, organiser
):
    waiting = report(bag, 0)
    other = report(bag, 1)
    page.goto("/hotspots/queue/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/hotspots/queue/$"))
    page.fill("input[name=username]", "btc")
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page.locator("h1")).to_have_text("Hàng chờ xử lý điểm nóng")
    expect(page.get_by_test_id("queue-item")).to_have_count(2)
    no_sideways_scroll(page)

    item = page.locator(f'[data-hotspot="{waiting.pk}"]')
    item.get_by_label("Ghi chú (không bắt buộc)").fill("Đã đến kiểm tra")
    item.get_by_role("button", name="Xác minh").click()
    expect(page.get_by_text(f"Đã xác minh điểm nóng #{waiting.pk}.")).to_be_visible()
    # Verified ones leave the default queue; the other one stays.
    expect(page.get_by_test_id("queue-item")).to_have_count(1)
    expect(page.locator(f'[data-hotspot="{other.pk}"]')).to_be_visible()
    waiting.refresh_from_db()
    assert waiting.status == Status.VERIFIED
    assert page.outside_requests == []
