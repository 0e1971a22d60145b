"""'Báo cáo của tôi': a resident's own reports, the follow link's status as JSON,
and what the follow page keeps on the device. Request -> response, on PostGIS."""

import datetime as dt
import json
import re

from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hotspots import services
from hotspots.models import Hotspot, HotspotHistory, Status
from hotspots.selectors import (
    MY_REPORTS_PAGE_SIZE,
    follow_summary,
    hotspot_get_by_follow_token,
    hotspot_reports_of,
)
from tests import builders

CONTACT = services.Contact(
    name="Nguyễn Thị Lan Bíẩn", phone="0905123999", email="lan.bimat@example.vn"
)
SUMMARY_KEYS = {
    "status",
    "status_label",
    "category",
    "category_label",
    "created_at",
    "created_display",
    "public_url",
    "history",
}
LINE_KEYS = {"action", "label", "status_label", "at", "at_display"}
DATE_TIME = re.compile(r"^\d{2}/\d{2}/\d{4} \d{2}:\d{2}$")


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def status_url(hotspot: Hotspot) -> str:
    return reverse("hotspots:follow-status", args=[hotspot.follow_token])


def test_reports_are_read_by_an_index_on_the_reporter(db):
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(
            cursor, Hotspot._meta.db_table
        )
    indexed = [c["columns"] for c in constraints.values() if c["index"]]
    assert ["reporter_id"] in indexed


