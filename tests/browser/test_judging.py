"""A judge reviews an event and the leaderboard changes, in a real browser at
phone and desktop widths."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from events.models import EventDecision, EventStatus
from tests.events.campaigns.test_pages import SLUG, make_campaign
from tests.events.judging.test_review import enter, log, person

from .test_registration import log_in, no_sideways_scroll

pytestmark = pytest.mark.browser

TEAM = "Đội Sông Hương Xanh"


def points_of(page) -> Decimal:
    """The points shown for the team (Vietnamese decimal comma)."""
    row = page.locator('[data-testid="board-row"]', has_text=TEAM)
    text = row.get_by_test_id("points").inner_text().strip()
    return Decimal(text.replace(".", "").replace(",", "."))


def test_judge_approves_an_event_and_the_leaderboard_changes(page, demo_areas_tx):
    campaign = make_campaign()
    organiser = person("btc", "organiser")
    person("bgk", "judge")
    entrant, rep = enter(campaign, organiser, "lan", TEAM)
    event = log(entrant, rep, kg="42.5", title="Vớt rác ven sông Hương")

    # The judge opens the leaderboard: the event is not reviewed, so 0 points.
    page.goto(f"/contest/{SLUG}/leaderboard/")
    log_in(page, "bgk")
    expect(page.locator("h1")).to_have_text("Bảng xếp hạng")
    expect(page.get_by_test_id("leaderboard-note")).to_contain_text("chưa chấm")
    points_cell = page.locator(
        '[data-testid="board-row"]', has_text=TEAM
    ).get_by_test_id("points")
    before = points_cell.inner_text().strip()
    assert points_of(page) == 0
    no_sideways_scroll(page)

    # ... goes to the review queue and opens the event.
    page.get_by_role("link", name="Hàng chờ chấm").click()
    expect(page.locator("h1")).to_have_text("Sự kiện thu gom")
    expect(page.get_by_test_id("review-row")).to_have_count(1)
    no_sideways_scroll(page)
    page.get_by_role("link", name="Chấm", exact=True).click()
    expect(page.locator("h1")).to_have_text("Vớt rác ven sông Hương")
    expect(page.get_by_test_id("participants")).to_contain_text("Phan Văn Cường")
    expect(page.locator(".folium-map")).to_be_visible()
    no_sideways_scroll(page)
    # Keyboard: #adjust puts the cursor in the verified total.
    page.goto(page.url + "#adjust")
    expect(page.get_by_label("Tổng khối lượng xác nhận (kg)")).to_be_focused()

    # ... approves it; no other event waits, so back to the (now empty) queue.
    page.get_by_role("button", name="Duyệt", exact=True).click()
    expect(page.get_by_text("Đã ghi quyết định")).to_be_visible()
    # (A fragment in the address, such as #adjust, is kept across the redirect.)
    expect(page).to_have_url(re.compile(rf"/contest/{SLUG}/events/(#.*)?$"))
    expect(page.get_by_test_id("review-row")).to_have_count(0)
    decision = EventDecision.objects.get()
    assert decision.event_id == event.pk and decision.judge.username == "bgk"
    event.refresh_from_db()
    assert event.status == EventStatus.APPROVED

    # The leaderboard now counts the event.
    page.get_by_role("link", name="Bảng xếp hạng").click()
    expect(page.locator("h1")).to_have_text("Bảng xếp hạng")
    expect(points_cell).not_to_have_text(before)
    assert points_of(page) > 0
    row = page.locator('[data-testid="board-row"]', has_text=TEAM)
    expect(row.get_by_test_id("prize")).to_contain_text("3.000.000 ₫")
    no_sideways_scroll(page)
    assert page.outside_requests == []


def test_an_entrants_breakdown_opens_in_place_or_on_its_own_page(
    page, browser, live_server, demo_areas_tx
):
    from events.judging.services import event_decide

    campaign = make_campaign()
    organiser = person("btc", "organiser")
    judge = person("bgk", "judge")
    entrant, rep = enter(campaign, organiser, "lan", TEAM)
    event = log(entrant, rep, kg="42.5", title="Vớt rác ven sông Hương")
    event_decide(event=event, judge=judge, verdict="approve")

    page.goto(f"/contest/{SLUG}/leaderboard/")
    log_in(page, "bgk")
    expect(page.locator("h1")).to_have_text("Bảng xếp hạng")
    board = page.url
    link = page.locator('[data-testid="board-row"]', has_text=TEAM).get_by_test_id(
        "breakdown-link"
    )
    breakdown = page.locator(f"#breakdown-{entrant.pk}")
    expect(breakdown).to_be_hidden()
    # With the page's script: loaded into the row below, the page stays.
    link.click()
    expect(breakdown).to_be_visible()
    expect(breakdown).to_contain_text("Rác khác và chưa phân loại 42,50 kg")
    expect(breakdown).to_contain_text(f"#{event.pk} Vớt rác ven sông Hương")
    expect(link).to_have_attribute("aria-expanded", "true")
    assert page.url == board
    no_sideways_scroll(page)
    link.click()
    expect(breakdown).to_be_hidden()
    assert page.outside_requests == []

    # Without script, the same link is the entrant's own breakdown page.
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, locale="vi-VN"
    )
    plain = context.new_page()
    plain.goto(f"/contest/{SLUG}/leaderboard/")
    log_in(plain, "bgk")
    expect(plain.locator("h1")).to_have_text("Bảng xếp hạng")
    plain.locator('[data-testid="board-row"]', has_text=TEAM).get_by_test_id(
        "breakdown-link"
    ).click()
    expect(plain).to_have_url(
        re.compile(rf"/contest/{SLUG}/leaderboard/{entrant.pk}/$")
    )
    expect(plain.locator("h1")).to_contain_text(TEAM)
    expect(plain.get_by_test_id("score-breakdown")).to_contain_text("42,50 kg")
    context.close()
