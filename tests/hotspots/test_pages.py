"""The hotspot pages: public list and detail, confirming, and the organisers' queue.

Request -> response -> database state, on the real PostGIS test database.
"""

import re
from io import BytesIO

import pytest
from django.contrib.gis.geos import Point
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from geo.models import AdminArea
from hotspots import photos, services
from hotspots.models import (
    Action,
    Confirmation,
    Hotspot,
    HotspotHistory,
    HotspotPhoto,
    Status,
)
from hotspots.views import LIST_PAGE_SIZE
from maps.assets import make_map, render_parts
from maps.layers import HotspotMarker, hotspot_layer, marker_radius, safe_popup_text
from tests import builders
from tests.tiles import page_map_features, tilemap_config

# Inside the demo "Thành phố Huế" district; 0.002° is ~210 m, well apart from
# one another for the 50 m duplicate radius.
HUE_LON, HUE_LAT = 107.59, 16.46
DANGEROUS = "</script><script>alert(1)</script> `${alert(1)}` \\u{zz} ${x}"
CARD = 'data-testid="hotspot-card"'
ORGANISER_BLOCK = 'data-testid="organiser-block"'
EMAIL, PHONE, CONTACT_NAME = "lan.nguyen@example.vn", "+84905123456", "Nguyễn Thị Lan"


def at(i: int = 0, *, dx_m: float = 0.0) -> Point:
    lon = HUE_LON + 0.002 * (i % 10) + dx_m / 106_800  # ~106.8 km per degree here
    return Point(lon, HUE_LAT + 0.002 * (i // 10), srid=4326)


def report(i: int = 0, *, location: Point | None = None, **kwargs) -> Hotspot:
    return builders.hotspot(location=location or at(i), **kwargs)


def verified(i: int, organiser, **kwargs) -> Hotspot:
    return builders.hotspot(
        location=kwargs.pop("location", None) or at(i),
        status=Status.VERIFIED,
        actor=organiser,
        **kwargs,
    )


def image(colour=(200, 40, 40)) -> photos.CleanImage:
    out = BytesIO()
    Image.new("RGB", (80, 60), colour).save(out, "JPEG")
    upload = SimpleUploadedFile("p.jpg", out.getvalue(), content_type="image/jpeg")
    return photos.sanitize(upload)


def detail(hotspot: Hotspot) -> str:
    return reverse("hotspots:detail", args=[hotspot.pk])


def action_url(hotspot: Hotspot, action: str) -> str:
    return reverse("hotspots:queue-action", args=[hotspot.pk, action])


def html_of(response) -> str:
    return response.content.decode()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def resident(db):
    return builders.user(username="reporter-dan")


@pytest.fixture
def resident_client(resident):
    client = Client()
    client.force_login(resident)
    return client


# --- safe text for folium -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;"),
        ("`${alert(1)}`", "&#96;&#36;{alert(1)}&#96;"),
        ("a\\u{zz}", "a&#92;u{zz}"),
        ("\"x\" & 'y'", "&quot;x&quot; &amp; &#x27;y&#x27;"),
        ("Bèo lục bình", "Bèo lục bình"),
    ],
)
def test_safe_popup_text_escapes_html_and_template_literal_syntax(text, expected):
    assert safe_popup_text(text) == expected


def test_safe_popup_text_leaves_nothing_a_template_literal_or_html_would_run():
    safe = safe_popup_text(DANGEROUS)
    for char in "<>`$\\":
        assert char not in safe


def test_hotspot_layer_puts_only_escaped_text_in_the_map_script():
    markers = [
        HotspotMarker(107.59, 16.46, "plastic", 10.0, False, ("#1", DANGEROUS)),
        HotspotMarker(107.60, 16.47, "household", 80.0, True, ("#2",)),
    ]
    fmap = make_map()
    hotspot_layer(markers).add_to(fmap)
    script = render_parts(fmap).script
    assert script.count("L.circleMarker(") == 2
    assert "${alert(1)}" not in script and "<script>alert" not in script
    assert "&#96;&#36;{alert(1)}&#96;" in script
    # Priority: thick red outline; bigger score, bigger circle (capped).
    assert '"color": "#d00000"' in script and '"weight": 4' in script
    assert marker_radius(0) < marker_radius(10) < marker_radius(80) <= 20


