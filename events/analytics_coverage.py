"""Coverage across administrative areas: the one computation of the per-area numbers.

Every page, API and export that shows coverage numbers calls `area_metrics`, so
the map, the table, the API and the exports cannot disagree.

Definitions (one row per area of the requested level, areas without data included):

- Hotspots are counted over the whole platform, not only since the campaign
  opened: a hotspot is a fact about a place (reported before the campaign, it
  is still there to be cleaned during it). A hotspot counts in an area through
  its `areas` M2M (stored when it was reported). Rejected and duplicate reports
  never count.
  * hotspots_reported: every other report (including those not yet verified);
  * hotspots_verified: verified at some point (verified, cleaned, reopened);
  * hotspots_priority: marked priority;
  * hotspots_cleaned: cleaned now (a reopened hotspot is not cleaned);
  * priority_cleaned_share: cleaned priority / priority, None with no priority.
- Events are the campaign's cleanup events that the jury has not rejected
  (submitted, approved, adjusted), counted in an area through their `areas` M2M.
  * verified_kg: the current decision's verified weight, approved and adjusted
    events only (a submitted event has no verified figure yet);
  * participants: participations (one per person per event) in those events;
  * active_entrants: distinct entrants with at least one of those events.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db import connection

from events.models import Campaign, CleanupEvent, EventStatus, Participant
from geo.models import AdminArea
from hotspots.models import Hotspot, Status

NOT_COUNTED_HOTSPOT = (Status.REJECTED, Status.DUPLICATE)
VERIFIED_HOTSPOT = (Status.VERIFIED, Status.CLEANED, Status.REOPENED)
VERIFIED_EVENT = (EventStatus.APPROVED, EventStatus.ADJUSTED)


@dataclass(frozen=True)
class AreaMetrics:
    """The coverage numbers of one area for one campaign."""

    area_id: int
    name: str
    code: str
    level: str
    approximate: bool
    hotspots_reported: int
    hotspots_verified: int
    hotspots_priority: int
    hotspots_cleaned: int
    priority_cleaned_share: float | None
    events: int
    verified_kg: Decimal
    participants: int
    active_entrants: int


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _sql() -> str:
    # Table names come from the models' _meta (never from input); every value is
    # a bound parameter. Raw SQL because the ORM cannot aggregate over two M2M
    # paths (hotspot areas, event areas) without the joins multiplying each
    # other's rows; CTEs aggregate each path on its own, then join per area —
    # one round trip, however many areas and rows.
    hotspot_areas = Hotspot.areas.through
    event_areas = CleanupEvent.areas.through
    return f"""
    WITH lvl AS (
        SELECT id, name, code, level, approximate
        FROM {_table(AdminArea)} WHERE level = %(level)s
    ),
    hs AS (
        SELECT ha.adminarea_id AS area_id,
               COUNT(*) AS reported,
               COUNT(*) FILTER (WHERE h.status = ANY(%(verified)s)) AS verified,
               COUNT(*) FILTER (WHERE h.priority) AS priority,
               COUNT(*) FILTER (WHERE h.status = %(cleaned)s) AS cleaned,
               COUNT(*) FILTER (WHERE h.priority AND h.status = %(cleaned)s)
                   AS priority_cleaned
        FROM {_table(hotspot_areas)} ha
        JOIN {_table(Hotspot)} h ON h.id = ha.hotspot_id
        WHERE ha.adminarea_id IN (SELECT id FROM lvl)
          AND NOT (h.status = ANY(%(not_counted)s))
        GROUP BY ha.adminarea_id
    ),
    ce AS (
        SELECT e.id, e.entrant_id, e.status, e.current_decision_id
        FROM {_table(CleanupEvent)} e
        JOIN {_table(CleanupEvent.entrant.field.related_model)} en
          ON en.id = e.entrant_id
        WHERE en.campaign_id = %(campaign)s AND e.status <> %(rejected)s
    ),
    pc AS (
        SELECT p.event_id, COUNT(*) AS n
        FROM {_table(Participant)} p
        WHERE p.event_id IN (SELECT id FROM ce)
        GROUP BY p.event_id
    ),
    ev AS (
        SELECT ea.adminarea_id AS area_id,
               COUNT(*) AS events,
               SUM(d.verified_weight_kg)
                   FILTER (WHERE ce.status = ANY(%(verified_event)s)) AS kg,
               SUM(COALESCE(pc.n, 0)) AS participants,
               COUNT(DISTINCT ce.entrant_id) AS entrants
        FROM {_table(event_areas)} ea
        JOIN ce ON ce.id = ea.cleanupevent_id
        LEFT JOIN {_table(CleanupEvent.current_decision.field.related_model)} d
          ON d.id = ce.current_decision_id
        LEFT JOIN pc ON pc.event_id = ce.id
        WHERE ea.adminarea_id IN (SELECT id FROM lvl)
        GROUP BY ea.adminarea_id
    )
    SELECT lvl.id, lvl.name, lvl.code, lvl.level, lvl.approximate,
           COALESCE(hs.reported, 0), COALESCE(hs.verified, 0),
           COALESCE(hs.priority, 0), COALESCE(hs.cleaned, 0),
           COALESCE(hs.priority_cleaned, 0),
           COALESCE(ev.events, 0), COALESCE(ev.kg, 0),
           COALESCE(ev.participants, 0), COALESCE(ev.entrants, 0)
    FROM lvl
    LEFT JOIN hs ON hs.area_id = lvl.id
    LEFT JOIN ev ON ev.area_id = lvl.id
    ORDER BY lvl.name, lvl.id
    """


def area_metrics(*, campaign: Campaign, level: str) -> list[AreaMetrics]:
    """Return the coverage numbers of every area of `level` for the campaign.

    One query; areas in name order. See the module docstring for what counts.
    """
    params = {
        "level": level,
        "verified": [str(s) for s in VERIFIED_HOTSPOT],
        "cleaned": str(Status.CLEANED),
        "not_counted": [str(s) for s in NOT_COUNTED_HOTSPOT],
        "campaign": campaign.pk,
        "rejected": str(EventStatus.REJECTED),
        "verified_event": [str(s) for s in VERIFIED_EVENT],
    }
    with connection.cursor() as cursor:
        cursor.execute(_sql(), params)
        rows = cursor.fetchall()
    return [_metrics(row) for row in rows]


def _metrics(row) -> AreaMetrics:
    (
        area_id,
        name,
        code,
        level,
        approximate,
        reported,
        verified,
        priority,
        cleaned,
        priority_cleaned,
        events,
        kg,
        participants,
        entrants,
    ) = row
    return AreaMetrics(
        area_id=area_id,
        name=name,
        code=code,
        level=level,
        approximate=approximate,
        hotspots_reported=int(reported),
        hotspots_verified=int(verified),
        hotspots_priority=int(priority),
        hotspots_cleaned=int(cleaned),
        priority_cleaned_share=(priority_cleaned / priority) if priority else None,
        events=int(events),
        verified_kg=Decimal(kg).quantize(Decimal("0.01")),
        participants=int(participants),
        active_entrants=int(entrants),
    )


def area_outlines_geojson(*, level: str) -> dict[int, dict]:
    """Return {area id: simplified outline as a GeoJSON dict} for a level's areas.

    Simplified (geo.selectors.area_outlines) and written as GeoJSON by PostGIS
    with 6 decimals (~0.1 m), so a page or API response stays small.
    """
    import json

    from django.contrib.gis.db.models.functions import AsGeoJSON

    from geo.selectors import area_outlines

    rows = (
        area_outlines(level=level)
        .annotate(outline_json=AsGeoJSON("outline", precision=6))
        .values_list("id", "outline_json")
    )
    return {pk: json.loads(text) for pk, text in rows if text}


def coverage_campaigns() -> list[Campaign]:
    """Return the campaigns a coverage page can show, latest first."""
    return list(Campaign.objects.order_by("-activity_start", "-id"))
