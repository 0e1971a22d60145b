"""The jury's before/after comparison and figures table in a real browser: a tap on a
pair opens both photos at full size (stacked on a phone, side by side on a desktop),
arrow keys switch pairs, Esc closes and gives the focus back."""

import pytest
from playwright.sync_api import expect

from hotspots import photos as photo_pipeline
from tests.events.campaigns.test_pages import make_campaign
from tests.events.cleanups.test_events_api import jpeg
from tests.events.judging.test_review import enter, log, person

from .test_registration import log_in, no_sideways_scroll

pytestmark = pytest.mark.browser

TITLE = "Vớt bèo cầu Kim Long"


def photo(seed: int):
    from django.core.files.uploadedfile import SimpleUploadedFile

    # Wider than a phone: the full-size image must be scaled down, not cropped.
    data = jpeg(seed, size=(1200, 900))
    return photo_pipeline.sanitize(
        SimpleUploadedFile("a.jpg", data, content_type="image/jpeg")
    )


def test_comparison_opens_full_size_pair_switches_and_closes(page, demo_areas_tx):
    campaign = make_campaign()
    organiser = person("btc", "organiser")
    person("bgk", "judge")
    entrant, rep = enter(campaign, organiser, "lan", "Đội Kim Long")
    event = log(
        entrant,
        rep,
        title=TITLE,
        before_images=[photo(1), photo(2)],
        after_images=[photo(3)],
    )
    before = list(event.photos.filter(kind="before").order_by("id"))

    page.goto(f"/contest/events/{event.pk}/review/")
    log_in(page, "bgk")
    expect(page.locator("h1")).to_have_text(TITLE)
    # The figures table: inside the page's width (its wrapper scrolls if need be).
    figures = page.get_by_test_id("figures")
    expect(figures.locator("caption")).to_be_visible()
    no_sideways_scroll(page)
    # Numbers right-aligned in tabular figures; at phone width the table fits.
    cell = figures.locator("td.num").first
    assert cell.evaluate("td => getComputedStyle(td).textAlign") == "right"
    assert "tabular-nums" in cell.evaluate(
        "td => getComputedStyle(td).fontVariantNumeric"
    )
    wrap = page.locator(".figures-wrap")
    assert wrap.evaluate("w => w.scrollWidth <= w.clientWidth")

    pairs = page.get_by_test_id("compare-pair")
    expect(pairs).to_have_count(2)
    dialog = page.get_by_test_id("compare-dialog")
    expect(dialog).to_be_hidden()
    pairs.first.click()
    expect(dialog).to_be_visible()
    shown_before = dialog.locator('img[data-side="before"]')
    shown_after = dialog.locator('img[data-side="after"]')
    expect(shown_before).to_have_attribute("alt", f"Ảnh trước: {TITLE}")
    expect(shown_after).to_have_attribute("alt", f"Ảnh sau: {TITLE}")
    for image in (shown_before, shown_after):
        expect(image).to_be_visible()
        # The full-size file (not the thumbnail), loaded, and scaled to fit whole.
        page.wait_for_function(
            "(img) => img.complete && img.naturalWidth > 0", arg=image.element_handle()
        )
        natural = image.evaluate("img => [img.naturalWidth, img.naturalHeight]")
        assert natural == [before[0].width, before[0].height]
        assert image.evaluate("img => getComputedStyle(img).objectFit") == "contain"
        box = image.bounding_box()
        assert box["width"] <= page.viewport_size["width"]
    assert shown_before.get_attribute("src") == before[0].image.url
    a, b = shown_before.bounding_box(), shown_after.bounding_box()
    if page.viewport_size["width"] < 600:  # a phone: one above the other
        assert b["y"] >= a["y"] + a["height"] - 1
    else:  # side by side
        assert abs(a["y"] - b["y"]) < 2 and b["x"] >= a["x"] + a["width"] - 1
    expect(dialog.locator("h2")).to_contain_text("1/2")

    # Arrow right: the second pair (its "after" side has no photo).
    page.keyboard.press("ArrowRight")
    expect(dialog.locator("h2")).to_contain_text("2/2")
    expect(shown_before).to_have_attribute("src", before[1].image.url)
    expect(shown_after).to_be_hidden()
    expect(dialog.locator('[data-missing="after"]')).to_be_visible()
    page.keyboard.press("ArrowLeft")
    expect(dialog.locator("h2")).to_contain_text("1/2")

    # Esc closes; the focus goes back to the pair that opened it.
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(pairs.first).to_be_focused()
    no_sideways_scroll(page)
    assert page.outside_requests == []
