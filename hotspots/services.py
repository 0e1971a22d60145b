"""Write paths for hotspots: report, confirm, moderate, merge, clean, rescore."""

import hashlib
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.geos import Point, Polygon
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.errors import ClientError
from geo.cells import set_cells
from geo.selectors import areas_containing
from notifications import kinds as notice
from notifications.services import notify

from . import photos as photo_pipeline
from . import scoring
from .models import (
    CLEANED_STATUSES,
    DISMISSED_STATUSES,
    OPEN_STATUSES,
    Action,
    Category,
    Confirmation,
    Hotspot,
    HotspotHistory,
    HotspotPhoto,
    LocationSource,
    ReporterContact,
    ReportReceipt,
    SizeClass,
    Status,
)
from .signals import priority_changed


class HotspotError(ClientError):
    """A rule of the hotspot lifecycle was broken."""


@dataclass(frozen=True)
class Contact:
    name: str = ""
    phone: str = ""
    email: str = ""

    def __bool__(self) -> bool:
        return bool(self.name or self.phone or self.email)


@dataclass
class ReportResult:
    hotspot: Hotspot
    created: bool  # False: an existing hotspot (retry or reopened)
    reopened: bool


def _record(
    hotspot: Hotspot,
    action: str,
    *,
    actor=None,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    details: dict | None = None,
) -> HotspotHistory:
    step = HotspotHistory.objects.create(
        hotspot=hotspot,
        action=action,
        actor=actor if actor is not None and actor.is_authenticated else None,
        from_status=from_status,
        to_status=to_status,
        reason=reason,
        details=details or {},
    )
    # Every status change is recorded here: the one place reporters are told.
    kind = _notice_kind(action, to_status)
    if kind:
        _tell_reporters(step, kind)
    return step


def _notice_kind(action: str, to_status: str) -> str | None:
    """The notification a recorded step sends its reporters, if any."""
    if to_status == Status.CLEANED and action in (Action.VERIFY, Action.CLEAN):
        return notice.REPORT_CLEANED
    return {
        Action.VERIFY: notice.REPORT_VERIFIED,
        Action.REJECT: notice.REPORT_REJECTED,
        Action.MERGE: notice.REPORT_MERGED,
        Action.REOPEN: notice.REPORT_REOPENED,
    }.get(action)


def _tell_reporters(step: HotspotHistory, kind: str) -> None:
    """Tell the reporter (their account) and every anonymous reporter who left an
    email with consent (ReporterContact is kept only with consent); never the
    person who took the step."""
    hotspot = step.hotspot
    params = {"id": hotspot.pk, "reason": step.reason}
    if step.action == Action.MERGE:
        params["into"] = step.details.get("into")
    link = reverse("hotspots:follow", args=[hotspot.follow_token])
    told = set()
    reporter = hotspot.reporter if hotspot.reporter_id else None
    if reporter is not None and reporter.pk != step.actor_id:
        notify(kind=kind, about=hotspot, link=link, params=params, user=reporter)
        told.add(reporter.email.strip().lower())
    contacts = ReporterContact.objects.filter(
        hotspot=hotspot, consent_at__isnull=False
    ).exclude(email="")
    for email in contacts.values_list("email", flat=True).order_by("id"):
        if email.strip().lower() in told:
            continue
        notify(kind=kind, about=hotspot, link=link, params=params, email=email)
        told.add(email.strip().lower())


def _full_clean(hotspot: Hotspot) -> None:
    # The database checks the constraints; Django cannot evaluate the geometry
    # validity constraint in Python (IsValid on a value), and the gate already did.
    # No uniqueness queries either: the only unique field is the random
    # follow_token, which its unique index guards; the size class is a row the
    # caller read (its foreign key guards it).
    hotspot.full_clean(
        exclude=["areas", "size_class"],
        validate_unique=False,
        validate_constraints=False,
    )


def _user_or_none(user):
    return user if user is not None and user.is_authenticated else None


def hotspot_rescore(hotspot: Hotspot) -> float:
    """Recompute and store the hotspot's priority score."""
    hotspot.score = _score(hotspot)
    hotspot.save(update_fields=["score", "updated_at"])
    return hotspot.score


def _score(hotspot: Hotspot) -> float:
    return scoring.score(score_input(hotspot), settings.HOTSPOT_SCORE)


def score_input(hotspot: Hotspot) -> scoring.ScoreInput:
    return scoring.ScoreInput(
        category=hotspot.category,
        estimated_kg=hotspot.size_class.estimated_kg,
        confirmations=hotspot.confirmation_count,
        recurrence=hotspot.recurrence_count,
        priority=hotspot.priority,
    )


