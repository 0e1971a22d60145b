"""Coverage across districts: area_metrics on a built scenario, and the same
numbers in the API, the page table and the CSV export (one computation)."""

import csv
import io
import re
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.urls import reverse
from django.utils import timezone

from events.campaigns.services import (
    campaign_create,
)
from hotspots import services as hotspot_services
from maps import coverage
from maps.rows import AreaMetrics
from maps.selectors import area_metrics
from tests import builders

HUE = (107.59, 16.46)  # inside the demo "Thành phố Huế" (code 474)
PHU_VANG = (107.7077, 16.5097)  # inside "Huyện Phú Vang" (code 478)
SECRETS = (
    "lan@example.vn",  # representative's email
    "0905123456",  # representative's phone, also in an event's notes
    "Nguyễn Thị Lan",  # representative's name
    "Trần Văn Minh",  # a participant
    "Người dân Ngọc Lan",  # a participant
    "Gọi chị Lan",  # an event's notes
    "Đội Sông Hương",  # an entrant that did not consent to publish its name
    "bao.cao@example.vn",  # a hotspot reporter's contact
    "Phan Báo Cáo",  # a hotspot reporter's name
)


def _report(organiser, lonlat, i, *, verify=True, priority=False, clean=False):
    return builders.hotspot(
        location=Point(lonlat[0] + 0.003 * i, lonlat[1], srid=4326),
        description="Bãi rác",
        contact=hotspot_services.Contact(
            name="Phan Báo Cáo", phone="0912345678", email="bao.cao@example.vn"
        ),
        contact_consent=True,
        status="cleaned" if clean else "verified" if verify else "reported",
        priority=priority,
        actor=organiser,
    )


def _event(entrant, lonlat, *, kg, hours_ago):
    return builders.event(
        entrant=entrant,
        location=Point(*lonlat, srid=4326),
        kg=kg,
        hours_ago=hours_ago,
        notes="Gọi chị Lan 0905123456",
    )


def build_scenario():
    """Hotspots in two districts, a campaign with events in every review state.

    Expected (hand-computed):
      Huế:     4 reports (1 rejected) -> reported 3, verified 2, priority 2,
               cleaned 1, share 0.5; events 2 (a third was rejected), verified
               50 (approved) + 20 (adjusted from 30) = 70 kg, participants 4,
               active entrants 1.
      Phú Vang: reported 2, verified 2, priority 1, cleaned 1, share 1.0;
               events 1 (not reviewed: 0 verified kg), participants 2,
               active entrants 1.
    """
    organiser = builders.organiser()
    judge = builders.user(username="bgk", role="judge")
    # Huế
    _report(organiser, HUE, 0, priority=True, clean=True)
    _report(organiser, HUE, 1, priority=True)
    _report(organiser, HUE, 2, verify=False)
    rejected = _report(organiser, HUE, 3, verify=False)
    hotspot_services.hotspot_reject(hotspot=rejected, actor=organiser, reason="Sai")
    # Phú Vang
    _report(organiser, PHU_VANG, 0)
    _report(organiser, PHU_VANG, 1, priority=True, clean=True)

    campaign = builders.campaign()
    a, b = (
        builders.entrant(
            campaign=campaign,
            username=username,
            name=name,
            email=email,
            publish=publish,
            approved_by=organiser,
        )
        for username, name, email, publish in (
            ("lan", "Đội Sông Hương", "lan@example.vn", False),
            ("hoa", "Đội Phá Tam Giang", "hoa@example.vn", True),
        )
    )
    approved = _event(a, HUE, kg=50, hours_ago=30)
    adjusted = _event(a, HUE, kg=30, hours_ago=60)
    rejected_event = _event(b, HUE, kg=40, hours_ago=90)
    _event(b, PHU_VANG, kg=25, hours_ago=120)  # not reviewed
    builders.decision(event=approved, judge=judge)
    builders.decision(
        event=adjusted,
        judge=judge,
        verdict="adjust",
        reason="Cân lại",
        weight_kg=20,
        method="measured",
    )
    builders.decision(
        event=rejected_event, judge=judge, verdict="reject", reason="Ảnh cũ"
    )
    return campaign


