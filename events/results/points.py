"""Stored points and standings: each event's points (EventPoints) and each approved
entrant's totals and tie-break keys (EntrantStanding), kept equal to the full
recomputation (events.results.standings.campaign_standings).

They are written in the transaction of every change to a scoring input, by the
service that makes it:
- a decision (events.judging.services.event_decide) or a logged event
  (events.cleanups.services.event_log): that entrant;
- an entrant approved or rejected (events.campaigns.services): that entrant;
- a claimed hotspot's priority flag (hotspots.services.hotspot_set_priority,
  through hotspots.signals.priority_changed): the entrants that claimed it;
- a campaign's weights or coverage level (events.campaigns.services.campaign_update):
  the whole campaign, in that transaction.
Writers that bypass the services (generate_data; areas re-linked in bulk by
geo.services.areas_assign_bulk) call campaign_refresh() or standings_rebuild()
afterwards. Freezing and reopening change no input: the live standings go on
being the live ones, and a freeze's snapshot is computed from the raw rows.

An entrant is recomputed whole, from its events, with the same pure functions
(events.results.scoring) as the full recomputation, under a lock on its standing
row taken before anything is read. Under READ COMMITTED the last writer to get the
lock therefore reads every committed change and its own: concurrent decisions,
priority flags and weight changes cannot leave a stale total.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction

from events.models import (
    COLLECTIVE_KINDS,
    Campaign,
    CleanupEvent,
    Entrant,
    EntrantStanding,
    EntrantStatus,
    EventPoints,
    PrizeCategory,
)
from events.results import scoring
from events.results.selectors import ranking
from events.results.standings import campaign_standings, event_inputs, weights_for

STANDING_FIELDS = (
    "campaign",
    "category",
    "points",
    "event_points",
    "coverage_bonus",
    "areas",
    "priority_weighted_kg",
    "last_event_end",
    "events",
    "lines",
)


def category_of(entrant: Entrant) -> str:
    if entrant.kind in COLLECTIVE_KINDS:
        return PrizeCategory.COLLECTIVE
    return PrizeCategory.INDIVIDUAL


def _zero(entrant: Entrant) -> EntrantStanding:
    return EntrantStanding(
        entrant_id=entrant.pk,
        campaign_id=entrant.campaign_id,
        category=category_of(entrant),
        points=0,
        event_points=0,
        coverage_bonus=0,
        areas=0,
        priority_weighted_kg=0,
        last_event_end=None,
        events=0,
        lines=[],
    )


def _lock(entrant_ids: list[int]) -> None:
    """Lock the entrants' standing rows (in id order: no deadlock between two
    writers), creating those of approved entrants that have none yet."""
    approved = Entrant.objects.filter(
        pk__in=entrant_ids, status=EntrantStatus.APPROVED
    ).order_by("pk")
    EntrantStanding.objects.bulk_create(
        [_zero(entrant) for entrant in approved], ignore_conflicts=True
    )
    list(
        EntrantStanding.objects.select_for_update()
        .filter(entrant_id__in=entrant_ids)
        .order_by("entrant_id")
        .values_list("pk", flat=True)
    )


@transaction.atomic
def entrants_refresh(entrant_ids: Iterable[int]) -> int:
    """Recompute and store the points and standings of these entrants.

    Entrants that are not (or no longer) approved lose their rows. Return how many
    standings were stored.
    """
    ids = sorted(set(entrant_ids))
    if not ids:
        return 0
    _lock(ids)
    # Read after the lock: the campaign's weights too (campaign_update may have
    # just committed new ones).
    groups: dict[int, list[Entrant]] = defaultdict(list)
    for entrant in Entrant.objects.filter(pk__in=ids).select_related("campaign"):
        groups[entrant.campaign_id].append(entrant)
    return sum(_store(entrants[0].campaign, entrants) for entrants in groups.values())


def _store(campaign: Campaign, entrants: list[Entrant]) -> int:
    weights = weights_for(campaign)
    approved = [e for e in entrants if e.status == EntrantStatus.APPROVED]
    inputs = event_inputs(campaign, [e.pk for e in approved])
    others = [e.pk for e in entrants if e.status != EntrantStatus.APPROVED]
    EventPoints.objects.filter(entrant_id__in=others).delete()
    EntrantStanding.objects.filter(entrant_id__in=others).delete()
    events: list[EventPoints] = []
    standings: list[EntrantStanding] = []
    for entrant in approved:
        score = scoring.entrant_score(entrant.pk, inputs.get(entrant.pk, []), weights)
        events.extend(
            EventPoints(
                event_id=event.event_id,
                entrant_id=entrant.pk,
                points=event.points,
                priority_weighted_kg=event.priority_weighted_kg,
                lines=[line.to_json() for line in event.lines],
            )
            for event in score.events
        )
        standings.append(
            EntrantStanding(
                entrant_id=entrant.pk,
                campaign_id=campaign.pk,
                category=category_of(entrant),
                points=score.points,
                event_points=score.event_points,
                coverage_bonus=score.coverage_bonus,
                areas=score.areas,
                priority_weighted_kg=score.priority_weighted_kg,
                last_event_end=score.last_event_end,
                events=len(score.events),
                lines=[line.to_json() for line in score.lines],
            )
        )
    # Upserts, not delete and insert: updating a row whose foreign key stays the
    # same takes no lock on the event it points to, whereas inserting one takes a
    # KEY SHARE lock on it, which waits for a judge holding that event (FOR UPDATE)
    # while waiting in turn for this standing: a deadlock. Events of an approved
    # entrant are never deleted (PROTECT), so the upsert covers every old row.
    EventPoints.objects.bulk_create(
        events,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["event"],
        update_fields=["points", "priority_weighted_kg", "lines"],
    )
    EntrantStanding.objects.bulk_create(
        standings,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["entrant"],
        update_fields=[*STANDING_FIELDS, "updated_at"],
    )
    return len(standings)


def campaign_refresh(campaign: Campaign) -> int:
    """Recompute the stored points and standings of a whole campaign (one
    transaction); return how many standings were stored."""
    return entrants_refresh(
        Entrant.objects.filter(campaign=campaign).values_list("pk", flat=True)
    )


def hotspots_changed(hotspot_ids: Iterable[int]) -> int:
    """Recompute the entrants whose events claimed these hotspots (their priority
    flag changed)."""
    return entrants_refresh(
        CleanupEvent.objects.filter(hotspots__in=list(hotspot_ids))
        .values_list("entrant_id", flat=True)
        .distinct()
    )


def on_priority_changed(sender, *, hotspot_ids, **kwargs) -> None:
    """hotspots.signals.priority_changed: recompute the entrants that claimed them."""
    hotspots_changed(hotspot_ids)


# --- the check and the rebuild ------------------------------------------------------


@dataclass(frozen=True)
class Rebuilt:
    campaigns: int
    entrants: int
    events: int


@transaction.atomic
def standings_rebuild() -> Rebuilt:
    """Recompute every campaign's stored points and standings from the raw rows."""
    # Rows left by entrants or events that no longer exist in a campaign's
    # standings cannot survive the per-campaign refresh: it covers every entrant.
    campaigns = list(Campaign.objects.order_by("pk"))
    entrants = sum(campaign_refresh(campaign) for campaign in campaigns)
    return Rebuilt(len(campaigns), entrants, EventPoints.objects.count())


