"""Write paths of cleanup events: an approved entrant's representative logs one.

Every rule of plan 1518 that a logged event must meet is checked here (the API
and the pages only shape input): who may log, the time window, the participant
list, the weights, the hotspots claimed. Plausibility is not a rule: events/flags.py
shows the jury what looks odd and never refuses anything.
"""

import datetime as dt
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from io import BytesIO

import imagehash
from django.contrib.gis.geos import LineString, Point, Polygon
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from config.api import ascii_decimal
from events.defaults import PLAUSIBILITY
from events.errors import ContestError
from events.formatting import CONTEST_TZ
from events.models import (
    Campaign,
    CleanupEvent,
    Entrant,
    EntrantStatus,
    EventPhoto,
    EventReceipt,
    Member,
    Participant,
    PhotoKind,
    WeightMethod,
)
from events.results.points import entrants_refresh
from geo.cells import set_cells
from geo.selectors import areas_containing
from hotspots import photos as photo_pipeline
from hotspots.models import Hotspot
from hotspots.services import hotspot_mark_cleaned

# A phone whose clock runs a little fast must still be able to log "it ended now".
CLOCK_SKEW = dt.timedelta(minutes=5)
MAX_PARTICIPANTS = 1000
MAX_NAME_LENGTH = 200
MAX_TITLE_LENGTH = 200
MAX_NOTES_LENGTH = 4000
MAX_WEIGHT_KG = Decimal("1000000")
MAX_BAGS = 1_000_000
MAX_HOTSPOTS = 20
MAX_PHOTOS_PER_KIND = 5
# Claimed hotspots farther than this multiple of the campaign's "far from hotspot"
# threshold are refused outright; between 1x and 3x the jury sees a flag.
HOTSPOT_REFUSE_FACTOR = 3
CENT = Decimal("0.01")


def thresholds(campaign: Campaign) -> dict:
    """Return the campaign's plausibility thresholds, documented defaults filling gaps."""
    return {**PLAUSIBILITY, **(campaign.plausibility or {})}


def clean_name(name: str) -> str:
    """Return a person's name as stored: Unicode NFC, single spaces, no edges."""
    return " ".join(unicodedata.normalize("NFC", name).split())


def name_key(name: str) -> str:
    """Return the key two spellings of one name share (case- and space-insensitive)."""
    # casefold() may decompose some characters, so normalise again afterwards.
    return unicodedata.normalize("NFC", clean_name(name).casefold())


def local_day(value: dt.datetime) -> dt.date:
    return value.astimezone(CONTEST_TZ).date()


def activity_end_at(campaign: Campaign) -> dt.datetime:
    """Return the first instant after the activity window (its last day is included)."""
    next_day = campaign.activity_end + dt.timedelta(days=1)
    return dt.datetime.combine(next_day, dt.time.min, tzinfo=CONTEST_TZ)


@dataclass(frozen=True)
class WindowViolation:
    code: str
    field: str
    message: str


def window_violation(
    *,
    campaign: Campaign,
    registered_at: dt.datetime,
    started_at: dt.datetime,
    ended_at: dt.datetime,
) -> WindowViolation | None:
    """Return why the times fall outside the entrant's contest window, or None.

    The event's first day must be on or after the day the entrant registered and
    the first day of the activity window; it must end by the end of the window's
    last day. Any day of the week counts. Days are local (Asia/Ho_Chi_Minh).
    """
    start_day = local_day(started_at)
    registered_on = local_day(registered_at)
    if start_day < registered_on:
        return WindowViolation(
            "before_registration",
            "started_at",
            _("Sự kiện phải diễn ra từ ngày đội đăng ký (%(day)s) trở đi.")
            % {"day": registered_on.strftime("%d/%m/%Y")},
        )
    if start_day < campaign.activity_start:
        return WindowViolation(
            "before_activity_window",
            "started_at",
            _("Cuộc thi bắt đầu từ ngày %(day)s; sự kiện không thể diễn ra trước đó.")
            % {"day": campaign.activity_start.strftime("%d/%m/%Y")},
        )
    if ended_at > activity_end_at(campaign):
        return WindowViolation(
            "after_activity_window",
            "ended_at",
            _(
                "Cuộc thi kết thúc ngày %(day)s; sự kiện phải kết thúc trước hết ngày đó."
            )
            % {"day": campaign.activity_end.strftime("%d/%m/%Y")},
        )
    return None


