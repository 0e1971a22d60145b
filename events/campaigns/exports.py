"""Organisers' exports: registrations and cleanup events as CSV and Excel.

One function per table returns a header and rows of plain values; the CSV and
XLSX writers share them. Times are local (Asia/Ho_Chi_Minh), coordinates lon/lat
in WGS84 (EPSG:4326). These tables hold personal data: organisers only.
"""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from events.models import (
    Campaign,
    CleanupEvent,
    ConsentPurpose,
    Entrant,
    Participant,
    WeightMethod,
)

Value = str | int | float | Decimal | dt.date | dt.datetime | None
LIST_SEPARATOR = "; "
DATETIME_FORMAT = "%Y-%m-%d %H:%M"
# A text cell starting with one of these is run as a formula by spreadsheets
# (CSV injection); a sign followed only by digits is a phone number or a number.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
SIGNED_NUMBER = re.compile(r"^[+-][\d .]*$")


@dataclass(frozen=True)
class Table:
    name: str
    header: list[str]
    rows: list[list[Value]]


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """Return a naive local datetime (spreadsheets have no time zones)."""
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


def _yes_no(value: bool | None) -> str:
    if value is None:
        return ""
    return _("có") if value else _("không")


def registrations_table(campaign: Campaign) -> Table:
    """Return the campaign's registrations with contact data, members and consents."""
    entrants = (
        Entrant.objects.filter(campaign=campaign)
        .select_related("contact", "decided_by")
        .prefetch_related("members", "consents")
        .annotate(event_count=Count("events"))
        .order_by("registered_at", "id")
    )
    purposes = list(ConsentPurpose)
    header = [
        _("Mã"),
        _("Hình thức"),
        _("Tên đội / đơn vị"),
        _("Trạng thái"),
        _("Đăng ký lúc"),
        _("Duyệt lúc"),
        _("Người duyệt"),
        _("Lý do"),
        _("Họ tên người đại diện"),
        _("Ngày sinh"),
        _("Đơn vị / tổ chức"),
        _("Số điện thoại"),
        _("Email"),
        _("Số thành viên"),
        _("Thành viên"),
        *[str(purpose.label) for purpose in purposes],
        _("Phiên bản thông báo"),
        _("Đồng ý lúc"),
        _("Số sự kiện"),
        _("Yêu cầu xoá dữ liệu lúc"),
        _("Đã ẩn danh lúc"),
    ]
    rows = []
    for entrant in entrants:
        contact = getattr(entrant, "contact", None)
        members = list(entrant.members.all())
        latest = {}
        for consent in entrant.consents.all():  # ordered by time: the last wins
            latest[consent.purpose] = consent
        last = max(latest.values(), key=lambda c: (c.at, c.id), default=None)
        rows.append(
            [
                entrant.pk,
                entrant.get_kind_display(),
                entrant.name,
                entrant.get_status_display(),
                _local(entrant.registered_at),
                _local(entrant.decided_at),
                entrant.decided_by.get_username() if entrant.decided_by else "",
                entrant.decision_reason,
                contact.full_name if contact else "",
                contact.date_of_birth if contact else None,
                contact.organisation if contact else "",
                contact.phone if contact else "",
                contact.email if contact else "",
                len(members),
                LIST_SEPARATOR.join(_member_text(member) for member in members),
                *[
                    _yes_no(latest[p].granted if p in latest else None)
                    for p in purposes
                ],
                last.notice_version if last else "",
                _local(last.at) if last else None,
                entrant.event_count,
                _local(entrant.deletion_requested_at),
                _local(entrant.anonymised_at),
            ]
        )
    return Table("registrations", header, rows)


def _member_text(member) -> str:
    contact = ", ".join(part for part in (member.phone, member.email) if part)
    return f"{member.full_name} ({contact})" if contact else member.full_name


