"""Standings of a campaign: the scoring inputs read from the database, then ranked.

One pass over the campaign's events (a fixed number of queries), then the pure
functions of events/scoring.py.
"""

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass

from django.db.models import Prefetch

from events.defaults import scoring_defaults
from events.models import (
    COLLECTIVE_KINDS,
    Campaign,
    CleanupEvent,
    Entrant,
    PrizeCategory,
)
from events.results import scoring
from geo.models import AdminArea
from hotspots.models import Hotspot


@dataclass(frozen=True)
class Standing:
    ranked: scoring.Ranked
    entrant: Entrant


@dataclass(frozen=True)
class Standings:
    collective: list[Standing]
    individual: list[Standing]
    allocation: dict[str, scoring.Allocation]


def weights_for(campaign: Campaign) -> dict:
    defaults = scoring_defaults()
    merged = {**defaults, **(campaign.scoring or {})}
    merged["points_per_kg"] = {
        **defaults["points_per_kg"],
        **merged.get("points_per_kg", {}),
    }
    return merged


def event_inputs(
    campaign: Campaign, entrant_ids: Collection[int] | None = None
) -> dict[int, list[scoring.EventInput]]:
    """Return each approved entrant's events as scoring inputs, keyed by entrant id
    (only those of `entrant_ids` when given)."""
    events = CleanupEvent.objects.filter(
        entrant__campaign=campaign, entrant__status="approved"
    )
    if entrant_ids is not None:
        events = events.filter(entrant_id__in=list(entrant_ids))
    events = events.select_related("current_decision").prefetch_related(
        Prefetch("hotspots", queryset=Hotspot.objects.only("id", "priority")),
        Prefetch(
            "areas",
            queryset=AdminArea.objects.filter(level=campaign.coverage_level).only("id"),
        ),
    )
    out: dict[int, list[scoring.EventInput]] = defaultdict(list)
    for event in events:
        decision = event.current_decision
        out[event.entrant_id].append(
            scoring.EventInput(
                event_id=event.pk,
                entrant_id=event.entrant_id,
                verdict=decision.verdict if decision else None,
                weight_kg=decision.verified_weight_kg if decision else event.weight_kg,
                plastic_kg=decision.verified_plastic_kg
                if decision
                else event.plastic_kg,
                water_hyacinth_kg=(
                    decision.verified_water_hyacinth_kg
                    if decision
                    else event.water_hyacinth_kg
                ),
                other_kg=decision.verified_other_kg if decision else event.other_kg,
                method=decision.verified_method if decision else event.weight_method,
                priority=any(h.priority for h in event.hotspots.all()),
                area_ids=frozenset(a.id for a in event.areas.all()),
                ended_at=event.ended_at,
            )
        )
    return out


def campaign_standings(campaign: Campaign) -> Standings:
    """Rank the approved entrants of a campaign, collective and individual apart."""
    weights = weights_for(campaign)
    inputs = event_inputs(campaign)
    entrants = {
        e.pk: e for e in Entrant.objects.filter(campaign=campaign, status="approved")
    }
    groups = {"collective": [], "individual": []}
    for entrant in entrants.values():
        category = "collective" if entrant.kind in COLLECTIVE_KINDS else "individual"
        groups[category].append(
            scoring.entrant_score(entrant.pk, inputs.get(entrant.pk, []), weights)
        )
    prizes = {category: [] for category in groups}
    for prize in campaign.prizes.all():
        prizes[prize.category].append(
            scoring.PrizeSlot(prize.rank, prize.label, prize.count, prize.amount_vnd)
        )
    ranked = {category: scoring.rank(scores) for category, scores in groups.items()}
    return Standings(
        collective=[
            Standing(r, entrants[r.score.entrant_id]) for r in ranked["collective"]
        ],
        individual=[
            Standing(r, entrants[r.score.entrant_id]) for r in ranked["individual"]
        ],
        allocation={
            category: scoring.allocate(ranked[category], prizes[category])
            for category in (PrizeCategory.COLLECTIVE, PrizeCategory.INDIVIDUAL)
        },
    )
