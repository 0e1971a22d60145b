"""The hotspot marker presenter (maps.markers): plain rows in, markers out."""

import datetime as dt

import pytest
from django.utils import translation

from maps.markers import (
    CONFIRMATIONS,
    DESCRIPTION,
    PRIORITY,
    REPORTED_ON,
    SIZE,
    SIZE_STATUS,
    STATUS,
    hotspot_markers,
)
from maps.rows import HotspotRow

ROW = HotspotRow(
    id=7,
    lon=107.59,
    lat=16.46,
    category="plastic",
    status="cleaned",
    score=12.5,
    priority=True,
    size_label="Một túi / bao",
    size_label_en="One bag",
    description="x" * 100,
    created_at=dt.datetime(2024, 6, 1, 17, 30, tzinfo=dt.UTC),  # 2 June in Huế
    confirmation_count=3,
    thumbnail="photos/t.jpg",
)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ((), ()),
        ((SIZE,), ("Một túi / bao",)),
        ((STATUS,), ("Đã thu gom",)),
        ((SIZE_STATUS,), ("Một túi / bao · Đã thu gom",)),
        ((CONFIRMATIONS, PRIORITY), ("3 xác nhận", "Ưu tiên")),
        ((REPORTED_ON,), ("Báo cáo ngày 02/06/2024",)),
        ((DESCRIPTION,), ("x" * 79 + "…",)),
    ],
)
def test_tooltip_is_the_title_then_the_lines_asked_for(lines, expected):
    with translation.override("vi"):
        (marker,) = hotspot_markers([ROW], lines=lines)
    assert marker.lines == ("#7 · Rác thải nhựa", *expected)


def test_empty_lines_are_left_out_and_a_marker_keeps_its_style_data(settings):
    settings.MEDIA_URL = "/media/"
    plain = HotspotRow(id=8, lon=1.0, lat=2.0, category="other", status="verified")
    with translation.override("vi"):
        marker, other = hotspot_markers([ROW, plain], lines=(PRIORITY, DESCRIPTION))
    assert other.lines == ("#8 · Khác",)
    assert (marker.lon, marker.lat, marker.score, marker.priority) == (
        107.59,
        16.46,
        12.5,
        True,
    )
    assert marker.status == "cleaned"
    assert marker.thumbnail_url == "/media/photos/t.jpg"
    assert other.thumbnail_url == ""


def test_size_label_follows_the_language():
    with translation.override("en"):
        (marker,) = hotspot_markers([ROW], lines=(SIZE,))
    assert marker.lines[1] == "One bag"