def events_table(campaign: Campaign) -> Table:
    """Return the campaign's cleanup events with entrant, place, people and figures."""
    events = (
        CleanupEvent.objects.filter(entrant__campaign=campaign)
        .select_related("entrant")
        .prefetch_related(
            "areas",
            "hotspots",
            Prefetch("participants", queryset=Participant.objects.order_by("id")),
        )
        .annotate(photo_count=Count("photos"))
        .order_by("started_at", "id")
    )
    methods = dict(WeightMethod.choices)
    header = [
        _("Mã sự kiện"),
        _("Mã đội"),
        _("Tên đội / đơn vị"),
        _("Tên sự kiện"),
        _("Trạng thái"),
        _("Bắt đầu"),
        _("Kết thúc"),
        _("Thời lượng (giờ)"),
        _("Kinh độ"),
        _("Vĩ độ"),
        _("Địa bàn (%(level)s)") % {"level": campaign.coverage_level},
        _("Số người tham gia"),
        _("Người tham gia"),
        _("Tổng khối lượng (kg)"),
        _("Cách xác định khối lượng"),
        _("Nhựa (kg)"),
        _("Bèo lục bình (kg)"),
        _("Rác khác (kg)"),
        _("Số bao"),
        _("Điểm nóng đã làm sạch"),
        _("Số ảnh"),
        _("Ghi chú"),
        _("Gửi lúc"),
    ]
    rows = []
    for event in events:
        participants = [person.full_name for person in event.participants.all()]
        places = sorted(
            area.name
            for area in event.areas.all()
            if area.level == campaign.coverage_level
        )
        rows.append(
            [
                event.pk,
                event.entrant_id,
                event.entrant.name,
                event.title,
                event.get_status_display(),
                _local(event.started_at),
                _local(event.ended_at),
                round(event.duration_hours, 2),
                round(event.location.x, 6),
                round(event.location.y, 6),
                LIST_SEPARATOR.join(places),
                len(participants),
                LIST_SEPARATOR.join(participants),
                event.weight_kg,
                str(methods.get(event.weight_method, event.weight_method)),
                event.plastic_kg,
                event.water_hyacinth_kg,
                event.other_kg,
                event.bags,
                ", ".join(str(h.pk) for h in sorted(event.hotspots.all(), key=_pk)),
                event.photo_count,
                event.notes,
                _local(event.created_at),
            ]
        )
    return Table("events", header, rows)


def _pk(obj) -> int:
    return obj.pk


TABLES = {"registrations": registrations_table, "events": events_table}


# --- writers -----------------------------------------------------------------


def _csv_cell(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime(DATETIME_FORMAT)
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    if (
        isinstance(value, str)
        and text.startswith(FORMULA_START)
        and not SIGNED_NUMBER.match(text)
    ):
        return "'" + text
    return text


def to_csv(table: Table) -> bytes:
    """Return the table as UTF-8 CSV with a byte-order mark (Excel then reads
    Vietnamese correctly)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(table.header)
    writer.writerows([_csv_cell(value) for value in row] for row in table.rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _widths(table: Table) -> Iterable[int]:
    for index, title in enumerate(table.header):
        longest = max(
            [len(str(row[index] or "")) for row in table.rows[:200]] + [len(title)]
        )
        yield min(max(longest + 2, 8), 60)


def to_xlsx(table: Table) -> bytes:
    """Return the table as an Excel workbook: one sheet, bold frozen header."""
    book = Workbook()
    sheet = book.active
    sheet.title = table.name
    sheet.append(table.header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in table.rows:
        # Control characters are not allowed in the XML of a workbook.
        sheet.append(
            [ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in row]
        )
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, dt.datetime):
                cell.number_format = "DD/MM/YYYY HH:MM"
            elif isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
            elif cell.data_type == "f":
                # openpyxl stores text starting with "=" as a formula: keep it text.
                cell.data_type = "s"
    for index, width in enumerate(_widths(table), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# format -> (content type, writer); the results exports add their PDF.
FORMATS = {
    "csv": ("text/csv; charset=utf-8", to_csv),
    "xlsx": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        to_xlsx,
    ),
}