EXPECTED = {
    "474": dict(
        hotspots_reported=3,
        hotspots_verified=2,
        hotspots_priority=2,
        hotspots_cleaned=1,
        priority_cleaned_share=0.5,
        events=2,
        verified_kg=Decimal("70.00"),
        participants=4,
        active_entrants=1,
    ),
    "478": dict(
        hotspots_reported=2,
        hotspots_verified=2,
        hotspots_priority=1,
        hotspots_cleaned=1,
        priority_cleaned_share=1.0,
        events=1,
        verified_kg=Decimal("0.00"),
        participants=2,
        active_entrants=1,
    ),
}
EMPTY = dict(
    hotspots_reported=0,
    hotspots_verified=0,
    hotspots_priority=0,
    hotspots_cleaned=0,
    priority_cleaned_share=None,
    events=0,
    verified_kg=Decimal("0.00"),
    participants=0,
    active_entrants=0,
)
FIELDS = list(EMPTY)


@pytest.fixture
def scenario(demo_areas):
    return build_scenario()


def _numbers(row: AreaMetrics) -> dict:
    return {field: getattr(row, field) for field in FIELDS}


def test_area_metrics_match_hand_computed_numbers(scenario, django_assert_num_queries):
    with django_assert_num_queries(1):
        rows = area_metrics(campaign=scenario, level="district")
    assert len(rows) == 9
    assert [r.name for r in rows] == sorted(r.name for r in rows)
    by_code = {row.code: row for row in rows}
    for code, expected in EXPECTED.items():
        assert _numbers(by_code[code]) == expected, code
    for code, row in by_code.items():
        if code not in EXPECTED:
            assert _numbers(row) == EMPTY, code
        assert row.level == "district" and row.approximate is True


def test_area_metrics_count_only_the_campaigns_events(scenario):
    today = timezone.localdate()
    other = campaign_create(
        name="Khác",
        slug="khac",
        registration_start=today,
        registration_end=today,
        activity_start=today,
        activity_end=today,
    )
    rows = {r.code: r for r in area_metrics(campaign=other, level="district")}
    assert rows["474"].events == 0 and rows["474"].verified_kg == 0
    # Hotspots are counted over the whole platform, whatever the campaign.
    assert rows["474"].hotspots_reported == 3
    province = area_metrics(campaign=scenario, level="province")
    assert len(province) == 1
    assert province[0].hotspots_reported == 5 and province[0].events == 3
    assert province[0].verified_kg == Decimal("70.00")


def test_api_properties_equal_area_metrics(scenario, api_client):
    url = reverse("api:coverage-api:coverage")
    response = api_client.get(url, {"campaign": "thu-nghiem", "level": "district"})
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection" and len(body["features"]) == 9
    by_code = {f["properties"]["code"]: f for f in body["features"]}
    for code, expected in EXPECTED.items():
        props = by_code[code]["properties"]
        for field, value in expected.items():
            wanted = float(value) if isinstance(value, Decimal) else value
            assert props[field] == wanted, (code, field)
        assert props["approximate"] is True
        assert by_code[code]["geometry"]["type"] in ("Polygon", "MultiPolygon")
    # Defaults: the current campaign and its coverage level.
    default = api_client.get(url).json()
    assert default["campaign"] == "thu-nghiem" and default["level"] == "district"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"campaign": "khong-co"}, "campaign"),
        ({"campaign": "thu-nghiem", "level": "xa-phuong"}, "level"),
        ({"level": "<script>"}, "level"),
    ],
)
def test_api_unknown_campaign_or_level_is_400_naming_it(
    scenario, api_client, params, field
):
    response = api_client.get(reverse("api:coverage-api:coverage"), params)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_api_without_any_campaign_is_400(demo_areas, api_client):
    response = api_client.get(reverse("api:coverage-api:coverage"))
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "campaign"


def _table_rows(html: str) -> dict[str, dict[str, str]]:
    rows = {}
    for row in re.findall(r'<tr data-testid="coverage-row">(.*?)</tr>', html, re.S):
        name = re.search(r'<th scope="row" data-value="([^"]*)"', row).group(1)
        cells = dict(re.findall(r'<td data-key="(\w+)" data-value="([^"]*)"', row))
        rows[name] = cells
    return rows