def _differ(where: str, name: str, stored, expected) -> str | None:
    if stored == expected:
        return None
    return f"{where}: {name} stored {stored!r}, recomputed {expected!r}"


def standings_differences(campaign: Campaign | None = None) -> list[str]:
    """Return how the stored points and standings differ from a full
    recomputation (of one campaign, or all): one line per difference, none when
    they are equal. The ranking the database computes is checked as well."""
    campaigns = Campaign.objects.order_by("pk")  # as stored, not as passed
    if campaign is not None:
        campaigns = campaigns.filter(pk=campaign.pk)
    out: list[str] = []
    for each in campaigns:
        out.extend(_campaign_differences(each))
    return out


def _campaign_differences(campaign: Campaign) -> list[str]:
    expected = campaign_standings(campaign)
    stored = {
        s.entrant_id: s for s in EntrantStanding.objects.filter(campaign=campaign)
    }
    stored_events = {
        p.event_id: p
        for p in EventPoints.objects.filter(event__entrant__campaign=campaign)
    }
    out: list[str] = []
    for category, rows in (
        (PrizeCategory.COLLECTIVE, expected.collective),
        (PrizeCategory.INDIVIDUAL, expected.individual),
    ):
        for standing in rows:
            score = standing.ranked.score
            where = f"{campaign.slug}: entrant {score.entrant_id}"
            row = stored.pop(score.entrant_id, None)
            if row is None:
                out.append(f"{where}: no stored standing")
            else:
                for name, value, want in (
                    ("category", row.category, category.value),
                    ("points", row.points, score.points),
                    ("event_points", row.event_points, score.event_points),
                    ("coverage_bonus", row.coverage_bonus, score.coverage_bonus),
                    ("areas", row.areas, score.areas),
                    (
                        "priority_weighted_kg",
                        row.priority_weighted_kg,
                        score.priority_weighted_kg,
                    ),
                    ("last_event_end", row.last_event_end, score.last_event_end),
                    ("events", row.events, len(score.events)),
                    ("lines", row.lines, [line.to_json() for line in score.lines]),
                ):
                    difference = _differ(where, name, value, want)
                    if difference:
                        out.append(difference)
            for event in score.events:
                at = f"{campaign.slug}: event {event.event_id}"
                points = stored_events.pop(event.event_id, None)
                if points is None:
                    out.append(f"{at}: no stored points")
                    continue
                for name, value, want in (
                    ("entrant", points.entrant_id, score.entrant_id),
                    ("points", points.points, event.points),
                    (
                        "priority_weighted_kg",
                        points.priority_weighted_kg,
                        event.priority_weighted_kg,
                    ),
                    ("lines", points.lines, [line.to_json() for line in event.lines]),
                ):
                    difference = _differ(at, name, value, want)
                    if difference:
                        out.append(difference)
        out.extend(_ranking_differences(campaign, category, rows))
    out.extend(
        f"{campaign.slug}: entrant {entrant_id}: stored standing of an entrant "
        "that is not approved"
        for entrant_id in sorted(stored)
    )
    out.extend(
        f"{campaign.slug}: event {event_id}: stored points of an event no "
        "standing counts"
        for event_id in sorted(stored_events)
    )
    return out


def _ranking_differences(campaign: Campaign, category: str, rows) -> list[str]:
    """The order, ranks and ties of the SQL ranking against scoring.rank."""
    expected = [
        (r.ranked.score.entrant_id, r.ranked.rank, tuple(r.ranked.tied_with))
        for r in rows
    ]
    got = [
        (row.entrant_id, row.rank, row.tied_with) for row in ranking(campaign, category)
    ]
    if got == expected:
        return []
    return [
        f"{campaign.slug}: {category} ranking stored {got[:10]!r}…, "
        f"recomputed {expected[:10]!r}…"
    ]
