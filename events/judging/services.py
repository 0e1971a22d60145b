"""Write paths of the jury: decisions on events, with an immutable audit trail.

A decision locks the event row (select_for_update), records who decided what,
the figures before and after and why, and makes itself the event's current
decision. Two judges deciding at the same moment are serialised by the lock:
both decisions are kept, the later one is current.
"""

from collections.abc import Sequence
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.phones import normalize_phone
from accounts.roles import Role, has_role
from events.campaigns.services import tell_representative
from events.cleanups.services import (
    MAX_PHOTOS_PER_KIND,
    event_photos_store,
    kg_value,
)
from events.errors import ContestError
from events.models import (
    INFO_MESSAGE_MAX_LENGTH,
    CleanupEvent,
    ConflictDeclaration,
    Entrant,
    EventDecision,
    EventInfoRequest,
    EventStatus,
    JudgeProfile,
    PhotoKind,
    Verdict,
    WeightMethod,
)
from events.results.points import entrants_refresh
from events.signals import event_info_supplied, event_needs_info
from hotspots import photos as photo_pipeline
from hotspots.services import hotspot_revert_clean
from notifications import kinds as notice

STATUS_FOR = {
    Verdict.APPROVE: EventStatus.APPROVED,
    Verdict.ADJUST: EventStatus.ADJUSTED,
    Verdict.REJECT: EventStatus.REJECTED,
}
# What the team's representative is told of each verdict.
NOTICE_FOR = {
    Verdict.APPROVE: notice.EVENT_APPROVED,
    Verdict.ADJUST: notice.EVENT_ADJUSTED,
    Verdict.REJECT: notice.EVENT_REJECTED,
}


def conflict_reason(judge, entrant: Entrant) -> str | None:
    """Return why this judge may not review this entrant's events, or None.

    Declared links, being its representative or a member (by account, phone or
    email), or the same organisation as declared on the judge's profile.
    """
    if ConflictDeclaration.objects.filter(judge=judge, entrant=entrant).exists():
        return _("Bạn đã khai báo có liên quan tới đội thi này.")
    if entrant.representative_id == judge.pk:
        return _("Bạn là người đại diện của đội thi này.")
    contact = getattr(entrant, "contact", None)
    phone = normalize_phone(judge.phone) if judge.phone else ""
    email = (judge.email or "").strip().casefold()
    people = [(m.phone, m.email) for m in entrant.members.all()]
    if contact is not None:
        people.append((contact.phone, contact.email))
    for person_phone, person_email in people:
        if (phone and person_phone == phone) or (
            email and (person_email or "").strip().casefold() == email
        ):
            return _("Bạn là thành viên hoặc người đại diện của đội thi này.")
    profile = JudgeProfile.objects.filter(user=judge).first()
    organisation = (profile.organisation if profile else "").strip().casefold()
    if organisation and contact is not None:
        if organisation in {
            contact.organisation.strip().casefold(),
            entrant.name.strip().casefold(),
        }:
            return _("Bạn cùng đơn vị / tổ chức với đội thi này.")
    return None


def figures(event: CleanupEvent) -> dict:
    """Return the event's current figures: the latest decision's, else as reported."""
    decision = event.current_decision
    if decision is not None:
        return {
            "weight_kg": str(decision.verified_weight_kg),
            "plastic_kg": str(decision.verified_plastic_kg),
            "water_hyacinth_kg": str(decision.verified_water_hyacinth_kg),
            "other_kg": str(decision.verified_other_kg),
            "method": decision.verified_method,
            "status": event.status,
        }
    return {
        "weight_kg": str(event.weight_kg),
        "plastic_kg": str(event.plastic_kg),
        "water_hyacinth_kg": str(event.water_hyacinth_kg),
        "other_kg": str(event.other_kg),
        "method": event.weight_method,
        "status": event.status,
    }