# --- public list ----------------------------------------------------------------


def test_list_shows_verified_hotspots_but_not_reported_ones(
    demo_areas, client, organiser
):
    shown = verified(0, organiser)
    hidden = report(1)
    response = client.get(reverse("hotspots:list"))
    html = html_of(response)
    assert response.status_code == 200
    assert detail(shown) in html
    assert detail(hidden) not in html
    assert html.count(CARD) == 1
    assert reverse("hotspots:report") in html and "Báo cáo điểm nóng" in html
    assert "/static/vendor/maplibre-gl/maplibre-gl.js" in html
    # One hotspot in the map's tiles, and the demo areas are approximate.
    drawn = page_map_features(client, html, 18, [at(0), at(1)])
    assert [f["id"] for f in drawn] == [shown.pk]
    assert 'data-testid="approximate-note"' in html
    assert "Thành phố Huế" in html


def test_list_shows_only_public_statuses_even_to_organisers_and_reporters(
    demo_areas, organiser_client, resident_client, resident, organiser
):
    shown = verified(0, organiser)
    own_reported = report(1, reporter=resident)
    rejected = services.hotspot_reject(
        hotspot=report(2), actor=organiser, reason="Không phải rác"
    )
    for client in (organiser_client, resident_client):
        html = html_of(client.get(reverse("hotspots:list")))
        assert detail(shown) in html
        assert detail(own_reported) not in html
        assert detail(rejected) not in html
        drawn = page_map_features(client, html, 18, [at(0), at(1), at(2)])
        assert [f["id"] for f in drawn] == [shown.pk]


def test_list_is_highest_score_first(demo_areas, client, organiser):
    low = verified(0, organiser, category="household")
    high = verified(1, organiser, category="plastic")
    higher = services.hotspot_set_priority(
        hotspot=verified(2, organiser, category="other"),
        actor=organiser,
        priority=True,
    )
    html = html_of(client.get(reverse("hotspots:list")))
    positions = [html.index(f'href="{detail(h)}"') for h in (higher, high, low)]
    assert positions == sorted(positions)


def test_list_filters_by_category_status_and_area(demo_areas, client, organiser):
    plastic = verified(0, organiser, category="plastic")
    household = verified(1, organiser, category="household")
    cleaned = services.hotspot_mark_cleaned(
        hotspot=verified(2, organiser), actor=organiser
    )
    hue = AdminArea.objects.get(level="district", name="Thành phố Huế")
    elsewhere = AdminArea.objects.get(level="district", name="Huyện A Lưới")
    url = reverse("hotspots:list")

    html = html_of(client.get(url, {"category": "household"}))
    assert detail(household) in html and detail(plastic) not in html

    html = html_of(client.get(url, {"status": "cleaned"}))
    assert detail(cleaned) in html and detail(plastic) not in html

    assert html_of(client.get(url, {"area": hue.pk})).count(CARD) == 3
    assert html_of(client.get(url, {"area": elsewhere.pk})).count(CARD) == 0


@pytest.mark.parametrize(
    "params",
    [
        {"category": "nuclear"},
        {"status": "reported"},  # not a public status: ignored, not shown
        {"area": "abc"},
        {"area": "999999"},
        {"page": "many"},
        {"category": "<b>x</b>", "status": "", "area": "-1"},
    ],
)
def test_list_ignores_invalid_filter_values(demo_areas, client, organiser, params):
    verified(0, organiser)
    hidden = report(1)
    response = client.get(reverse("hotspots:list"), params)
    html = html_of(response)
    assert response.status_code == 200
    assert html.count(CARD) == 1
    assert detail(hidden) not in html


