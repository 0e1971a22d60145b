"""Organisers' exports of registrations and events, as CSV and Excel."""

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from events import tables
from events.campaigns import services
from tests import builders
from tests.events.campaigns.test_pages import (
    LAN,
    MEMBERS,
    PARTICIPANTS,
    SLUG,
    make_campaign,
    make_event,
    register,
)


def url(kind: str, fmt: str) -> str:
    return reverse("events:export", args=[SLUG, kind, fmt])


@pytest.fixture
def contest(demo_areas, organiser):
    """A campaign with one approved team that logged one event."""
    campaign = make_campaign()
    entrant = register(campaign, builders.user(username="lan", email=LAN["email"]))
    services.entrant_approve(entrant=entrant, actor=organiser)
    return campaign, entrant, make_event(entrant)


def read_csv(response) -> list[dict]:
    body = response.content
    assert body.startswith("\ufeff".encode())  # Excel reads the BOM as UTF-8
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))


def read_xlsx(response) -> list[dict]:
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def test_registrations_csv_has_contact_members_and_consents(organiser_client, contest):
    _campaign, entrant, _event = contest
    response = organiser_client.get(url("registrations", "csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="{SLUG}-registrations-'
    )
    (row,) = read_csv(response)
    assert row["Mã"] == str(entrant.pk)
    assert row["Tên đội / đơn vị"] == "Đội Sông Hương Xanh"
    assert row["Trạng thái"] == "Đã duyệt"
    assert row["Họ tên người đại diện"] == "Nguyễn Thị Lan"
    assert row["Số điện thoại"] == LAN["phone"]  # a phone number is not a formula
    assert row["Email"] == LAN["email"]
    assert row["Ngày sinh"] == "1990-05-01"
    assert row["Thành viên"] == "; ".join(MEMBERS)
    assert row["Số thành viên"] == "2"
    assert row["Tham gia cuộc thi"] == "có"
    assert row["Được liên hệ"] == "có"
    assert row["Công khai tên và kết quả"] == "không"
    assert row["Số sự kiện"] == "1"


def test_registrations_xlsx_opens_with_the_same_rows(organiser_client, contest):
    response = organiser_client.get(url("registrations", "xlsx"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml"
    )
    assert response["Content-Disposition"].endswith('.xlsx"')
    (row,) = read_xlsx(response)
    assert row["Họ tên người đại diện"] == "Nguyễn Thị Lan"
    assert row["Thành viên"] == "Trần Văn An; Lê Thị Bình"
    assert row["Ngày sinh"] == dt.datetime(1990, 5, 1)
    assert isinstance(row["Đăng ký lúc"], dt.datetime)


def test_events_csv_has_local_times_place_people_and_figures(organiser_client, contest):
    _campaign, entrant, event = contest
    (row,) = read_csv(organiser_client.get(url("events", "csv")))
    local_start = timezone.localtime(event.started_at)
    assert row["Mã sự kiện"] == str(event.pk)
    assert row["Mã đội"] == str(entrant.pk)
    assert row["Bắt đầu"] == local_start.strftime("%Y-%m-%d %H:%M")
    assert row["Kinh độ"] == "107.59" and row["Vĩ độ"] == "16.46"
    assert row["Địa bàn (district)"] == "Thành phố Huế"
    assert row["Số người tham gia"] == "3"
    assert row["Người tham gia"] == "; ".join(PARTICIPANTS)
    assert row["Tổng khối lượng (kg)"] == "42.50"
    assert row["Cách xác định khối lượng"] == "Cân đo"
    assert (row["Nhựa (kg)"], row["Bèo lục bình (kg)"], row["Rác khác (kg)"]) == (
        "30.00",
        "10.00",
        "2.50",
    )
    assert row["Số bao"] == "6"


def test_events_xlsx_keeps_numbers_as_numbers(organiser_client, contest):
    _campaign, _entrant, event = contest
    (row,) = read_xlsx(organiser_client.get(url("events", "xlsx")))
    assert row["Tổng khối lượng (kg)"] == pytest.approx(42.5)
    assert row["Kinh độ"] == pytest.approx(107.59)
    assert row["Người tham gia"] == "Phan Văn Cường; Hồ Thị Dung; Trần Văn An"
    assert row["Bắt đầu"] == timezone.localtime(event.started_at).replace(
        tzinfo=None, microsecond=0
    )


def test_event_hotspot_ids_are_listed(organiser_client, contest):
    from hotspots import services as hotspot_services
    from hotspots.models import SizeClass

    _campaign, _entrant, event = contest
    hotspots = [
        hotspot_services.hotspot_report(
            location=event.location,
            size_class=SizeClass.objects.get(key="bag"),
            category="plastic",
        ).hotspot
        for _ in range(2)
    ]
    event.hotspots.set(hotspots)
    (row,) = read_csv(organiser_client.get(url("events", "csv")))
    assert row["Điểm nóng đã làm sạch"] == ", ".join(str(h.pk) for h in hotspots)


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x")', "+cmd|' /C calc'!A0", "@SUM(1)", "-2+3"],
)
def test_text_that_looks_like_a_formula_stays_text(organiser_client, contest, text):
    _campaign, entrant, _event = contest
    entrant.name = text
    entrant.save(update_fields=["name"])
    (row,) = read_csv(organiser_client.get(url("registrations", "csv")))
    assert row["Tên đội / đơn vị"] == "'" + text
    sheet = load_workbook(
        io.BytesIO(organiser_client.get(url("registrations", "xlsx")).content)
    ).active
    cell = sheet.cell(row=2, column=3)
    assert cell.value == text and cell.data_type == "s"


def test_csv_cells_keep_phone_numbers_and_plain_text():
    assert tables._csv_cell("+84905123456") == "+84905123456"
    assert tables._csv_cell("Bèo lục bình") == "Bèo lục bình"
    assert tables._csv_cell(None) == ""


@pytest.mark.parametrize("role", [None, "resident", "judge", "ioc"])
@pytest.mark.parametrize("kind", ["registrations", "events"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exports_are_for_organisers_only(contest, role, kind, fmt):
    client = Client()
    if role:
        user = builders.user(username=f"u-{role}", role=role)
        client.force_login(user)
    response = client.get(url(kind, fmt))
    assert response.status_code == 403
    assert LAN["phone"].encode() not in response.content


def test_unknown_export_kind_or_format_is_404(organiser_client, contest):
    assert organiser_client.get(url("people", "csv")).status_code == 404
    assert organiser_client.get(url("events", "pdf")).status_code == 404
    missing = reverse("events:export", args=["khong-co", "events", "csv"])
    assert organiser_client.get(missing).status_code == 404


def test_an_empty_campaign_exports_just_the_header(organiser_client, db):
    make_campaign()
    response = organiser_client.get(url("events", "csv"))
    assert response.status_code == 200
    lines = response.content.decode("utf-8-sig").splitlines()
    assert len(lines) == 1 and lines[0].startswith("Mã sự kiện,")
