"""Organisers' exports: registrations and cleanup events as CSV and Excel.

One function per table returns a header and rows of plain values; the CSV and
XLSX writers share them. Times are local (Asia/Ho_Chi_Minh), coordinates lon/lat
in WGS84 (EPSG:4326). These tables hold personal data: organisers only.
"""

import datetime as dt

from django.db.models import Count, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from events.campaigns.selectors import latest_consents
from events.models import (
    Campaign,
    CleanupEvent,
    ConsentPurpose,
    Entrant,
    Participant,
    WeightMethod,
)
from events.tables import Table

LIST_SEPARATOR = "; "


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
        latest = latest_consents(entrant)
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
            and area.valid_on(campaign.areas_on)
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