def test_list_has_thirty_cards_a_page_and_keeps_filters_in_page_links(
    demo_areas, client, organiser
):
    for i in range(LIST_PAGE_SIZE + 1):
        verified(i, organiser)
    url = reverse("hotspots:list")
    first = html_of(client.get(url, {"category": "plastic"}))
    assert first.count(CARD) == 30
    assert "?category=plastic&amp;page=2" in first
    second = html_of(client.get(url, {"category": "plastic", "page": 2}))
    assert second.count(CARD) == 1
    # The map shows the whole filter, not only the page.
    assert tilemap_config(second)["hotspots"].endswith("?category=plastic")
    drawn = page_map_features(client, second, 12, [at(i) for i in range(31)])
    assert len(drawn) == LIST_PAGE_SIZE + 1


def test_list_total_comes_from_the_rollups_and_pages_are_capped(
    demo_areas, client, organiser, monkeypatch
):
    """The count is the rollups' (no scan of every row) and equals the rows';
    pages past the cap are not offered (an OFFSET walks every row before it)."""
    from hotspots import views

    for i in range(5):
        verified(i, organiser, category="household" if i % 2 else "plastic")
    report(9)  # not public: never counted
    monkeypatch.setattr(views, "LIST_PAGE_SIZE", 2)
    monkeypatch.setattr(views, "LIST_MAX_PAGES", 2)
    url = reverse("hotspots:list")
    html = html_of(client.get(url))
    assert "5 điểm nóng" in html and "Trang 1 / 2" in html
    last = html_of(client.get(url, {"page": 9}))  # past the cap: the last page
    assert "Trang 2 / 2" in last and 'data-testid="pages-capped"' in last
    assert 'data-testid="pages-capped"' not in html
    plastic = html_of(client.get(url, {"category": "plastic", "page": 2}))
    assert "3 điểm nóng" in plastic and 'data-testid="pages-capped"' not in plastic


def test_list_page_query_count_is_bounded(
    demo_areas, client, organiser_client, organiser, django_assert_max_num_queries
):
    for i in range(20):
        hotspot = verified(i, organiser)
        services.hotspot_add_photos(hotspot=hotspot, images=[image()])
    for who in (client, organiser_client):
        with django_assert_max_num_queries(15):
            html = html_of(who.get(reverse("hotspots:list")))
        assert html.count(CARD) == 20
        assert html.count('class="thumb"') == 20


def scripts_of(html: str) -> str:
    # Every inline script, with or without attributes (the map script has a nonce).
    return "".join(re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S))


def test_list_and_detail_escape_user_text(demo_areas, client, organiser):
    hotspot = verified(0, organiser, description=DANGEROUS)
    for url in (reverse("hotspots:list"), detail(hotspot)):
        html = html_of(client.get(url))
        assert "<script>alert(1)" not in html
        assert "${" not in scripts_of(html)
    list_html = html_of(client.get(reverse("hotspots:list")))
    # The map's scripts and configuration carry no user text: its popups read
    # it from the API into text nodes (tests/browser/test_hotspot_pages.py).
    assert "alert" not in scripts_of(list_html)
    assert "alert" not in str(tilemap_config(list_html))
    assert "&lt;script&gt;alert(1)" in html_of(client.get(detail(hotspot)))


# --- detail -----------------------------------------------------------------------


def test_detail_of_reported_hotspot_is_404_except_for_its_reporter_and_organisers(
    demo_areas, client, resident, resident_client, organiser_client
):
    hotspot = report(0, reporter=resident)
    other = builders.user(username="other")
    other_client = Client()
    other_client.force_login(other)
    assert client.get(detail(hotspot)).status_code == 404
    assert other_client.get(detail(hotspot)).status_code == 404
    assert resident_client.get(detail(hotspot)).status_code == 200
    assert organiser_client.get(detail(hotspot)).status_code == 200


def test_detail_of_rejected_hotspot_is_404_to_the_public(demo_areas, client, organiser):
    hotspot = services.hotspot_reject(hotspot=report(0), actor=organiser, reason="x")
    assert client.get(detail(hotspot)).status_code == 404
    assert client.get(reverse("hotspots:detail", args=[999_999])).status_code == 404