def test_resident_sees_own_reports_with_status_history_and_follow_link(
    demo_areas, organiser
):
    lan = builders.user(username="lan")
    other = builders.user(username="minh")
    kept = builders.hotspot(location=builders.at(0), status=Status.VERIFIED)
    merged = builders.hotspot(location=builders.at(1), reporter=lan)
    services.hotspot_merge(duplicate=merged, into=kept, actor=organiser)
    rejected = builders.hotspot(location=builders.at(2), reporter=lan)
    services.hotspot_reject(
        hotspot=rejected, actor=organiser, reason="Ảnh không rõ điểm rác"
    )
    cleaned = builders.hotspot(
        location=builders.at(3),
        category="water_hyacinth",
        status=Status.CLEANED,
        reporter=lan,
    )
    theirs = builders.hotspot(location=builders.at(4), reporter=other)

    response = logged_in(lan).get(reverse("hotspots:mine"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    html = response.content.decode()
    assert html.count('data-testid="my-report"') == 3
    assert f"#{theirs.pk} " not in html and str(theirs.follow_token) not in html
    # Newest first; each with its follow link and a share button.
    order = [html.index(f"#{h.pk} · ") for h in (cleaned, rejected, merged)]
    assert order == sorted(order)
    for hotspot in (cleaned, rejected, merged):
        assert reverse("hotspots:follow", args=[hotspot.follow_token]) in html
    assert html.count('data-testid="share-button"') == 3
    assert "Bèo lục bình" in html and "Đã thu gom" in html
    assert "Bị từ chối" in html and "Ảnh không rõ điểm rác" in html
    assert (
        "Trùng lặp" in html and f'href="{kept.get_absolute_url()}">#{kept.pk}' in html
    )
    created = timezone.localtime(cleaned.created_at).strftime("%d/%m/%Y %H:%M")
    assert f"Báo cáo lúc {created}" in html
    # The organiser who acted is never named.
    assert organiser.username not in html.split("</nav>", 1)[1]


def test_my_reports_are_paginated(demo_areas):
    lan = builders.user(username="lan")
    for i in range(MY_REPORTS_PAGE_SIZE + 1):
        builders.hotspot(location=builders.at(i), reporter=lan)
    client = logged_in(lan)
    first = client.get(reverse("hotspots:mine")).content.decode()
    second = client.get(reverse("hotspots:mine"), {"page": 2}).content.decode()
    assert first.count('data-testid="my-report"') == MY_REPORTS_PAGE_SIZE
    assert second.count('data-testid="my-report"') == 1
    assert "Trang 2 / 2" in second
    oldest = Hotspot.objects.order_by("created_at", "id").first()
    assert f"#{oldest.pk} · " in second


def test_my_reports_page_reads_a_fixed_number_of_queries(
    demo_areas, organiser, django_assert_max_num_queries
):
    lan = builders.user(username="lan")
    for i in range(5):
        builders.hotspot(location=builders.at(i), reporter=lan, status=Status.VERIFIED)
    client = logged_in(lan)
    client.get(reverse("hotspots:mine"))  # warm the session
    with django_assert_max_num_queries(8):
        client.get(reverse("hotspots:mine"))


def test_reports_confirmed_are_listed_too(demo_areas):
    lan = builders.user(username="lan")
    theirs = builders.hotspot(location=builders.at(0))
    services.hotspot_confirm(hotspot=theirs, user=lan)
    html = logged_in(lan).get(reverse("hotspots:mine")).content.decode()
    confirmed = html[html.index('data-testid="confirmed-reports"') :]
    assert f"#{theirs.pk} · Rác thải nhựa · Mới báo cáo" in confirmed
    assert str(theirs.follow_token) not in html  # not theirs to follow


def test_anonymous_visitor_gets_the_device_list_only(demo_areas):
    builders.hotspot(location=builders.at(0))
    response = Client().get(reverse("hotspots:mine"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-testid="server-reports"' not in html
    assert 'data-testid="device-reports"' in html
    assert 'id="myreports-config"' in html and "js/myreports.js" in html
    assert 'data-testid="sign-in-hint"' in html


def test_follow_status_json_has_public_safe_fields_only(demo_areas, organiser):
    lan = builders.user(username="lan", email="lan.taikhoan@example.vn")
    hotspot = services.hotspot_report(
        location=builders.point(107.5873917, 16.4581733),
        category="plastic",
        size_class=builders.SizeClass.objects.get(key="bag"),
        description="Sau nhà số 12 Bíẩn",
        reporter=lan,
        contact=CONTACT,
        contact_consent=True,
    ).hotspot
    services.hotspot_verify(hotspot=hotspot, actor=organiser, reason="Ghi chú nội bộ")
    response = Client().get(status_url(hotspot))
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Referrer-Policy"] == "no-referrer"
    data = response.json()
    assert set(data) == SUMMARY_KEYS
    assert (data["status"], data["status_label"]) == ("verified", "Đã xác minh")
    assert data["category_label"] == "Rác thải nhựa"
    assert DATE_TIME.match(data["created_display"])
    assert data["public_url"] == hotspot.get_absolute_url()
    assert [line["action"] for line in data["history"]] == ["report", "verify"]
    assert all(set(line) == LINE_KEYS for line in data["history"])
    body = response.content.decode()
    for secret in (
        CONTACT.name,
        CONTACT.phone,
        CONTACT.email,
        lan.username,
        lan.email,
        organiser.username,
        "107.58739",
        "16.45817",
        "Sau nhà số 12",
        "Ghi chú nội bộ",
        str(hotspot.follow_token),
    ):
        assert secret not in body, secret


def test_follow_status_of_a_merged_report_names_a_public_target_only(
    demo_areas, organiser
):
    hidden_target = builders.hotspot(location=builders.at(0))
    duplicate = builders.hotspot(location=builders.at(1))
    services.hotspot_merge(duplicate=duplicate, into=hidden_target, actor=organiser)
    line = Client().get(status_url(duplicate)).json()["history"][-1]
    assert line["action"] == "merge" and set(line) == LINE_KEYS
    services.hotspot_verify(hotspot=hidden_target, actor=organiser)
    line = Client().get(status_url(duplicate)).json()["history"][-1]
    assert (line["into"], line["into_url"]) == (
        hidden_target.pk,
        hidden_target.get_absolute_url(),
    )


def test_follow_status_of_an_unknown_token_is_404_in_the_error_shape(db):
    response = Client().get(
        reverse("hotspots:follow-status", args=["5d0c4b9e-3a61-4f7e-9a55-0e1b2c3d4e5f"])
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_timeline_leaves_out_corrections_and_confirmations(demo_areas, organiser):
    hotspot = builders.hotspot(location=builders.at(0))
    services.hotspot_confirm(hotspot=hotspot, user=builders.user(username="minh"))
    services.hotspot_set_priority(
        hotspot=hotspot, actor=organiser, priority=True, reason="Gần trường học"
    )
    assert HotspotHistory.objects.filter(hotspot=hotspot).count() == 3
    summary = follow_summary(hotspot_get_by_follow_token(hotspot.follow_token))
    assert [line["action"] for line in summary["history"]] == ["report"]
    assert "Gần trường học" not in json.dumps(summary, ensure_ascii=False)


def test_follow_page_keeps_its_link_on_the_device_and_offers_sharing(demo_areas):
    hotspot = builders.hotspot(location=builders.at(0), category="household")
    response = Client().get(reverse("hotspots:follow", args=[hotspot.follow_token]))
    html = response.content.decode()
    config = re.search(
        r'<script id="follow-device-config" type="application/json">(.*?)</script>',
        html,
    )
    device = json.loads(config.group(1))
    assert device["token"] == str(hotspot.follow_token)
    assert device["category"] == "Rác sinh hoạt / hỗn hợp"
    assert DATE_TIME.match(device["created"])
    assert set(device) == {"token", "category", "created", "lang"}
    assert 'data-testid="share-button"' in html and "js/myreports.js" in html
    assert "Đường dẫn này là bí mật" in html


def test_selector_orders_newest_first(demo_areas):
    lan = builders.user(username="lan")
    old = builders.hotspot(location=builders.at(0), reporter=lan)
    new = builders.hotspot(location=builders.at(1), reporter=lan)
    Hotspot.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=3)
    )
    assert [h.pk for h in hotspot_reports_of(lan)] == [new.pk, old.pk]


def test_my_reports_page_speaks_english_when_asked(demo_areas):
    lan = builders.user(username="lan")
    builders.hotspot(location=builders.at(0), reporter=lan)
    client = logged_in(lan)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("hotspots:mine")).content.decode()
    assert "Reports you sent" in html and "Copy the link" in html
    assert "This link is a secret" in html
    assert '"lang": "en"' in html  # the script's words follow
