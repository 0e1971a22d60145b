"""Registering an entrant and approving it, in a real browser at phone and desktop
widths: a resident registers a team, an organiser approves it, the representative
sees the approval."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect

from events.models import CleanupEvent, Consent, Entrant, EntrantStatus
from tests import builders
from tests.builders import PASSWORD
from tests.events.campaigns.test_pages import SLUG, make_campaign

pytestmark = pytest.mark.browser

EMAIL = "lan.nguyen@example.vn"
TEAM = "Đội Sông Hương Xanh"


def no_sideways_scroll(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]


def log_in(page, username: str) -> None:
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()


def log_out(page, username: str) -> None:
    page.get_by_role("button", name=f"Đăng xuất ({username})").click()
    expect(page.get_by_role("link", name="Đăng nhập")).to_be_visible()


def test_resident_registers_organiser_approves_representative_sees_it(
    page, demo_areas_tx, tmp_path
):
    campaign = make_campaign()
    builders.user(username="lan", email=EMAIL)
    builders.organiser()
    mail.outbox.clear()

    # The resident finds the contest from the nav and starts registering.
    page.goto("/")
    page.get_by_role("link", name="Cuộc thi").click()
    expect(page.locator("h1")).to_have_text(campaign.name)
    expect(page.get_by_test_id("prizes")).to_contain_text("3.000.000 ₫")
    no_sideways_scroll(page)
    page.get_by_test_id("register-button").click()
    log_in(page, "lan")
    expect(page.locator("h1")).to_have_text("Đăng ký dự thi")
    expect(page.get_by_label("Email")).to_have_value(EMAIL)
    no_sideways_scroll(page)

    page.locator("label.chip", has_text="Đội / nhóm").click()
    page.get_by_label("Tên đội / tổ chức / đơn vị").fill(TEAM)
    page.get_by_label("Họ tên người đại diện").fill("Nguyễn Thị Lan")
    page.get_by_label("Ngày sinh").fill("1990-05-01")
    page.get_by_label("Đơn vị / tổ chức / trường").fill("Đoàn phường Vĩnh Ninh")
    page.get_by_label("Số điện thoại").fill("0905 123 456")
    page.get_by_label("Thành viên").fill("Trần Văn An\nLê Thị Bình")
    boxes = page.locator("input[type=checkbox][name^=consent_]")
    expect(boxes).to_have_count(4)
    for index in range(4):
        expect(boxes.nth(index)).not_to_be_checked()
    page.get_by_label("Tôi đồng ý tham gia cuộc thi").check()
    page.get_by_role("button", name="Gửi đăng ký").click()

    expect(page.locator("h1")).to_have_text("Đội của tôi")
    expect(page.get_by_text("Đã gửi đăng ký của")).to_be_visible()
    expect(page.get_by_test_id("status")).to_have_text("Chờ duyệt")
    expect(page.get_by_test_id("members")).to_contain_text("Lê Thị Bình")
    no_sideways_scroll(page)
    entrant = Entrant.objects.get(campaign=campaign)
    assert entrant.members.count() == 2
    granted = dict(Consent.objects.values_list("purpose", "granted"))
    assert granted == {"participation": True, "contact": False, "publish": False}
    log_out(page, "lan")

    # The organiser approves it from the registration queue.
    page.goto(f"/contest/{SLUG}/registrations/")
    log_in(page, "btc")
    expect(page.locator("h1")).to_have_text("Đăng ký dự thi")
    item = page.locator(f'[data-entrant="{entrant.pk}"]')
    expect(item).to_contain_text("+84905123456")
    no_sideways_scroll(page)
    item.get_by_role("button", name="Duyệt").click()
    expect(page.get_by_text(f"Đã duyệt đăng ký của {TEAM}.")).to_be_visible()
    expect(page.get_by_test_id("registration")).to_have_count(0)
    entrant.refresh_from_db()
    assert entrant.status == EntrantStatus.APPROVED
    log_out(page, "btc")

    # The representative sees the approval and the way to log an event.
    page.goto("/contest/me/")
    log_in(page, "lan")
    expect(page.get_by_test_id("status")).to_have_text("Đã duyệt")
    expect(page.get_by_test_id("log-event")).to_be_visible()
    no_sideways_scroll(page)
    # Both emails went to the representative: received, then approved.
    assert [message.to for message in mail.outbox] == [[EMAIL], [EMAIL]]

    # ... and logs a cleanup event with participants and a photo.
    page.get_by_test_id("log-event").click()
    expect(page.locator("h1")).to_have_text("Ghi nhận sự kiện thu gom")
    page.fill("input[name=title]", "Vớt rác ven sông Hương")
    page.locator("#event-map").click()  # pin at the map's centre (Huế)
    expect(page.locator("#location-status")).to_contain_text("Đã đặt ghim")
    now = timezone.localtime()
    start = max(now - dt.timedelta(hours=2), now.replace(hour=0, minute=0))
    end = now - dt.timedelta(minutes=1)
    page.fill("input[name=started_at]", start.strftime("%Y-%m-%dT%H:%M"))
    page.fill("input[name=ended_at]", end.strftime("%Y-%m-%dT%H:%M"))
    page.locator("label.chip", has_text="Trần Văn An").click()
    page.fill("#other-participants", "Người dân Phú Hội")
    expect(page.locator("#participant-count")).to_have_text("2 người tham gia")
    page.fill("input[name=weight_kg]", "42.5")
    page.locator("label.chip", has_text="Cân đo").click()
    page.fill("input[name=plastic_kg]", "30")
    photo = tmp_path / "sau.jpg"
    Image.new("RGB", (320, 240), (30, 90, 140)).save(photo, "JPEG")
    page.set_input_files("#id_after_photos", str(photo))
    page.get_by_role("button", name="Gửi kết quả").click()
    expect(page.locator("h1")).to_have_text("Vớt rác ven sông Hương")
    expect(page.get_by_test_id("participants")).to_contain_text("Người dân Phú Hội")
    no_sideways_scroll(page)
    event = CleanupEvent.objects.get()
    assert event.entrant == entrant and event.weight_kg == Decimal("42.50")
    assert sorted(event.participants.values_list("full_name", flat=True)) == [
        "Người dân Phú Hội",
        "Trần Văn An",
    ]
    assert event.participants.get(full_name="Trần Văn An").member is not None
    assert event.photos.filter(kind="after").count() == 1
    assert event.areas.filter(level="district").exists()
    assert page.outside_requests == []