def test_detail_shows_facts_map_and_time_in_ho_chi_minh(demo_areas, client, organiser):
    hotspot = verified(0, organiser, description="Dòng một\nDòng hai")
    services.hotspot_add_photos(hotspot=hotspot, images=[image()])
    html = html_of(client.get(detail(hotspot)))
    photo = HotspotPhoto.objects.get(hotspot=hotspot)
    assert (
        f'href="{photo.image.url}"' in html and f'src="{photo.thumbnail.url}"' in html
    )
    assert "Một túi / bao" in html and "1–10 kg" in html
    assert "Dòng một<br>Dòng hai" in html
    assert "Thành phố Huế" in html and "Đã xác minh" in html
    assert "L.circleMarker(" in html
    assert re.search(r'<time datetime="[0-9T:.-]+\+07:00"', html)
    assert "Tôi cũng thấy điểm này" in html


def test_duplicate_detail_links_to_the_hotspot_it_was_merged_into(
    demo_areas, organiser_client, organiser
):
    kept = report(0)
    duplicate = report(location=at(0, dx_m=20))
    services.hotspot_merge(duplicate=duplicate, into=kept, actor=organiser)
    html = html_of(organiser_client.get(detail(duplicate)))
    assert 'data-testid="duplicate-note"' in html
    assert f'href="{detail(kept)}"' in html


def test_organiser_block_is_absent_for_the_public_and_present_for_organisers(
    demo_areas, client, resident_client, organiser_client, organiser, resident
):
    hotspot = verified(0, organiser, reporter=resident)
    for who in (client, resident_client):
        html = html_of(who.get(detail(hotspot)))
        assert ORGANISER_BLOCK not in html
        assert "Lịch sử" not in html
    html = html_of(organiser_client.get(detail(hotspot)))
    block = html[html.index(ORGANISER_BLOCK) :]
    assert "reporter-dan" in block  # the reporter, for organisers only
    assert "Khối lượng × loại" in block  # the score breakdown
    assert "Xác minh" in block and "btc" in block  # history: action and actor
    assert "Mới báo cáo → Đã xác minh" in block
    assert reverse("hotspots:queue") in block


def test_reporter_identity_and_contact_never_reach_public_pages(
    demo_areas, client, resident_client, organiser_client, organiser
):
    anonymous_report = report(
        0,
        contact=services.Contact(name=CONTACT_NAME, phone=PHONE, email=EMAIL),
        contact_consent=True,
    )
    services.hotspot_verify(hotspot=anonymous_report, actor=organiser)
    pages = [reverse("hotspots:list"), detail(anonymous_report)]
    for who in (client, resident_client):
        for url in pages:
            html = html_of(who.get(url))
            for secret in (EMAIL, PHONE, CONTACT_NAME):
                assert secret not in html, (url, secret)
    # Organisers do see it, in their block.
    block = html_of(organiser_client.get(detail(anonymous_report)))
    assert EMAIL in block and PHONE in block and CONTACT_NAME in block


def test_reporter_name_is_not_on_public_detail(demo_areas, client, organiser, resident):
    hotspot = verified(0, organiser, reporter=resident)
    assert "reporter-dan" not in html_of(client.get(detail(hotspot)))


# --- confirming ------------------------------------------------------------------


def test_anonymous_confirm_via_page_counts_once_per_browser(
    demo_areas, client, organiser
):
    hotspot = verified(0, organiser)
    first = client.post(detail(hotspot), {"action": "confirm"}, follow=True)
    second = client.post(detail(hotspot), {"action": "confirm"}, follow=True)
    hotspot.refresh_from_db()
    assert hotspot.confirmation_count == 1
    assert Confirmation.objects.filter(hotspot=hotspot).count() == 1
    assert "Cảm ơn bạn đã xác nhận điểm nóng này." in html_of(first)
    assert "Bạn đã xác nhận điểm nóng này rồi." in html_of(second)
    # Another browser is another person.
    Client().post(detail(hotspot), {"action": "confirm"})
    hotspot.refresh_from_db()
    assert hotspot.confirmation_count == 2
    assert (
        HotspotHistory.objects.filter(hotspot=hotspot, action=Action.CONFIRM).count()
        == 2
    )


