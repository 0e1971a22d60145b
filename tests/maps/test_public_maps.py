"""The public hotspot map, the IOC heatmap and a team's coverage map.

Request -> response on the real PostGIS test database; the folium script (heatmap,
team map) and the public map's tile configuration are read as the browser would.
"""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from hotspots import services
from hotspots.models import Hotspot, SizeClass, Status
from maps import selectors
from maps.layers import popup_html
from tests.tiles import tilemap_config

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


def shown_total(html: str) -> int:
    match = re.search(r'data-testid="map-count">([\d.,]+) điểm nóng', html)
    return int(match.group(1).replace(".", "").replace(",", ""))


def test_public_map_sends_no_hotspot_text_only_tile_sources(
    demo_areas, client, verified
):
    verified(0, description=DANGEROUS)
    response = client.get(PUBLIC)
    html = response.content.decode()
    assert response.status_code == 200
    # Descriptions reach a popup through the detail API, as text nodes; the
    # page itself carries none (and no markers, no cap).
    assert "alert(1)" not in html and "L.circleMarker(" not in html
    config = tilemap_config(html)
    assert config["hotspots"] == reverse("tiles:tilejson", args=["hotspots"])
    assert config["areas"] == reverse("tiles:tilejson", args=["areas"])
    assert config["detail_api"] == "/api/v1/hotspots/0/"
    assert config["detail_page"] == "/hotspots/0/"
    assert config["labels"]["categories"]["plastic"] == "Rác thải nhựa"
    assert config["labels"]["sizes"]["bag"] == "Một túi / bao"
    # Test settings: no tile server, our own fallback base map.
    assert config["basemap"] is None
    assert config["fallback"]["url"] == reverse("maps:basemap")
    assert "/static/js/basemap.js" in html
    assert "/static/vendor/maplibre-gl/maplibre-gl.js" in html
    assert "/static/js/tilemap.js" in html
    assert "cdn" not in html and "unpkg" not in html and "jsdelivr" not in html


def test_public_map_works_without_a_base_map(demo_areas, client, settings):
    settings.MAP_BASEMAP = "none"
    config = tilemap_config(client.get(PUBLIC).content.decode())
    assert config["basemap"] is None and config["fallback"] is None


def test_public_map_uses_an_intranet_tile_server(demo_areas, client, settings):
    settings.MAP_BASEMAP = ""
    settings.MAP_TILE_URL = "/intranet-tiles/{z}/{x}/{y}.png"
    config = tilemap_config(client.get(PUBLIC).content.decode())
    assert config["basemap"]["tiles"] == "/intranet-tiles/{z}/{x}/{y}.png"
    assert config["fallback"] is None


def test_public_map_counts_public_statuses_only(demo_areas, client, verified):
    verified(0)
    report(1)  # reported, not verified: not public
    rejected = report(2)
    Hotspot.objects.filter(pk=rejected.pk).update(status=Status.REJECTED)
    html = client.get(PUBLIC).content.decode()
    assert shown_total(html) == 1
    assert 'data-testid="legend"' in html and 'data-testid="legend-status"' in html
    assert 'data-testid="approximate-note"' in html  # demo boundaries


def test_public_map_filters_reach_its_count_and_its_tiles(
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
        return shown_total(response.content.decode())

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
    # Nonsense is ignored, never a 500, and never passed on to the tiles.
    nonsense = {"category": "<b>", "area": "x", "since": "yesterday"}
    assert count(**nonsense, status="rejected") == 5
    html = client.get(PUBLIC, {**nonsense, "status": "cleaned"}).content.decode()
    tilejson = tilemap_config(html)["hotspots"]
    assert tilejson.endswith("/tiles/hotspots.json?status=cleaned")
    body = client.get(tilejson).json()
    assert body["tiles"][0].endswith("{y}.mvt?status=cleaned")


def test_public_map_page_costs_the_same_at_any_size(
    demo_areas, client, verified, django_assert_max_num_queries
):
    verified(0)
    with django_assert_max_num_queries(8) as few:
        small = client.get(PUBLIC)
    for i in range(1, 30):
        verified(i)
    with django_assert_max_num_queries(len(few.captured_queries)):
        large = client.get(PUBLIC)
    assert shown_total(large.content.decode()) == 30
    assert abs(len(large.content) - len(small.content)) < 50


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
        script = html[html.rindex("<script nonce=") :]  # the map script
        assert "${alert(1)}" not in script and "&#96;&#36;{alert(1)}" in script
        assert "<b>sông</b>" not in html and "&lt;b&gt;sông" in html
        assert 'data-testid="fig-events">2<' in html
        assert 'data-testid="fig-kg">40 kg<' in html
        assert 'data-testid="fig-participants">4<' in html
        assert 'data-testid="fig-areas">1<' in html
        assert 'data-testid="fig-hotspots">1<' in html
        assert html.count('"LineString"') == 1  # the route
        assert "Thành phố Huế" in html  # the covered area, outlined