@transaction.atomic
def event_decide(
    *,
    event: CleanupEvent,
    judge,
    verdict: str,
    reason: str = "",
    weight_kg=None,
    plastic_kg=None,
    water_hyacinth_kg=None,
    other_kg=None,
    method: str | None = None,
) -> EventDecision:
    """Approve, adjust (new verified figures, reason required) or reject (reason required)."""
    if not has_role(judge, Role.JUDGE):
        raise ContestError(
            "not_judge", _("Chỉ Ban Giám khảo được chấm sự kiện."), status=403
        )
    if verdict not in Verdict.values:
        raise ContestError("invalid_choice", _("Quyết định không hợp lệ."), "verdict")
    reason = reason.strip()
    if verdict != Verdict.APPROVE and not reason:
        raise ContestError("reason_required", _("Cần ghi lý do."), "reason")
    # Lock the event row only (nullable relations cannot join a FOR UPDATE);
    # related rows are read after the lock is held.
    event = (
        CleanupEvent.objects.select_for_update(of=("self",))
        .select_related("entrant")
        .get(pk=event.pk)
    )
    from events.results.services import (
        is_frozen,  # results builds on standings, not on this module
    )

    if is_frozen(event.entrant.campaign):
        raise ContestError(
            "frozen",
            _("Kết quả đã được chốt; Ban Tổ chức cần mở lại việc chấm trước."),
            status=409,
        )
    why_not = conflict_reason(judge, event.entrant)
    if why_not:
        raise ContestError("conflict_of_interest", why_not, status=403)
    before = figures(event)
    if verdict == Verdict.ADJUST:
        verified = _adjusted(weight_kg, plastic_kg, water_hyacinth_kg, other_kg, method)
    else:
        verified = {
            "weight_kg": Decimal(before["weight_kg"]),
            "plastic_kg": Decimal(before["plastic_kg"]),
            "water_hyacinth_kg": Decimal(before["water_hyacinth_kg"]),
            "other_kg": Decimal(before["other_kg"]),
            "method": before["method"],
        }
    decision = EventDecision.objects.create(
        event=event,
        judge=judge,
        verdict=verdict,
        verified_weight_kg=verified["weight_kg"],
        verified_plastic_kg=verified["plastic_kg"],
        verified_water_hyacinth_kg=verified["water_hyacinth_kg"],
        verified_other_kg=verified["other_kg"],
        verified_method=verified["method"],
        reason=reason,
        before=before,
        after={
            **{key: str(value) for key, value in verified.items()},
            "status": STATUS_FOR[verdict],
        },
    )
    event.current_decision = decision
    event.status = STATUS_FOR[verdict]
    event.save(update_fields=["current_decision", "status", "updated_at"])
    if verdict == Verdict.REJECT:
        for hotspot in event.hotspots.all():
            hotspot_revert_clean(
                hotspot=hotspot,
                actor=judge,
                reason=_("Sự kiện thu gom #%(id)s bị Ban Giám khảo loại.")
                % {"id": event.pk},
                details={"event": event.pk},
            )
    # The event's points and its entrant's standing, in this transaction.
    entrants_refresh([event.entrant_id])
    tell_representative(
        event.entrant,
        NOTICE_FOR[verdict],
        about=event,
        link=event.get_absolute_url(),
        params={"id": event.pk, "reason": reason},
    )
    return decision


def _adjusted(weight_kg, plastic_kg, water_hyacinth_kg, other_kg, method) -> dict:
    if weight_kg is None:
        raise ContestError("required", _("Cần nhập khối lượng xác nhận."), "weight_kg")
    if method not in WeightMethod.values:
        raise ContestError(
            "invalid_choice", _("Cách xác định khối lượng không hợp lệ."), "method"
        )
    verified = {
        "weight_kg": kg_value(weight_kg, "weight_kg"),
        "plastic_kg": kg_value(plastic_kg or 0, "plastic_kg"),
        "water_hyacinth_kg": kg_value(water_hyacinth_kg or 0, "water_hyacinth_kg"),
        "other_kg": kg_value(other_kg or 0, "other_kg"),
        "method": method,
    }
    parts = (
        verified["plastic_kg"] + verified["water_hyacinth_kg"] + verified["other_kg"]
    )
    if parts > verified["weight_kg"]:
        raise ContestError(
            "breakdown_above_total",
            _("Tổng các loại rác không được lớn hơn tổng khối lượng."),
            "breakdown",
        )
    return verified


# --- "needs more information": the jury asks, the team answers --------------------

# Who may ask a team for more information before deciding.
INFO_REQUEST_ROLES = (Role.JUDGE, Role.ORGANISER)


def _text(value: str, field: str, *, required: bool) -> str:
    text = (value or "").strip()
    if required and not text:
        raise ContestError("required", _("Cần ghi nội dung cần bổ sung."), field)
    if len(text) > INFO_MESSAGE_MAX_LENGTH:
        raise ContestError(
            "too_long",
            _("Tối đa %(n)s ký tự.") % {"n": INFO_MESSAGE_MAX_LENGTH},
            field,
        )
    return text


def _locked(event: CleanupEvent) -> CleanupEvent:
    return (
        CleanupEvent.objects.select_for_update(of=("self",))
        .select_related("entrant__campaign")
        .get(pk=event.pk)
    )