def test_signed_in_confirm_counts_once(demo_areas, resident_client, organiser):
    hotspot = verified(0, organiser)
    resident_client.post(detail(hotspot), {"action": "confirm"})
    resident_client.post(detail(hotspot), {"action": "confirm"})
    hotspot.refresh_from_db()
    assert hotspot.confirmation_count == 1


def test_reporter_cannot_confirm_own_hotspot(
    demo_areas, resident_client, resident, organiser
):
    hotspot = verified(0, organiser, reporter=resident)
    response = resident_client.post(detail(hotspot), {"action": "confirm"}, follow=True)
    hotspot.refresh_from_db()
    assert hotspot.confirmation_count == 0
    assert "Bạn không thể tự xác nhận báo cáo của mình." in html_of(response)
    assert "Tôi cũng thấy điểm này" not in html_of(response)


def test_confirming_a_cleaned_hotspot_shows_the_error(demo_areas, client, organiser):
    hotspot = services.hotspot_mark_cleaned(
        hotspot=verified(0, organiser), actor=organiser
    )
    response = client.post(detail(hotspot), {"action": "confirm"}, follow=True)
    hotspot.refresh_from_db()
    assert hotspot.confirmation_count == 0
    assert "Chỉ có thể xác nhận điểm nóng chưa được thu gom." in html_of(response)


def test_confirm_needs_the_action_and_a_visible_hotspot(demo_areas, client, organiser):
    hotspot = verified(0, organiser)
    assert client.post(detail(hotspot), {"action": "delete"}).status_code == 400
    assert client.post(detail(report(1)), {"action": "confirm"}).status_code == 404
    hotspot.refresh_from_db()
    assert hotspot.confirmation_count == 0


# --- the organisers' queue ----------------------------------------------------------


def test_queue_is_for_organisers_only(
    demo_areas, client, resident_client, organiser_client
):
    hotspot = report(0)
    url = reverse("hotspots:queue")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login") + "?next=")
    assert resident_client.get(url).status_code == 403
    assert organiser_client.get(url).status_code == 200
    # The actions too.
    assert client.post(action_url(hotspot, "verify")).status_code == 302
    assert resident_client.post(action_url(hotspot, "verify")).status_code == 403
    hotspot.refresh_from_db()
    assert hotspot.status == Status.REPORTED


def test_queue_lists_what_needs_attention_by_default(
    demo_areas, organiser_client, organiser
):
    waiting = report(0)
    nearby = report(location=at(0, dx_m=20))
    done = verified(1, organiser)
    url = reverse("hotspots:queue")
    html = html_of(organiser_client.get(url))
    assert f'data-hotspot="{waiting.pk}"' in html
    assert f'data-hotspot="{nearby.pk}"' in html
    assert f'data-hotspot="{done.pk}"' not in html
    # Each lists the other as a merge candidate within the duplicate radius.
    assert f'<option value="{nearby.pk}">' in html
    assert f'<option value="{waiting.pk}">' in html
    assert "Khối lượng × loại" in html  # the score breakdown
    html = html_of(organiser_client.get(url, {"status": "verified"}))
    assert f'data-hotspot="{done.pk}"' in html
    assert f'data-hotspot="{waiting.pk}"' not in html
    html = html_of(organiser_client.get(url, {"status": "bogus"}))
    assert f'data-hotspot="{waiting.pk}"' in html
    assert f'data-hotspot="{done.pk}"' not in html