@transaction.atomic
def event_log(
    *,
    entrant: Entrant,
    user,
    title: str,
    location: Point,
    started_at: dt.datetime,
    ended_at: dt.datetime,
    participants: Sequence[str],
    weight_kg,
    weight_method: str,
    plastic_kg=0,
    water_hyacinth_kg=0,
    other_kg=0,
    bags: int = 0,
    hotspot_ids: Sequence[int] = (),
    outline: Polygon | None = None,
    route: LineString | None = None,
    notes: str = "",
    before_images: Sequence[photo_pipeline.CleanImage] = (),
    after_images: Sequence[photo_pipeline.CleanImage] = (),
    client_uuid: uuid.UUID | None = None,
    now: dt.datetime | None = None,
) -> tuple[CleanupEvent, bool]:
    """Log a cleanup event for an approved entrant; all or nothing.

    Return (event, created). The same `client_uuid` again returns the event it
    first created with created=False (an offline phone retrying). `location`,
    `outline` and `route` must have passed the geometry gate (geo.spatial), the
    images the photo pipeline. Claimed hotspots move to "cleaned", pending the
    jury's decision.
    """
    _check_actor(entrant, user)
    if client_uuid is not None:
        replay = _replay(entrant, client_uuid)
        if replay is not None:
            return replay, False
    campaign = entrant.campaign
    now = now or timezone.now()
    title = _title(title)
    _check_times(entrant, started_at, ended_at, now)
    people = _participants(entrant, participants)
    weight_kg = kg_value(weight_kg, "weight_kg")
    parts = {
        name: kg_value(value, f"breakdown.{name}")
        for name, value in (
            ("plastic_kg", plastic_kg),
            ("water_hyacinth_kg", water_hyacinth_kg),
            ("other_kg", other_kg),
        )
    }
    if sum(parts.values()) > weight_kg:
        raise ContestError(
            "breakdown_above_total",
            _(
                "Tổng các loại rác (%(parts)s kg) vượt quá tổng khối lượng "
                "(%(total)s kg)."
            )
            % {"parts": sum(parts.values()), "total": weight_kg},
            "breakdown",
        )
    if weight_method not in WeightMethod.values:
        raise ContestError(
            "invalid_choice",
            _("Cách xác định khối lượng phải là cân đo hoặc ước tính."),
            "weight_method",
        )
    bags = _bags(bags)
    notes = (notes or "").strip()
    if len(notes) > MAX_NOTES_LENGTH:
        raise ContestError(
            "too_long",
            _("Ghi chú tối đa %(n)s ký tự.") % {"n": MAX_NOTES_LENGTH},
            "notes",
        )
    for images, field in (
        (before_images, "before_photos"),
        (after_images, "after_photos"),
    ):
        if len(images) > MAX_PHOTOS_PER_KIND:
            raise ContestError(
                "too_many_files",
                _("Tối đa %(n)s ảnh mỗi loại (trước / sau).")
                % {"n": MAX_PHOTOS_PER_KIND},
                field,
            )
    hotspots = _claimed_hotspots(campaign, location, hotspot_ids)

    event = CleanupEvent(
        entrant=entrant,
        title=title,
        location=location,
        outline=outline,
        route=route,
        started_at=started_at,
        ended_at=ended_at,
        weight_kg=weight_kg,
        weight_method=weight_method,
        bags=bags,
        notes=notes,
        **parts,
    )
    set_cells(event, location)
    _full_clean(event)
    event.save()
    if client_uuid is not None:
        EventReceipt.objects.create(client_uuid=client_uuid, event=event)
    for person in people:
        person.event = event
    Participant.objects.bulk_create(people)
    # Dated by when it happened, as geo.services.areas_relink dates it.
    event.areas.set(areas_containing(location, on=timezone.localdate(started_at)))
    event.hotspots.set(hotspots)
    for hotspot in hotspots:
        hotspot_mark_cleaned(
            hotspot=hotspot,
            actor=user,
            reason=_(
                "Đã thu gom trong sự kiện thu gom #%(id)s; chờ Ban Giám khảo xác nhận."
            )
            % {"id": event.pk},
            details={"event": event.pk},
        )
    # A new event counts in its entrant's standing (not reviewed yet: 0 points).
    entrants_refresh([entrant.pk])
    # Files last: storage does not roll back, so write them once nothing can fail.
    _store_photos(event, before_images, PhotoKind.BEFORE)
    _store_photos(event, after_images, PhotoKind.AFTER)
    return event, True


def _check_actor(entrant: Entrant, user) -> None:
    """Only the entrant's own representative logs its events (not even organisers)."""
    if user is None or not user.is_authenticated:
        raise ContestError(
            "not_authenticated", _("Cần đăng nhập để ghi nhận sự kiện."), status=403
        )
    if entrant.representative_id != user.pk:
        raise ContestError(
            "not_representative",
            _("Chỉ người đại diện của đội mới được ghi nhận sự kiện cho đội."),
            "entrant",
            status=403,
        )
    if entrant.status != EntrantStatus.APPROVED:
        raise ContestError(
            "not_approved",
            _("Đội chỉ ghi nhận được sự kiện sau khi Ban Tổ chức duyệt đăng ký."),
            "entrant",
            status=403,
        )


