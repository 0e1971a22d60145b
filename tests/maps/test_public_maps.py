"""The public hotspot map, the IOC heatmap and a team's coverage map.

Request -> response on the real PostGIS test database; the folium script in the
page is read as text (what the browser would run).
"""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from hotspots import services
from hotspots.models import Hotspot, HotspotPhoto, SizeClass, Status
from maps import public_map, selectors
from maps.layers import popup_html

from .conftest import (
    DANGEROUS,
    MEMBER_NAMES,
    approve,
    at,
    client_for,
    log,
    report,
    route_near,
    user,
)

PUBLIC = reverse("maps:public")
HEATMAP = reverse("maps:heatmap")


def markers_in(html: str) -> int:
    return html.count("L.circleMarker(")


def heat_points(html: str) -> list:
    """Return the [lat, lon, weight] list passed to L.heatLayer in the page."""
    match = re.search(r"L\.heatLayer\(\s*(\[.*?\]\])", html, re.S)
    return json.loads(match.group(1)) if match else []


# --- popups ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kept"),
    [
        ("/media/photos/t.jpg", True),
        ("//evil.example/x.jpg", False),
        ("https://evil.example/x.jpg", False),
        ("javascript:alert(1)", False),
    ],
)
def test_popup_html_keeps_only_our_own_image_paths(url, kept):
    html = popup_html(["#1"], thumbnail_url=url, thumbnail_alt="a")
    assert ("<img" in html) is kept
    assert "evil" not in html and "javascript" not in html


def test_public_map_shows_hostile_description_only_as_escaped_text(
    demo_areas, client, verified, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    hotspot = verified(0, description=DANGEROUS)
    HotspotPhoto.objects.create(
        hotspot=hotspot,
        image="photos/abc.jpg",
        thumbnail="photos/abc-thumb.jpg",
        width=80,
        height=60,
    )
    response = client.get(PUBLIC)
    html = response.content.decode()
    assert response.status_code == 200
    assert markers_in(html) == 1
    # None of the raw hostile forms; only their escaped forms.
    assert "${alert(1)}" not in html and "${x}" not in html
    assert "<script>alert(1)" not in html and "\\u{zz}" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&#96;&#36;{alert(1)}&#96;" in html
    # Category, size, status, date and our own thumbnail in the tooltip.
    assert "Rác thải nhựa" in html and "Một túi / bao" in html
    assert "Đã xác minh" in html and "Báo cáo ngày" in html
    assert 'class="map-thumb" src="/media/photos/abc-thumb.jpg"' in html


def test_public_map_shows_public_statuses_only(demo_areas, client, verified):
    verified(0)
    report(1)  # reported, not verified: not public
    rejected = report(2)
    Hotspot.objects.filter(pk=rejected.pk).update(status=Status.REJECTED)
    html = client.get(PUBLIC).content.decode()
    assert markers_in(html) == 1
    assert 'data-testid="legend"' in html and 'data-testid="legend-status"' in html
    assert 'data-testid="approximate-note"' in html  # demo boundaries


def test_public_map_filters_by_category_status_priority_area_and_period(
    demo_areas, client, verified, organiser
):
    verified(0, category="plastic")
    verified(1, category="household")
    priority = verified(2, category="plastic")
    services.hotspot_set_priority(
        hotspot=priority, actor=organiser, priority=True, reason="gần trường"
    )
    cleaned = verified(3, category="plastic")
    Hotspot.objects.filter(pk=cleaned.pk).update(status=Status.CLEANED)
    old = verified(4, category="plastic")
    long_ago = dt.datetime(2020, 1, 5, 3, 0, tzinfo=dt.UTC)
    Hotspot.objects.filter(pk=old.pk).update(created_at=long_ago)
    hue = Hotspot.objects.get(pk=old.pk).areas.filter(level="district").get()

    def count(**params) -> int:
        response = client.get(PUBLIC, params)
        assert response.status_code == 200
        return markers_in(response.content.decode())

    assert count() == 5
    assert count(category="plastic") == 4
    assert count(category="household") == 1
    assert count(status="cleaned") == 1
    assert count(priority="1") == 1
    assert count(priority="0") == 4
    assert count(area=hue.pk) == 5
    assert count(since="2021-01-01") == 4
    assert count(until="2020-01-05") == 1
    assert count(since="2020-01-06", until="2020-12-31") == 0
    # Nonsense is ignored, never a 500.
    assert count(category="<b>", area="x", since="yesterday", status="rejected") == 5


def test_public_map_clusters_dense_markers_from_local_assets(
    demo_areas, client, verified, monkeypatch
):
    verified(0)
    verified(1)
    html = client.get(PUBLIC).content.decode()
    assert "L.markerClusterGroup(" not in html
    monkeypatch.setattr(public_map, "PUBLIC_CLUSTER_FROM", 1)
    html = client.get(PUBLIC).content.decode()
    assert "L.markerClusterGroup(" in html and markers_in(html) == 2
    assert "/static/vendor/leaflet.markercluster/leaflet.markercluster.js" in html
    assert "cdnjs" not in html and "jsdelivr" not in html


def test_public_map_caps_markers_and_says_so(demo_areas, client, verified, monkeypatch):
    for i in range(3):
        verified(i)
    monkeypatch.setattr(public_map, "PUBLIC_MARKER_CAP", 2)
    html = client.get(PUBLIC).content.decode()
    assert markers_in(html) == 2
    assert 'data-testid="map-capped"' in html and "3 điểm nóng" in html


# --- heatmap ------------------------------------------------------------------------


def test_heatmap_is_for_ioc_and_organisers(demo_areas, client, organiser):
    anonymous = client.get(HEATMAP)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]
    assert client_for(user("dan", "resident")).get(HEATMAP).status_code == 403
    assert client_for(user("giamkhao", "judge")).get(HEATMAP).status_code == 403
    assert client_for(user("ioc", "ioc")).get(HEATMAP).status_code == 200
    assert client_for(organiser).get(HEATMAP).status_code == 200


