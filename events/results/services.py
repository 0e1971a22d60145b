"""Freezing, tie decisions, publication and certificates of a campaign's results.

Freezing stores every scoring input (events as decided, entrants, weights,
prizes, the jury's tie orders) and the results computed from exactly those
inputs. Published results are read from the snapshot, so later edits change
nothing until an organiser reopens judging (recorded) and freezes again.
"""

import datetime as dt
import secrets
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import has_any_role
from accounts.roles import Role
from events.campaigns.selectors import latest_consent
from events.cleanups.serializers import public_entrant_name
from events.errors import ContestError
from events.models import (
    COLLECTIVE_KINDS,
    Campaign,
    Certificate,
    ConsentPurpose,
    Entrant,
    PrizeCategory,
    ResultFreeze,
    TieBreak,
)
from events.results import scoring
from events.results.standings import event_inputs, weights_for

CATEGORIES = (PrizeCategory.COLLECTIVE, PrizeCategory.INDIVIDUAL)
SNAPSHOT_VERSION = 1  # of the inputs
# Of the whole snapshot: 2, breakdown lines as scoring.Line JSON (code, params,
# value). Format 1 (English sentences) is converted by migration 0004.
SNAPSHOT_FORMAT = 2
# Certificate codes: short, unambiguous when read aloud or typed (no 0/O, 1/I).
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def current_freeze(campaign: Campaign) -> ResultFreeze | None:
    """Return the freeze in force (the latest one not reopened), or None."""
    return (
        campaign.freezes.filter(reopened_at__isnull=True)
        .order_by("-frozen_at", "-id")
        .first()
    )


def is_frozen(campaign: Campaign) -> bool:
    return current_freeze(campaign) is not None


# --- the snapshot: inputs as plain JSON, results computed from them ---------------


def _inputs(campaign: Campaign) -> dict:
    entrants = Entrant.objects.filter(
        campaign=campaign, status="approved"
    ).prefetch_related("consents")
    events = event_inputs(campaign)
    return {
        "version": SNAPSHOT_VERSION,
        "campaign": {"slug": campaign.slug, "name": campaign.name},
        "weights": weights_for(campaign),
        "entrants": {
            str(e.pk): {
                "name": e.name,
                "category": "collective"
                if e.kind in COLLECTIVE_KINDS
                else "individual",
                "publish": latest_consent(e, ConsentPurpose.PUBLISH),
            }
            for e in entrants
        },
        "events": [
            {
                "event_id": i.event_id,
                "entrant_id": i.entrant_id,
                "verdict": i.verdict,
                "weight_kg": str(i.weight_kg),
                "plastic_kg": str(i.plastic_kg),
                "water_hyacinth_kg": str(i.water_hyacinth_kg),
                "other_kg": str(i.other_kg),
                "method": i.method,
                "priority": i.priority,
                "area_ids": sorted(i.area_ids),
                "ended_at": i.ended_at.isoformat(),
            }
            for items in events.values()
            for i in items
        ],
        "prizes": {
            category: [
                [p.rank, p.label, p.count, p.amount_vnd]
                for p in campaign.prizes.filter(category=category).order_by("rank")
            ]
            for category in CATEGORIES
        },
        "tie_orders": {
            category: [
                t.order
                for t in TieBreak.objects.filter(campaign=campaign, category=category)
            ]
            for category in CATEGORIES
        },
    }


def compute(inputs: dict) -> dict:
    """Return the results (rankings, awards, unresolved ties) of snapshot inputs."""
    weights = inputs["weights"]
    by_entrant: dict[int, list[scoring.EventInput]] = {
        int(k): [] for k in inputs["entrants"]
    }
    for e in inputs["events"]:
        if e["entrant_id"] not in by_entrant:
            continue
        by_entrant[e["entrant_id"]].append(
            scoring.EventInput(
                event_id=e["event_id"],
                entrant_id=e["entrant_id"],
                verdict=e["verdict"],
                weight_kg=Decimal(e["weight_kg"]),
                plastic_kg=Decimal(e["plastic_kg"]),
                water_hyacinth_kg=Decimal(e["water_hyacinth_kg"]),
                other_kg=Decimal(e["other_kg"]),
                method=e["method"],
                priority=e["priority"],
                area_ids=frozenset(e["area_ids"]),
                ended_at=dt.datetime.fromisoformat(e["ended_at"]),
            )
        )
    results = {}
    for category in CATEGORIES:
        ids = [
            int(k) for k, v in inputs["entrants"].items() if v["category"] == category
        ]
        ranked = scoring.rank(
            [scoring.entrant_score(i, by_entrant[i], weights) for i in ids]
        )
        prizes = [scoring.PrizeSlot(*line) for line in inputs["prizes"][category]]
        allocation = scoring.allocate(ranked, prizes, inputs["tie_orders"][category])
        results[category] = {
            "ranking": [_ranked_json(r) for r in ranked],
            "awards": [a.__dict__ for a in allocation.awards],
            "boundary_ties": [list(t) for t in allocation.boundary_ties],
        }
    return results