def _set_areas(hotspot: Hotspot, *, new: bool = False) -> None:
    # Dated by its report, as geo.services.areas_relink dates it.
    on = timezone.localdate(hotspot.created_at) if hotspot.created_at else None
    areas = areas_containing(hotspot.location, on=on)
    if not new:
        hotspot.areas.set(areas)
        return
    # A new row has no links yet: one INSERT, not set()'s read-then-write.
    link = Hotspot.areas.through
    link.objects.bulk_create(
        [link(hotspot_id=hotspot.pk, adminarea_id=area.pk) for area in areas]
    )


def _store_photos(
    hotspot: Hotspot,
    images: Sequence[photo_pipeline.CleanImage],
    *,
    pending: bool = False,
) -> None:
    if not images:
        return
    existing = hotspot.photos.count()
    if existing + len(images) > settings.PHOTO_MAX_FILES:
        raise HotspotError(
            "too_many_files",
            _("Mỗi điểm nóng có tối đa %(n)s ảnh.") % {"n": settings.PHOTO_MAX_FILES},
            field="photos",
        )
    for image in images:
        name = default_storage.save(
            photo_pipeline.new_name(image.extension), ContentFile(image.content)
        )
        thumb = default_storage.save(
            photo_pipeline.new_name(".jpg"), ContentFile(image.thumbnail)
        )
        HotspotPhoto.objects.create(
            hotspot=hotspot,
            image=name,
            thumbnail=thumb,
            width=image.width,
            height=image.height,
            pending=pending,
        )


@transaction.atomic
def hotspot_report(
    *,
    location: Point,
    category: str,
    size_class: SizeClass,
    description: str = "",
    outline: Polygon | None = None,
    accuracy_m: float | None = None,
    location_source: str = LocationSource.PIN,
    reporter=None,
    contact: Contact | None = None,
    contact_consent: bool = False,
    images: Sequence[photo_pipeline.CleanImage] = (),
    client_uuid: uuid.UUID | None = None,
    channel: str = "web",
) -> ReportResult:
    """Report a hotspot: a new one, the same one again (client_uuid), or a reopened one.

    `location` and `outline` must have passed the geometry gate; `images` the
    photo pipeline. A report within the duplicate radius of a *cleaned* hotspot
    reopens it (recurrence + 1) and keeps the new photos.
    """
    radius = settings.HOTSPOT_DUPLICATE_RADIUS_M
    if client_uuid is not None:
        # Parallel retries of one report queue here; the first one's receipt wins.
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_xact_lock(hashtext(%s))", [str(client_uuid)]
            )
        receipt = (
            ReportReceipt.objects.select_related("hotspot")
            .filter(client_uuid=client_uuid)
            .first()
        )
        if receipt is not None:
            existing = receipt.hotspot
            return ReportResult(existing, False, False)
    if category not in Category.values:
        raise HotspotError(
            "invalid_choice", _("Loại điểm nóng không hợp lệ."), "category"
        )
    if contact and not contact_consent:
        raise HotspotError(
            "consent_required",
            _("Cần bạn đồng ý thì chúng tôi mới lưu thông tin liên hệ."),
            "contact_consent",
        )
    reporter = _user_or_none(reporter)
    cleaned = (
        Hotspot.objects.select_for_update()
        .filter(status=Status.CLEANED)
        .near(location, radius)
        .first()
    )
    if cleaned is not None:
        hotspot_reopen(hotspot=cleaned, actor=reporter, images=images)
        _save_contact(cleaned, contact)
        if client_uuid is not None:
            ReportReceipt.objects.create(client_uuid=client_uuid, hotspot=cleaned)
        return ReportResult(cleaned, False, True)
    hotspot = Hotspot(
        location=location,
        outline=outline,
        category=category,
        size_class=size_class,
        description=description.strip(),
        accuracy_m=accuracy_m,
        location_source=location_source,
        reporter=reporter,
        channel=channel,
    )
    set_cells(hotspot, location)
    # Scored before the INSERT: the score reads only this row's own fields.
    hotspot.score = _score(hotspot)
    _full_clean(hotspot)
    hotspot.save()
    if client_uuid is not None:
        ReportReceipt.objects.create(client_uuid=client_uuid, hotspot=hotspot)
    _set_areas(hotspot, new=True)
    _save_contact(hotspot, contact)
    _store_photos(hotspot, images)
    _record(hotspot, Action.REPORT, actor=reporter, to_status=Status.REPORTED)
    return ReportResult(hotspot, True, False)