def test_heatmap_sends_every_point_below_the_limit(demo_areas, verified, organiser):
    for i in range(4):
        verified(i)
    report(5)  # not verified yet: still pollution for the IOC
    html = client_for(organiser).get(HEATMAP).content.decode()
    points = heat_points(html)
    assert len(points) == 5
    assert "hiển thị từng điểm" in html
    assert "/static/vendor/leaflet.heat/leaflet-heat.js" in html
    assert "jsdelivr" not in html


def test_heatmap_aggregates_on_the_server_above_the_limit(
    demo_areas, verified, organiser, settings
):
    settings.HEATMAP_POINT_LIMIT = 3
    for i in range(10):  # ten points in a row, 0.002° apart
        verified(i, size="bag" if i % 2 else "several_bags")
    html = client_for(organiser).get(HEATMAP).content.decode()
    points = heat_points(html)
    assert "đã gộp trên máy chủ" in html and "ô lưới cạnh khoảng" in html
    assert 0 < len(points) <= 3 < Hotspot.objects.count()
    # The grid keeps every kilogram: the cells sum to the hotspots' estimated kg.
    heat = selectors.heat(source="hotspots", limit=3)
    expected = sum(
        SizeClass.objects.get(pk=h.size_class_id).estimated_kg
        for h in Hotspot.objects.all()
    )
    assert heat.aggregated and heat.cell_deg > 0
    assert sum(kg for _lon, _lat, kg in heat.points) == pytest.approx(expected)
    assert heat.total_kg == pytest.approx(expected)


def test_heatmap_switches_to_verified_cleanup_kilograms_by_day(contest):
    campaign, rep, entrant, judge = contest
    counted = log(entrant, rep, kg=40, hours_ago=30)
    approve(counted, judge)
    log(entrant, rep, kg=900, hours_ago=60)  # not judged: no verified kg
    ioc = client_for(user("ioc", "ioc"))
    html = ioc.get(HEATMAP, {"source": "cleanups"}).content.decode()
    points = heat_points(html)
    assert len(points) == 1 and points[0][2] == 1.0
    assert "Tổng 40 kg" in html
    day = counted.started_at.astimezone(selectors.CONTEST_TZ).date()
    same_day = ioc.get(
        HEATMAP, {"source": "cleanups", "unit": "day", "period": day.isoformat()}
    ).content.decode()
    assert len(heat_points(same_day)) == 1
    other = campaign.activity_start.isoformat()
    assert other != day.isoformat()
    other_day = ioc.get(
        HEATMAP, {"source": "cleanups", "unit": "day", "period": other}
    ).content.decode()
    assert heat_points(other_day) == [] and "Tổng 0 kg" in other_day
    week = ioc.get(HEATMAP, {"unit": "week"}).content.decode()
    assert "Tuần 1" in week and "Tuần 3" in week  # 21 days: three weeks


# --- a team's coverage ---------------------------------------------------------------------


def test_entrant_map_access(contest, client):
    campaign, rep, entrant, judge = contest
    url = reverse("maps:entrant", args=[entrant.pk])
    assert client.get(url).status_code == 302
    assert client_for(user("dan", "resident")).get(url).status_code == 403
    assert client_for(user("ioc", "ioc")).get(url).status_code == 403
    assert client_for(rep).get(url).status_code == 200
    assert client_for(judge).get(url).status_code == 200
    assert client_for(user("tk", "secretary")).get(url).status_code == 200
    assert client.get(reverse("maps:entrant", args=[9999])).status_code == 404


def test_entrant_map_shows_events_routes_hotspots_areas_and_numbers_not_names(
    contest, verified
):
    campaign, rep, entrant, judge = contest
    place = at(3)
    claimed = verified(3)
    first = log(
        entrant,
        rep,
        kg=40,
        location=place,
        hotspot_ids=[claimed.pk],
        route=route_near(place),
        title="Vớt rác <b>sông</b> `${alert(1)}`",
    )
    approve(first, judge)
    log(entrant, rep, kg=25, hours_ago=50)  # submitted: counts, no verified kg
    url = reverse("maps:entrant", args=[entrant.pk])
    for viewer in (rep, judge):
        html = client_for(viewer).get(url).content.decode()
        for name in MEMBER_NAMES:
            assert name not in html
        # In the map script only escaped forms; in the table, Django's escaping.
        script = html[html.rindex("<script>") :]
        assert "${alert(1)}" not in script and "&#96;&#36;{alert(1)}" in script
        assert "<b>sông</b>" not in html and "&lt;b&gt;sông" in html
        assert 'data-testid="fig-events">2<' in html
        assert 'data-testid="fig-kg">40 kg<' in html
        assert 'data-testid="fig-participants">4<' in html
        assert 'data-testid="fig-areas">1<' in html
        assert 'data-testid="fig-hotspots">1<' in html
        assert html.count('"LineString"') == 1  # the route
        assert "Thành phố Huế" in html  # the covered area, outlined