def test_queue_verify_records_history_and_returns_to_the_filtered_queue(
    demo_areas, organiser_client, organiser
):
    hotspot = report(0)
    back = reverse("hotspots:queue") + "?status=reported"
    response = organiser_client.post(
        action_url(hotspot, "verify"), {"reason": "Đã đến tận nơi", "next": back}
    )
    assert response.status_code == 302 and response["Location"] == back
    hotspot.refresh_from_db()
    assert hotspot.status == Status.VERIFIED
    entry = HotspotHistory.objects.get(hotspot=hotspot, action=Action.VERIFY)
    assert (entry.actor, entry.reason) == (organiser, "Đã đến tận nơi")
    page = html_of(organiser_client.get(back))
    assert f"Đã xác minh điểm nóng #{hotspot.pk}." in page


def test_queue_ignores_an_offsite_next(demo_areas, organiser_client):
    hotspot = report(0)
    response = organiser_client.post(
        action_url(hotspot, "verify"), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("hotspots:queue")


def test_queue_reject_needs_a_reason_and_otherwise_changes_nothing(
    demo_areas, organiser_client, organiser
):
    hotspot = report(0)
    response = organiser_client.post(
        action_url(hotspot, "reject"), {"reason": "  "}, follow=True
    )
    assert "Cần ghi lý do từ chối." in html_of(response)
    hotspot.refresh_from_db()
    assert hotspot.status == Status.REPORTED
    assert not HotspotHistory.objects.filter(hotspot=hotspot, action=Action.REJECT)

    organiser_client.post(action_url(hotspot, "reject"), {"reason": "Ảnh không rõ"})
    hotspot.refresh_from_db()
    assert hotspot.status == Status.REJECTED
    entry = HotspotHistory.objects.get(hotspot=hotspot, action=Action.REJECT)
    assert (entry.actor, entry.reason, entry.from_status) == (
        organiser,
        "Ảnh không rõ",
        Status.REPORTED,
    )


def test_queue_merge_moves_photos_and_confirmations(
    demo_areas, organiser_client, organiser, resident
):
    kept = report(0, images=[image()])
    duplicate = report(
        location=at(0, dx_m=20),
        reporter=resident,
        images=[image((0, 0, 200)), image((0, 200, 0))],
    )
    services.hotspot_confirm(hotspot=kept, anon_key="browser-a")
    services.hotspot_confirm(hotspot=duplicate, anon_key="browser-a")  # same person
    services.hotspot_confirm(hotspot=duplicate, anon_key="browser-b")
    response = organiser_client.post(
        action_url(duplicate, "merge"), {"into": kept.pk, "reason": "Cùng một bãi"}
    )
    assert response.status_code == 302
    duplicate.refresh_from_db()
    kept.refresh_from_db()
    assert (duplicate.status, duplicate.duplicate_of_id) == (Status.DUPLICATE, kept.pk)
    assert HotspotPhoto.objects.filter(hotspot=kept).count() == 3
    assert HotspotPhoto.objects.filter(hotspot=duplicate).count() == 0
    # browser-a once, browser-b, and the duplicate's reporter.
    assert kept.confirmation_count == 3
    assert Confirmation.objects.filter(hotspot=kept).count() == 3
    merge = HotspotHistory.objects.get(hotspot=duplicate, action=Action.MERGE)
    assert (merge.actor, merge.details["into"]) == (organiser, kept.pk)
    assert HotspotHistory.objects.filter(hotspot=kept, action=Action.ABSORB).exists()


def test_queue_merge_by_number_and_refusals(demo_areas, organiser_client, organiser):
    kept = verified(5, organiser)
    duplicate = report(0)
    for data, message in [
        ({}, "Hãy chọn hoặc nhập điểm nóng để gộp vào."),
        ({"into_id": 999_999}, "Không tìm thấy điểm nóng để gộp vào."),
        ({"into_id": duplicate.pk}, "Không thể gộp điểm nóng vào chính nó."),
    ]:
        response = organiser_client.post(
            action_url(duplicate, "merge"), data, follow=True
        )
        assert message in html_of(response)
    duplicate.refresh_from_db()
    assert duplicate.status == Status.REPORTED
    organiser_client.post(action_url(duplicate, "merge"), {"into_id": kept.pk})
    duplicate.refresh_from_db()
    assert duplicate.duplicate_of_id == kept.pk


def test_queue_priority_on_and_off(demo_areas, organiser_client, organiser):
    hotspot = report(0)
    before = hotspot.score
    organiser_client.post(action_url(hotspot, "priority"), {"priority": "1"})
    hotspot.refresh_from_db()
    assert hotspot.priority is True and hotspot.score > before
    organiser_client.post(
        action_url(hotspot, "priority"), {"priority": "0", "reason": "Đã xử lý"}
    )
    hotspot.refresh_from_db()
    assert hotspot.priority is False and hotspot.score == before
    entries = HotspotHistory.objects.filter(hotspot=hotspot, action=Action.PRIORITY)
    assert [e.details["priority"] for e in entries] == [True, False]
    assert all(e.actor == organiser for e in entries)


def test_queue_correct_changes_category_size_and_location(
    demo_areas, organiser_client, organiser
):
    hotspot = report(0, category="household")
    response = organiser_client.post(
        action_url(hotspot, "correct"),
        {
            "category": "plastic",
            "size_class": "cart",
            "lon": "107.6001",
            "lat": "16.4601",
            "reason": "Xem ảnh",
        },
        follow=True,
    )
    assert f"Đã sửa thông tin điểm nóng #{hotspot.pk}." in html_of(response)
    hotspot.refresh_from_db()
    assert (hotspot.category, hotspot.size_class.key) == ("plastic", "cart")
    assert hotspot.location.coords == pytest.approx((107.6001, 16.4601))
    entry = HotspotHistory.objects.get(hotspot=hotspot, action=Action.CORRECT)
    assert entry.actor == organiser
    assert entry.details["category"] == ["household", "plastic"]
    assert entry.details["size_class"] == ["bag", "cart"]


@pytest.mark.parametrize(
    ("lon", "lat", "message"),
    [
        ("105.0", "16.46", "nằm ngoài vùng phục vụ"),
        ("nan", "16.46", "phải là một số hữu hạn"),
        ("abc", "16.46", "phải là một số"),
        ("107.6", "", "Cần nhập cả kinh độ và vĩ độ"),
    ],
)
def test_queue_correct_refuses_bad_coordinates(
    demo_areas, organiser_client, lon, lat, message
):
    hotspot = report(0, category="household")
    response = organiser_client.post(
        action_url(hotspot, "correct"),
        {"category": "plastic", "lon": lon, "lat": lat},
        follow=True,
    )
    assert message in html_of(response)
    hotspot.refresh_from_db()
    assert hotspot.category == "household"
    assert hotspot.location.coords == pytest.approx((HUE_LON, HUE_LAT))
    assert not HotspotHistory.objects.filter(hotspot=hotspot, action=Action.CORRECT)


def test_queue_action_shows_lifecycle_errors(demo_areas, organiser_client, organiser):
    hotspot = verified(0, organiser)
    response = organiser_client.post(action_url(hotspot, "verify"), follow=True)
    assert "Không thể chuyển điểm nóng" in html_of(response)
    assert (
        HotspotHistory.objects.filter(hotspot=hotspot, action=Action.VERIFY).count()
        == 1
    )


def test_queue_action_unknown_is_404_and_get_is_405(demo_areas, organiser_client):
    hotspot = report(0)
    assert organiser_client.post(action_url(hotspot, "delete")).status_code == 404
    assert organiser_client.get(action_url(hotspot, "verify")).status_code == 405
    missing = reverse("hotspots:queue-action", args=[999_999, "verify"])
    assert organiser_client.post(missing).status_code == 404
    hotspot.refresh_from_db()
    assert hotspot.status == Status.REPORTED


def test_queue_action_needs_the_csrf_token(demo_areas, organiser):
    hotspot = report(0)
    client = Client(enforce_csrf_checks=True)
    client.force_login(organiser)
    assert client.post(action_url(hotspot, "verify")).status_code == 403
    hotspot.refresh_from_db()
    assert hotspot.status == Status.REPORTED