def _save_contact(hotspot: Hotspot, contact: Contact | None) -> None:
    """Keep contact details the reporter consented to (checked by the caller)."""
    if not contact:
        return
    ReporterContact.objects.create(
        hotspot=hotspot,
        name=contact.name.strip(),
        phone=contact.phone.strip(),
        email=contact.email.strip(),
        consent_at=timezone.now(),
        notice_version=settings.CONTACT_NOTICE_VERSION,
    )


@transaction.atomic
def hotspot_reopen(*, hotspot: Hotspot, actor=None, images=()) -> Hotspot:
    """Reopen a cleaned hotspot that came back (recurrence + 1), keeping new photos."""
    hotspot = Hotspot.objects.select_for_update().get(pk=hotspot.pk)
    if hotspot.status != Status.CLEANED:
        raise HotspotError(
            "wrong_status", _("Chỉ điểm đã thu gom mới có thể tái xuất hiện.")
        )
    hotspot.status = Status.REOPENED
    hotspot.recurrence_count += 1
    hotspot.save(update_fields=["status", "recurrence_count", "updated_at"])
    # The hotspot was public already; the new photos are not until reviewed.
    _store_photos(hotspot, images, pending=True)
    _record(
        hotspot,
        Action.REOPEN,
        actor=actor,
        from_status=Status.CLEANED,
        to_status=Status.REOPENED,
        details={
            "recurrence_count": hotspot.recurrence_count,
            "photos_added": len(images),
        },
    )
    hotspot_rescore(hotspot)
    return hotspot


def anon_key_for(session_key: str) -> str:
    """Return a keyed hash of a session key (we never store the session key itself)."""
    return hashlib.sha256(f"{settings.SECRET_KEY}:{session_key}".encode()).hexdigest()


@transaction.atomic
def hotspot_confirm(*, hotspot: Hotspot, user=None, anon_key: str = "") -> Hotspot:
    """Add one confirmation per person (or browser); confirming twice changes nothing."""
    hotspot = Hotspot.objects.select_for_update().get(pk=hotspot.pk)
    if hotspot.status not in OPEN_STATUSES:
        raise HotspotError(
            "wrong_status",
            _("Chỉ có thể xác nhận điểm nóng chưa được thu gom."),
            status=409,
        )
    user = _user_or_none(user)
    if user is not None and user.pk == hotspot.reporter_id:
        raise HotspotError(
            "own_report", _("Bạn không thể tự xác nhận báo cáo của mình."), status=409
        )
    if user is None and not anon_key:
        raise HotspotError("anonymous", _("Không xác định được người xác nhận."))
    lookup = {"user": user} if user is not None else {"anon_key": anon_key}
    _confirmation, created = Confirmation.objects.get_or_create(
        hotspot=hotspot, **lookup
    )
    if created:
        hotspot.confirmation_count = hotspot.confirmations.count()
        hotspot.save(update_fields=["confirmation_count", "updated_at"])
        _record(hotspot, Action.CONFIRM, actor=user)
        hotspot_rescore(hotspot)
    return hotspot


def _locked(hotspot: Hotspot) -> Hotspot:
    return (
        Hotspot.objects.select_for_update()
        .select_related("size_class")
        .get(pk=hotspot.pk)
    )


def _transition(hotspot: Hotspot, to: str, allowed_from: Sequence[str]) -> str:
    if hotspot.status not in allowed_from:
        raise HotspotError(
            "wrong_status",
            _("Không thể chuyển điểm nóng từ trạng thái “%(from)s” sang “%(to)s”.")
            % {"from": hotspot.get_status_display(), "to": Status(to).label},
            status=409,
        )
    previous = hotspot.status
    hotspot.status = to
    return previous


def _move(
    hotspot: Hotspot,
    *,
    action: str,
    to: str | Callable[[str], str],
    allowed_from: Sequence[str],
    actor,
    reason: str = "",
    details: dict | None = None,
) -> Hotspot:
    """Lock the hotspot, change its status, save, and record the step.

    `to` may be a function of the locked row's current status.
    """
    hotspot = _locked(hotspot)
    if callable(to):
        to = to(hotspot.status)
    previous = _transition(hotspot, to, allowed_from)
    hotspot.save(update_fields=["status", "updated_at"])
    _record(
        hotspot,
        action,
        actor=actor,
        from_status=previous,
        to_status=to,
        reason=reason,
        details=details,
    )
    return hotspot