def _replay(entrant: Entrant, client_uuid: uuid.UUID) -> CleanupEvent | None:
    # Parallel retries of one submission queue here; the first one's receipt wins.
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [str(client_uuid)])
    receipt = (
        EventReceipt.objects.select_related("event")
        .filter(client_uuid=client_uuid)
        .first()
    )
    if receipt is None:
        return None
    if receipt.event.entrant_id != entrant.pk:
        raise ContestError(
            "client_uuid_conflict",
            _("Mã client_uuid này đã được dùng cho một sự kiện khác."),
            "client_uuid",
            status=409,
        )
    return receipt.event


def _title(title: str) -> str:
    title = " ".join((title or "").split())
    if not title:
        raise ContestError("required", _("Cần nhập tên sự kiện."), "title")
    if len(title) > MAX_TITLE_LENGTH:
        raise ContestError(
            "too_long",
            _("Tên sự kiện tối đa %(n)s ký tự.") % {"n": MAX_TITLE_LENGTH},
            "title",
        )
    return title


def _check_times(
    entrant: Entrant, started_at: dt.datetime, ended_at: dt.datetime, now: dt.datetime
) -> None:
    for value, field in ((started_at, "started_at"), (ended_at, "ended_at")):
        if not isinstance(value, dt.datetime) or timezone.is_naive(value):
            raise ContestError(
                "naive_datetime",
                _("Thời gian phải có múi giờ (ISO 8601)."),
                field,
            )
    if ended_at <= started_at:
        raise ContestError(
            "time_reversed",
            _("Thời điểm kết thúc phải sau thời điểm bắt đầu."),
            "ended_at",
        )
    if started_at > now + CLOCK_SKEW:
        raise ContestError(
            "in_future",
            _("Sự kiện chưa diễn ra: thời điểm bắt đầu ở tương lai."),
            "started_at",
        )
    if ended_at > now + CLOCK_SKEW:
        raise ContestError(
            "in_future",
            _("Thời điểm kết thúc ở tương lai; hãy ghi nhận sau khi sự kiện kết thúc."),
            "ended_at",
        )
    violation = window_violation(
        campaign=entrant.campaign,
        registered_at=entrant.registered_at,
        started_at=started_at,
        ended_at=ended_at,
    )
    if violation is not None:
        raise ContestError(violation.code, violation.message, violation.field)


def _participants(entrant: Entrant, names: Sequence[str]) -> list[Participant]:
    """Return unsaved participants: blank lines dropped, duplicates refused.

    Names matching a member of the entrant (same key) are linked to that member.
    """
    if isinstance(names, str):
        raise ContestError(
            "invalid", _("Danh sách người tham gia phải là một mảng."), "participants"
        )
    if len(names) > MAX_PARTICIPANTS:
        raise ContestError(
            "too_many",
            _("Tối đa %(n)s người tham gia mỗi sự kiện.") % {"n": MAX_PARTICIPANTS},
            "participants",
        )
    members: dict[str, Member] = {}
    for member in entrant.members.all():
        members.setdefault(name_key(member.full_name), member)
    seen: dict[str, int] = {}
    people = []
    for index, raw in enumerate(names):
        field = f"participants[{index}]"
        if not isinstance(raw, str):
            raise ContestError("invalid", _("Tên phải là chuỗi ký tự."), field)
        name = clean_name(raw)
        if not name:
            continue
        if len(name) > MAX_NAME_LENGTH:
            raise ContestError(
                "too_long",
                _("Tên tối đa %(n)s ký tự.") % {"n": MAX_NAME_LENGTH},
                field,
            )
        key = name_key(name)
        if key in seen:
            raise ContestError(
                "duplicate",
                _("“%(name)s” đã có trong danh sách (dòng %(first)s).")
                % {"name": name, "first": seen[key] + 1},
                field,
            )
        seen[key] = index
        people.append(Participant(full_name=name, member=members.get(key)))
    if not people:
        raise ContestError(
            "required",
            _("Cần ít nhất một người thực sự tham gia."),
            "participants",
        )
    return people