@transaction.atomic
def event_request_info(*, event: CleanupEvent, user, message: str) -> EventInfoRequest:
    """Ask the team for more information (judges, organisers): the event waits.

    Only an event waiting for the jury (submitted) can be asked about; it becomes
    needs_info, which counts as not decided yet. The signal event_needs_info is
    sent once the transaction has committed.
    """
    if not any(has_role(user, role) for role in INFO_REQUEST_ROLES):
        raise ContestError(
            "not_allowed",
            _("Chỉ Ban Giám khảo hoặc Ban Tổ chức được yêu cầu bổ sung thông tin."),
            status=403,
        )
    message = _text(message, "message", required=True)
    event = _locked(event)
    from events.results.services import is_frozen

    if is_frozen(event.entrant.campaign):
        raise ContestError(
            "frozen",
            _("Kết quả đã được chốt; Ban Tổ chức cần mở lại việc chấm trước."),
            status=409,
        )
    if has_role(user, Role.JUDGE):
        why_not = conflict_reason(user, event.entrant)
        if why_not:
            raise ContestError("conflict_of_interest", why_not, status=403)
    if event.status != EventStatus.SUBMITTED:
        raise ContestError(
            "invalid_transition",
            _("Chỉ yêu cầu bổ sung được cho sự kiện đang chờ chấm (hiện: %(s)s).")
            % {"s": event.get_status_display()},
            "status",
        )
    request = EventInfoRequest(event=event, requested_by=user, message=message)
    request.full_clean()
    request.save()
    event.status = EventStatus.NEEDS_INFO
    event.save(update_fields=["status", "updated_at"])
    tell_representative(
        event.entrant,
        notice.EVENT_NEEDS_INFO,
        about=event,
        link=event.get_absolute_url(),
        params={"id": event.pk, "message": message},
    )
    transaction.on_commit(
        lambda: event_needs_info.send(
            sender=EventInfoRequest, info_request=request, event=event
        )
    )
    return request


@transaction.atomic
def event_answer_info(
    *,
    event: CleanupEvent,
    user,
    note: str = "",
    images: Sequence[photo_pipeline.CleanImage] = (),
    kind: str = PhotoKind.AFTER,
) -> EventInfoRequest:
    """Answer the open request (the team's representative) with a note and/or photos.

    The answer is recorded on the request (who, when); the photos join the event's
    before/after photos; the event goes back to the jury's queue (submitted),
    shown there as supplied. All or nothing; the photo files are written last.
    """
    if user is None or not user.is_authenticated:
        raise ContestError(
            "not_authenticated", _("Cần đăng nhập để bổ sung thông tin."), status=403
        )
    event = _locked(event)
    if event.entrant.representative_id != user.pk:
        raise ContestError(
            "not_representative",
            _("Chỉ người đại diện của đội được bổ sung thông tin cho sự kiện."),
            status=403,
        )
    if event.status != EventStatus.NEEDS_INFO:
        raise ContestError(
            "invalid_transition",
            _("Sự kiện này không có yêu cầu bổ sung thông tin đang chờ."),
            "status",
        )
    note = _text(note, "note", required=False)
    if not note and not images:
        raise ContestError(
            "required", _("Cần ghi chú hoặc ít nhất một ảnh bổ sung."), "note"
        )
    if len(images) > MAX_PHOTOS_PER_KIND:
        raise ContestError(
            "too_many_files",
            _("Tối đa %(n)s ảnh.") % {"n": MAX_PHOTOS_PER_KIND},
            "photos",
        )
    if kind not in PhotoKind.values:
        raise ContestError("invalid_choice", _("Loại ảnh không hợp lệ."), "kind")
    request = (
        EventInfoRequest.objects.select_for_update()
        .filter(event=event, answered_at__isnull=True)
        .first()
    )
    if request is None:  # needs_info without an open request: never written so
        raise ContestError(
            "invalid_transition",
            _("Sự kiện này không có yêu cầu bổ sung thông tin đang chờ."),
            "status",
        )
    request.answer_note = note
    request.answered_by = user
    request.answered_at = timezone.now()
    request.save(update_fields=["answer_note", "answered_by", "answered_at"])
    event.status = EventStatus.SUBMITTED
    event.save(update_fields=["status", "updated_at"])
    # Files last: storage does not roll back, so write them once nothing can fail.
    event_photos_store(event=event, images=images, kind=kind, info_request=request)
    transaction.on_commit(
        lambda: event_info_supplied.send(
            sender=EventInfoRequest, info_request=request, event=event
        )
    )
    return request
