import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_home_page_shows_vietnamese_and_the_map(page, demo_areas_tx):
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Thử thách làm cho thế giới sạch hơn")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_test_id("approximate-note")).to_be_visible()
    # Leaflet ran (from our static files) and drew the nine demo areas.
    expect(page.locator(".leaflet-container")).to_be_visible()
    expect(page.locator("path.leaflet-interactive")).to_have_count(9)
    assert page.outside_requests == []
    # Nothing spills sideways on a phone.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]


def test_language_switch_to_english_and_back(page, demo_areas_tx):
    page.goto("/")
    page.get_by_role("button", name="English").click()
    expect(page.locator("h1")).to_have_text("Challenge to make the world cleaner")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("h1")).to_have_text("Thử thách làm cho thế giới sạch hơn")


def test_sign_up_needs_the_consent_box_ticked(page, transactional_db):
    page.goto("/accounts/signup/")
    consent = page.locator("input[name=accept_terms]")
    expect(consent).not_to_be_checked()
    page.fill("input[name=identifier]", "0905 123 456")
    page.fill("input[name=password1]", "Rac-thai-nhua-2024")
    page.fill("input[name=password2]", "Rac-thai-nhua-2024")
    page.get_by_role("button", name="Đăng ký").last.click()
    expect(
        page.get_by_text("Bạn cần đồng ý với điều khoản để đăng ký.")
    ).to_be_visible()
    page.fill("input[name=password1]", "Rac-thai-nhua-2024")
    page.fill("input[name=password2]", "Rac-thai-nhua-2024")
    page.locator("input[name=accept_terms]").check()
    page.get_by_role("button", name="Đăng ký").last.click()
    expect(page.get_by_text("Chào mừng bạn đến với Chủ nhật xanh!")).to_be_visible()
