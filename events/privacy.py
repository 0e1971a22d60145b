"""Personal data of entrants: what is held about a person, deletion requests and
anonymisation (Law 91/2025/QH15; Decree 356/2025); and the account-level provider
registered with accounts.privacy by EventsConfig.ready.

Anonymising keeps an entrant's events and their figures (weights, breakdown,
participant counts, places) so the results stay true, and removes every name
and contact detail.
"""

import datetime as dt
import json
import logging
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from events.errors import ContestError
from events.models import (
    CleanupEvent,
    Entrant,
    EntrantKind,
    EventInfoRequest,
    Member,
    Participant,
    RepresentativeContact,
)

logger = logging.getLogger(__name__)

ANONYMISED_NAME = "Đã xoá"
# A neutral birth date for anonymised contacts: the column is required, and
# 1900-01-01 is the earliest date registration accepts, so it reads as "none".
ANONYMISED_BIRTH_DATE = dt.date(1900, 1, 1)


def _local(value: dt.datetime | None) -> str | None:
    return timezone.localtime(value).isoformat() if value else None


def _geometry(geom) -> dict | None:
    return json.loads(geom.geojson) if geom else None


def _event_data(event: CleanupEvent) -> dict:
    return {
        "id": event.pk,
        "title": event.title,
        "status": event.status,
        "lon": event.location.x,
        "lat": event.location.y,
        "outline": _geometry(event.outline),
        "route": _geometry(event.route),
        "started_at": _local(event.started_at),
        "ended_at": _local(event.ended_at),
        "weight_kg": str(event.weight_kg),
        "weight_method": event.weight_method,
        "breakdown": {
            "plastic_kg": str(event.plastic_kg),
            "water_hyacinth_kg": str(event.water_hyacinth_kg),
            "other_kg": str(event.other_kg),
        },
        "bags": event.bags,
        "notes": event.notes,
        "areas": [area.name for area in event.areas.all()],
        "hotspots": [hotspot.pk for hotspot in event.hotspots.all()],
        "participants": [person.full_name for person in event.participants.all()],
        "photos": [
            {"kind": photo.kind, "image": photo.image.name}
            for photo in event.photos.all()
        ],
        # The jury's requests for more information and the team's answers.
        "info_requests": [
            {
                "message": request.message,
                "requested_at": _local(request.requested_at),
                "answer_note": request.answer_note,
                "answered_at": _local(request.answered_at),
            }
            for request in event.info_requests.all()
        ],
        "created_at": _local(event.created_at),
    }


def _entrant_data(entrant: Entrant) -> dict:
    contact = getattr(entrant, "contact", None)
    return {
        "id": entrant.pk,
        "campaign": {"slug": entrant.campaign.slug, "name": entrant.campaign.name},
        "kind": entrant.kind,
        "name": entrant.name,
        "status": entrant.status,
        "registered_at": _local(entrant.registered_at),
        "decided_at": _local(entrant.decided_at),
        "decision_reason": entrant.decision_reason,
        "deletion_requested_at": _local(entrant.deletion_requested_at),
        "anonymised_at": _local(entrant.anonymised_at),
        "representative": None
        if contact is None
        else {
            "full_name": contact.full_name,
            "date_of_birth": contact.date_of_birth.isoformat(),
            "organisation": contact.organisation,
            "phone": contact.phone,
            "email": contact.email,
        },
        "members": [
            {"full_name": m.full_name, "phone": m.phone, "email": m.email}
            for m in entrant.members.all()
        ],
        "consents": [
            {
                "purpose": c.purpose,
                "granted": c.granted,
                "notice_version": c.notice_version,
                "at": _local(c.at),
            }
            for c in entrant.consents.all()
        ],
        "events": [_event_data(event) for event in entrant.events.all()],
    }


def account_export(user) -> dict[str, Any]:
    """Return the entrants the person represents (the account's own download)."""
    entrants = Entrant.objects.filter(representative=user).select_related("campaign")
    return {
        "entrants_represented": [
            {
                "id": e.pk,
                "campaign": e.campaign.slug,
                "name": e.name,
                "status": e.status,
            }
            for e in entrants
        ],
    }