@transaction.atomic
def hotspot_verify(*, hotspot: Hotspot, actor, reason: str = "") -> Hotspot:
    """Verify a report: "reported" becomes "verified", and a report a cleanup
    event claimed before anyone verified it ("cleaned_unverified") becomes
    "cleaned" — public only from now on."""
    return _move(
        hotspot,
        action=Action.VERIFY,
        to=lambda status: (
            Status.CLEANED if status == Status.CLEANED_UNVERIFIED else Status.VERIFIED
        ),
        allowed_from=[Status.REPORTED, Status.CLEANED_UNVERIFIED],
        actor=actor,
        reason=reason,
    )


@transaction.atomic
def hotspot_reject(*, hotspot: Hotspot, actor, reason: str) -> Hotspot:
    if not reason.strip():
        raise HotspotError("reason_required", _("Cần ghi lý do từ chối."), "reason")
    return _move(
        hotspot,
        action=Action.REJECT,
        to=Status.REJECTED,
        allowed_from=[*OPEN_STATUSES, Status.CLEANED_UNVERIFIED],
        actor=actor,
        reason=reason.strip(),
    )


@transaction.atomic
def hotspot_merge(
    *, duplicate: Hotspot, into: Hotspot, actor, reason: str = ""
) -> Hotspot:
    """Mark `duplicate` as a duplicate of `into`; its confirmations and photos move over.

    Nothing is lost: photos move, confirmations move (one per person), the
    duplicate's reporter counts as a confirmation of the kept hotspot, and both
    histories record the merge.
    """
    if duplicate.pk == into.pk:
        raise HotspotError(
            "merge_into_self", _("Không thể gộp điểm nóng vào chính nó."), "into"
        )
    # Lock both rows in id order so two merges cannot deadlock.
    locked = {
        h.pk: h
        for h in Hotspot.objects.select_for_update()
        .select_related("size_class")
        .filter(pk__in=[duplicate.pk, into.pk])
        .order_by("pk")
    }
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    if into.status in DISMISSED_STATUSES:
        raise HotspotError(
            "wrong_status",
            _("Không thể gộp vào điểm nóng đã bị từ chối hoặc trùng lặp."),
            "into",
        )
    previous = _transition(duplicate, Status.DUPLICATE, OPEN_STATUSES)
    duplicate.duplicate_of = into
    duplicate.save(update_fields=["status", "duplicate_of", "updated_at"])
    moved_photos = HotspotPhoto.objects.filter(hotspot=duplicate).update(hotspot=into)
    moved_confirmations = 0
    for confirmation in Confirmation.objects.filter(hotspot=duplicate):
        lookup = (
            {"user": confirmation.user}
            if confirmation.user_id
            else {"anon_key": confirmation.anon_key}
        )
        _moved, created = Confirmation.objects.get_or_create(hotspot=into, **lookup)
        moved_confirmations += created
    confirmation_from_reporter = False
    if duplicate.reporter_id and duplicate.reporter_id != into.reporter_id:
        _reporter, confirmation_from_reporter = Confirmation.objects.get_or_create(
            hotspot=into, user_id=duplicate.reporter_id
        )
    into.confirmation_count = into.confirmations.count()
    into.save(update_fields=["confirmation_count", "updated_at"])
    details = {
        "photos_moved": moved_photos,
        "confirmations_moved": moved_confirmations,
        "reporter_counted_as_confirmation": confirmation_from_reporter,
    }
    _record(
        duplicate,
        Action.MERGE,
        actor=actor,
        from_status=previous,
        to_status=Status.DUPLICATE,
        reason=reason,
        details={"into": into.pk, **details},
    )
    _record(
        into,
        Action.ABSORB,
        actor=actor,
        reason=reason,
        details={"from": duplicate.pk, **details},
    )
    hotspot_rescore(into)
    return into


@transaction.atomic
def hotspot_set_priority(
    *, hotspot: Hotspot, actor, priority: bool, reason: str = ""
) -> Hotspot:
    hotspot = _locked(hotspot)
    if hotspot.priority != priority:
        hotspot.priority = priority
        hotspot.save(update_fields=["priority", "updated_at"])
        _record(
            hotspot,
            Action.PRIORITY,
            actor=actor,
            reason=reason,
            details={"priority": priority},
        )
        hotspot_rescore(hotspot)
        priority_changed.send(sender=Hotspot, hotspot_ids=[hotspot.pk])
    return hotspot