def kg_value(value, field: str) -> Decimal:
    """Return a weight in kg: a finite Decimal, 0..1,000,000, at most 2 decimals."""
    if isinstance(value, bool) or value is None:
        raise ContestError("not_a_number", _("Khối lượng phải là một số (kg)."), field)
    try:
        if isinstance(value, Decimal):
            number = value
        elif isinstance(value, int):
            number = Decimal(value)
        elif isinstance(value, float):
            number = Decimal(repr(value))
        else:  # text: the one number grammar (ASCII digits, no padding)
            number = ascii_decimal(value)
    except (InvalidOperation, ValueError):
        raise ContestError(
            "not_a_number", _("Khối lượng phải là một số (kg)."), field
        ) from None
    if not number.is_finite():
        raise ContestError("not_finite", _("Khối lượng phải là số hữu hạn."), field)
    if number < 0:
        raise ContestError("negative", _("Khối lượng không được âm."), field)
    if number > MAX_WEIGHT_KG:
        raise ContestError(
            "too_large",
            _("Khối lượng tối đa %(max)s kg.") % {"max": f"{MAX_WEIGHT_KG:,}"},
            field,
        )
    if number != number.quantize(CENT):
        raise ContestError(
            "too_precise", _("Khối lượng ghi tối đa 2 chữ số thập phân."), field
        )
    return number.quantize(CENT)


def _bags(value) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        text = value if isinstance(value, str) else ""
        # ASCII digits only: int() also takes " 3", "+3" and "٣".
        if not (text.isascii() and text.isdigit() and len(text) <= 9):
            raise ContestError("not_a_number", _("Số bao phải là số nguyên."), "bags")
        value = int(text)
    if not 0 <= value <= MAX_BAGS:
        raise ContestError(
            "out_of_range",
            _("Số bao phải từ 0 đến %(max)s.") % {"max": f"{MAX_BAGS:,}"},
            "bags",
        )
    return value


def _claimed_hotspots(
    campaign: Campaign, location: Point, hotspot_ids: Sequence[int]
) -> list[Hotspot]:
    """Return the claimed hotspots: open and near the event, else refuse them all."""
    ids: list[int] = []
    for raw in hotspot_ids:
        try:
            pk = int(raw)
        except (TypeError, ValueError):
            pk = 0
        if isinstance(raw, bool) or pk < 1:
            raise ContestError("invalid", _("Mã điểm nóng không hợp lệ."), "hotspots")
        if pk not in ids:
            ids.append(pk)
    if not ids:
        return []
    if len(ids) > MAX_HOTSPOTS:
        raise ContestError(
            "too_many",
            _("Một sự kiện nhận tối đa %(n)s điểm nóng.") % {"n": MAX_HOTSPOTS},
            "hotspots",
        )
    radius_m = HOTSPOT_REFUSE_FACTOR * float(
        thresholds(campaign)["max_hotspot_distance_m"]
    )
    found = {
        hotspot.pk: hotspot
        for hotspot in Hotspot.objects.open()
        .near(location, radius_m)
        .filter(pk__in=ids)
    }
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise ContestError(
            "hotspot_not_nearby",
            _(
                "Điểm nóng %(ids)s không phải điểm nóng đang mở trong phạm vi "
                "%(radius)s m quanh vị trí sự kiện."
            )
            % {
                "ids": ", ".join(f"#{pk}" for pk in missing),
                "radius": round(radius_m),
            },
            "hotspots",
        )
    return [found[pk] for pk in ids]


def _full_clean(event: CleanupEvent) -> None:
    # Every rule was checked above with its own code; this is the model's last word,
    # turned into the one error shape instead of a 500.
    try:
        event.full_clean()
    except ValidationError as exc:
        field, messages = next(iter(exc.message_dict.items()))
        raise ContestError(
            "invalid", messages[0], None if field == "__all__" else field
        ) from None


def photo_hash(image: photo_pipeline.CleanImage) -> str:
    """Return the perceptual hash (hex) of a cleaned image's stored bytes."""
    with Image.open(BytesIO(image.content), formats=[image.format]) as img:
        return str(imagehash.phash(img))


def _store_photos(
    event: CleanupEvent,
    images: Sequence[photo_pipeline.CleanImage],
    kind: str,
    info_request=None,
) -> None:
    for image in images:
        name = default_storage.save(
            photo_pipeline.new_name(image.extension), ContentFile(image.content)
        )
        thumb = default_storage.save(
            photo_pipeline.new_name(photo_pipeline.THUMB_EXTENSION),
            ContentFile(image.thumbnail),
        )
        EventPhoto.objects.create(
            event=event,
            kind=kind,
            image=name,
            thumbnail=thumb,
            width=image.width,
            height=image.height,
            phash=photo_hash(image),
            info_request=info_request,
        )


def event_photos_store(
    *,
    event: CleanupEvent,
    images: Sequence[photo_pipeline.CleanImage],
    kind: str,
    info_request=None,
) -> None:
    """Store photos (already through the photo pipeline) for an existing event.

    Call it last in the caller's transaction: storage does not roll back.
    """
    _store_photos(event, images, kind, info_request=info_request)