def account_erase(user) -> None:
    """Unlink the person from the entrants they represent.

    An entrant keeps its figures; its contact data is handled by the contest's
    own deletion request (entrant_request_deletion, entrant_anonymise). The
    foreign key's SET_NULL would do the same on deletion; it is done here so the
    rule is stated, and kept, where the data lives.
    """
    Entrant.objects.filter(representative=user).update(representative=None)


def subject_data(user) -> dict:
    """Return everything the contest holds about a person and their entrants."""
    events = CleanupEvent.objects.order_by("started_at", "id").prefetch_related(
        "areas", "hotspots", "participants", "photos", "info_requests"
    )
    entrants = (
        Entrant.objects.filter(representative=user)
        .select_related("campaign", "contact")
        .prefetch_related("members", "consents", Prefetch("events", queryset=events))
        .order_by("registered_at")
    )
    return {
        "generated_at": timezone.localtime().isoformat(),
        "notice_version": settings.ENTRANT_NOTICE_VERSION,
        "account": {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "phone": user.phone,
            "date_joined": _local(user.date_joined),
            "terms_version": user.terms_version,
            "terms_accepted_at": _local(user.terms_accepted_at),
        },
        "entrants": [_entrant_data(entrant) for entrant in entrants],
    }


@transaction.atomic
def entrant_request_deletion(*, entrant: Entrant, user) -> Entrant:
    """Record the representative's request to delete their entrant's personal data."""
    entrant = Entrant.objects.select_for_update().get(pk=entrant.pk)
    if entrant.representative_id != user.pk:
        raise ContestError(
            "forbidden",
            _("Chỉ người đại diện của đội được yêu cầu xoá dữ liệu."),
            status=403,
        )
    if entrant.anonymised_at:
        raise ContestError(
            "already_anonymised", _("Dữ liệu của đội đã được xoá."), status=409
        )
    if entrant.deletion_requested_at is None:
        entrant.deletion_requested_at = timezone.now()
        entrant.save(update_fields=["deletion_requested_at"])
    return entrant


@transaction.atomic
def entrant_anonymise(*, entrant: Entrant, actor) -> Entrant:
    """Remove names and contact data of an entrant; keep its events and figures.

    The contact's required columns get neutral values instead of full_clean():
    emptiness is the point here, and the "required" rules are for registration.
    """
    entrant = Entrant.objects.select_for_update().get(pk=entrant.pk)
    if entrant.anonymised_at:
        raise ContestError(
            "already_anonymised", _("Dữ liệu của đội này đã được ẩn danh."), status=409
        )
    RepresentativeContact.objects.filter(entrant=entrant).update(
        full_name=ANONYMISED_NAME,
        date_of_birth=ANONYMISED_BIRTH_DATE,
        organisation="",
        phone="",
        email="",
    )
    members = list(Member.objects.filter(entrant=entrant).order_by("id"))
    for number, member in enumerate(members, start=1):
        member.full_name = f"Thành viên #{number}"
        member.phone = ""
        member.email = ""
    Member.objects.bulk_update(members, ["full_name", "phone", "email"])
    # Numbered by row id, not 1..n per event: anonymised names stay distinct, so
    # the jury's "same name in two overlapping events" flag cannot fire on them.
    participants = list(Participant.objects.filter(event__entrant=entrant))
    for person in participants:
        person.full_name = f"Người tham gia #{person.pk}"
    Participant.objects.bulk_update(participants, ["full_name"])
    CleanupEvent.objects.filter(entrant=entrant).update(
        notes="", updated_at=timezone.now()
    )
    # The team's answers to the jury are free text like the notes.
    EventInfoRequest.objects.filter(event__entrant=entrant).update(answer_note="")
    fields = ["anonymised_at"]
    if entrant.kind == EntrantKind.INDIVIDUAL:
        # An individual entrant's name is the person's own name; a team's,
        # organisation's or unit's name is kept for the results.
        entrant.name = f"Bài dự thi cá nhân #{entrant.pk}"
        fields.append("name")
    if entrant.deletion_requested_at is None:
        entrant.deletion_requested_at = timezone.now()
        fields.append("deletion_requested_at")
    entrant.anonymised_at = timezone.now()
    entrant.save(update_fields=fields)
    # No column records who anonymised; the log keeps it (ids only, no names).
    logger.info("entrant %s anonymised by user %s", entrant.pk, actor.pk)
    return entrant