@transaction.atomic
def hotspot_correct(
    *,
    hotspot: Hotspot,
    actor,
    category: str | None = None,
    size_class: SizeClass | None = None,
    location: Point | None = None,
    reason: str = "",
) -> Hotspot:
    """Correct category, size or location; the history keeps the old values."""
    hotspot = _locked(hotspot)
    changes: dict[str, list] = {}
    if category is not None and category != hotspot.category:
        if category not in Category.values:
            raise HotspotError(
                "invalid_choice", _("Loại điểm nóng không hợp lệ."), "category"
            )
        changes["category"] = [hotspot.category, category]
        hotspot.category = category
    if size_class is not None and size_class.pk != hotspot.size_class_id:
        changes["size_class"] = [hotspot.size_class.key, size_class.key]
        hotspot.size_class = size_class
    if location is not None and not location.equals_exact(hotspot.location, 1e-9):
        changes["location"] = [list(hotspot.location.coords), list(location.coords)]
        hotspot.location = location
        set_cells(hotspot, location)
    if not changes:
        return hotspot
    _full_clean(hotspot)
    hotspot.save()
    if "location" in changes:
        _set_areas(hotspot)
    _record(hotspot, Action.CORRECT, actor=actor, reason=reason, details=changes)
    hotspot_rescore(hotspot)
    return hotspot


@transaction.atomic
def hotspot_mark_cleaned(
    *, hotspot: Hotspot, actor, reason: str = "", details=None
) -> Hotspot:
    """Mark a hotspot cleaned (a cleanup event claimed it).

    A claim is no moderation: a report no organiser has verified yet becomes
    "cleaned_unverified" (not public, in the organisers' queue) and turns
    "cleaned" when an organiser verifies it (hotspot_verify).
    """
    return _move(
        hotspot,
        action=Action.CLEAN,
        to=lambda status: (
            Status.CLEANED_UNVERIFIED if status == Status.REPORTED else Status.CLEANED
        ),
        allowed_from=OPEN_STATUSES,
        actor=actor,
        reason=reason,
        details=details,
    )


@transaction.atomic
def hotspot_revert_clean(
    *, hotspot: Hotspot, actor, reason: str, details=None
) -> Hotspot:
    """Undo "cleaned" when the cleanup that claimed it was rejected by the jury.

    The hotspot returns to the status it had before it was marked cleaned.
    """
    hotspot = _locked(hotspot)
    if hotspot.status not in CLEANED_STATUSES:
        return hotspot
    last_clean = (
        hotspot.history.filter(action=Action.CLEAN).order_by("-at", "-id").first()
    )
    previous = last_clean.from_status if last_clean else Status.VERIFIED
    if previous == Status.REPORTED and hotspot.status == Status.CLEANED:
        # Verified since the claim (hotspot_verify): it stays verified.
        previous = Status.VERIFIED
    cleaned = hotspot.status
    hotspot.status = previous
    hotspot.save(update_fields=["status", "updated_at"])
    _record(
        hotspot,
        Action.UNCLEAN,
        actor=actor,
        from_status=cleaned,
        to_status=previous,
        reason=reason,
        details=details,
    )
    return hotspot


@transaction.atomic
def hotspot_add_photos(*, hotspot: Hotspot, images) -> Hotspot:
    """Add photos (an organiser's or the platform's own: published with the hotspot)."""
    _store_photos(hotspot, images)
    return hotspot


@transaction.atomic
def hotspot_review_photos(*, hotspot: Hotspot, actor, approve: bool) -> int:
    """Publish (approve) or delete (reject) the photos awaiting review; return
    how many. The files of rejected photos are deleted after the commit."""
    hotspot = Hotspot.objects.select_for_update().get(pk=hotspot.pk)
    pending = list(HotspotPhoto.objects.filter(hotspot=hotspot).pending())
    if not pending:
        raise HotspotError("nothing_pending", _("Không có ảnh mới nào chờ duyệt."))
    ids = [photo.pk for photo in pending]
    if approve:
        HotspotPhoto.objects.filter(pk__in=ids).update(pending=False)
    else:
        names = [
            n for photo in pending for n in (photo.image.name, photo.thumbnail.name)
        ]
        HotspotPhoto.objects.filter(pk__in=ids).delete()
        transaction.on_commit(lambda: [default_storage.delete(n) for n in names])
    _record(
        hotspot,
        Action.PHOTOS_APPROVE if approve else Action.PHOTOS_REJECT,
        actor=actor,
        details={"photos": len(ids)},
    )
    return len(ids)