def _ranked_json(r: scoring.Ranked) -> dict:
    s = r.score
    return {
        "rank": r.rank,
        "entrant_id": s.entrant_id,
        "tied_with": list(r.tied_with),
        "points": str(s.points),
        "event_points": str(s.event_points),
        "coverage_bonus": str(s.coverage_bonus),
        "areas": s.areas,
        "priority_weighted_kg": str(s.priority_weighted_kg),
        "last_event_end": s.last_event_end.isoformat() if s.last_event_end else None,
        "lines": [line.to_json() for line in s.lines],
        "events": [
            {
                "event_id": e.event_id,
                "points": str(e.points),
                "lines": [line.to_json() for line in e.lines],
            }
            for e in s.events
        ],
    }


# --- write paths ------------------------------------------------------------------


def _require(user, *roles: str) -> None:
    if not has_any_role(user, roles):
        raise ContestError(
            "forbidden", _("Bạn không có quyền thực hiện thao tác này."), status=403
        )


@transaction.atomic
def tie_decide(
    *, campaign: Campaign, category: str, order: list[int], judge, reason: str
) -> TieBreak:
    """Record the jury's order for a tie at a prize boundary (before freezing)."""
    _require(judge, Role.JUDGE)
    if is_frozen(campaign):
        raise ContestError("frozen", _("Kết quả đã được chốt."), status=409)
    from events.judging.services import conflict_reason

    for entrant in Entrant.objects.filter(campaign=campaign, pk__in=order):
        why_not = conflict_reason(judge, entrant)
        if why_not:
            raise ContestError("conflict_of_interest", why_not, status=403)
    if not reason.strip():
        raise ContestError("reason_required", _("Cần ghi lý do."), "reason")
    ties = compute(_inputs(campaign))[category]["boundary_ties"]
    if sorted(order) not in [sorted(t) for t in ties]:
        raise ContestError(
            "not_a_tie",
            _("Danh sách này không phải một nhóm đồng hạng tại ranh giới giải."),
            "order",
        )
    return TieBreak.objects.create(
        campaign=campaign,
        category=category,
        order=list(order),
        judge=judge,
        reason=reason,
    )


@transaction.atomic
def campaign_freeze(*, campaign: Campaign, actor) -> ResultFreeze:
    """Freeze judging: snapshot the inputs and the results computed from them."""
    _require(actor, Role.ORGANISER)
    Campaign.objects.select_for_update().get(pk=campaign.pk)  # one freeze at a time
    if is_frozen(campaign):
        raise ContestError("frozen", _("Kết quả đã được chốt."), status=409)
    inputs = _inputs(campaign)
    return ResultFreeze.objects.create(
        campaign=campaign,
        frozen_by=actor,
        snapshot={
            "format": SNAPSHOT_FORMAT,
            "inputs": inputs,
            "results": compute(inputs),
        },
    )


@transaction.atomic
def campaign_reopen(*, campaign: Campaign, actor, reason: str) -> ResultFreeze:
    """Reopen judging (recorded); published certificates of that freeze are revoked."""
    _require(actor, Role.ORGANISER)
    if not reason.strip():
        raise ContestError("reason_required", _("Cần ghi lý do mở lại."), "reason")
    freeze = current_freeze(campaign)
    if freeze is None:
        raise ContestError("not_frozen", _("Kết quả chưa được chốt."), status=409)
    freeze.reopened_by = actor
    freeze.reopened_at = timezone.now()
    freeze.reopen_reason = reason.strip()
    freeze.save(update_fields=["reopened_by", "reopened_at", "reopen_reason"])
    freeze.certificates.filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    return freeze


@transaction.atomic
def results_publish(*, campaign: Campaign, actor) -> ResultFreeze:
    """Publish the frozen results and issue a certificate per award."""
    _require(actor, Role.SECRETARY, Role.ORGANISER)
    freeze = current_freeze(campaign)
    if freeze is None:
        raise ContestError(
            "not_frozen", _("Cần chốt kết quả trước khi công bố."), status=409
        )
    if freeze.published_at:
        return freeze
    results = freeze.snapshot["results"]
    pending = [t for c in CATEGORIES for t in results[c]["boundary_ties"]]
    if pending:
        raise ContestError(
            "unresolved_ties",
            _(
                "Còn %(n)s nhóm đồng hạng tại ranh giới giải chưa được Ban Giám khảo quyết định."
            )
            % {"n": len(pending)},
            status=409,
        )
    entrants = {e.pk: e for e in Entrant.objects.filter(campaign=campaign)}
    for category in CATEGORIES:
        for award in results[category]["awards"]:
            Certificate.objects.create(
                code=_new_code(),
                freeze=freeze,
                entrant=entrants[award["entrant_id"]],
                category=category,
                prize_rank=award["prize_rank"],
                prize_label=award["label"],
                amount_vnd=award["amount_vnd"],
                entrant_name=entrants[award["entrant_id"]].name,
            )
    freeze.published_by = actor
    freeze.published_at = timezone.now()
    freeze.save(update_fields=["published_by", "published_at"])
    return freeze


def _new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        if not Certificate.objects.filter(code=code).exists():
            return code


def public_name(freeze: ResultFreeze, entrant_id: int) -> str:
    """An entrant's name on public pages: only with its consent to publish, and
    never once its data was erased on request (the snapshot keeps the old name)."""
    entrant = freeze.snapshot["inputs"]["entrants"].get(str(entrant_id), {})
    erased = Entrant.objects.filter(pk=entrant_id, anonymised_at__isnull=False).exists()
    return public_entrant_name(
        Entrant(pk=entrant_id, name=entrant.get("name", "")),
        entrant.get("publish") and not erased,
    )