def test_page_table_shows_the_same_numbers_with_a_legend(scenario, client):
    response = client.get(
        reverse("coverage:page"), {"campaign": "thu-nghiem", "metric": "verified_kg"}
    )
    assert response.status_code == 200
    html = response.content.decode()
    rows = _table_rows(html)
    assert len(rows) == 9
    for area in area_metrics(campaign=scenario, level="district"):
        cells = rows[area.name]
        for field in FIELDS:
            value = getattr(area, field)
            assert cells[field] == ("" if value is None else str(value)), field
    assert rows["Thành phố Huế"]["verified_kg"] == "70.00"
    assert 'data-testid="legend"' in html and "Không có số liệu" in html
    assert 'data-testid="approximate-note"' in html
    assert "js/sort-table.js" in html
    # Everything the page loads comes from this site.
    for url in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not url.startswith(("http:", "https:", "//")), url
    for secret in SECRETS:
        assert secret not in html


def test_page_for_unknown_campaign_is_404(scenario, client):
    response = client.get(reverse("coverage:page"), {"campaign": "khong-co"})
    assert response.status_code == 404


def test_csv_export_has_the_same_numbers(scenario, client):
    response = client.get(
        reverse("exports:export", args=["coverage", "csv"]),
        {"campaign": "thu-nghiem", "level": "district"},
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")  # streamed
    rows = list(csv.reader(io.StringIO(text)))
    header, body = rows[0], rows[1:]
    assert len(body) == 9
    by_code = {row[header.index("Mã")]: row for row in body}
    for area in area_metrics(campaign=scenario, level="district"):
        row = by_code[area.code]
        for field in FIELDS:
            label = str(coverage.METRICS[field])
            value = getattr(area, field)
            assert row[header.index(label)] == ("" if value is None else str(value))
    assert by_code["474"][header.index("Khối lượng xác nhận (kg)")] == "70.00"


# --- the pure map builders -------------------------------------------------


@pytest.mark.parametrize(
    ("values", "bins"),
    [
        ([], ()),
        ([None, None], ()),
        ([0, 0, 0], (0.0,)),
        ([0, 3, 3, None], (0.0, 3.0)),
        ([1, 2, 3, 4, 5], (1.0, 2.0, 3.0, 4.0, 5.0)),
    ],
)
def test_few_distinct_values_make_one_class_each(values, bins):
    classes = coverage.classify(values)
    assert classes.bins == bins
    assert len(classes.colours) == len(bins)


def test_natural_breaks_make_at_most_five_increasing_classes():
    values = [0, 1, 1, 2, 10, 11, 12, 40, 41, 100, 101, 250]
    classes = coverage.classify(values)
    assert len(classes.bins) == 5
    assert list(classes.bins) == sorted(classes.bins) and classes.bins[-1] == 250
    assert classes.colour_for(0) == coverage.PALETTE[0]
    assert classes.colour_for(250) == coverage.PALETTE[-1]
    assert classes.colour_for(None) == coverage.NO_DATA_COLOUR
    items = coverage.legend(classes, "events")
    assert len(items) == 6 and items[-1].colour == coverage.NO_DATA_COLOUR
    assert items[0].label.startswith("0 – ")


def test_tooltips_escape_hostile_area_names():
    hostile = "<img src=x onerror=alert(1)> `${alert(2)}`"
    row = AreaMetrics(
        area_id=1,
        name=hostile,
        code="1",
        level="district",
        approximate=False,
        **{**EMPTY, "events": 3},
    )
    square = {
        "type": "Polygon",
        "coordinates": [[[107.5, 16.4], [107.6, 16.4], [107.6, 16.5], [107.5, 16.4]]],
    }
    layer, classes = coverage.choropleth_layer([row], {1: square}, metric="events")
    props = layer.data["features"][0]["properties"]
    assert "<img" not in props["name"] and "`" not in props["name"]
    assert "${" not in props["name"] and "&lt;img" in props["name"]
    assert props["value"] == "3" and classes.bins == (3.0,)
