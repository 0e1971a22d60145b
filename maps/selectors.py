"""The database reads of the maps: maps' only module that touches the ORM.

Views, APIs and exports in maps/ (and the hotspot pages' maps) call these, then
hand the plain data returned (maps.rows, dataclasses, dicts, lists) to the
builders: maps.markers, maps.layers, maps.coverage, maps.hexagons,
maps.clusters, maps.charts. Counting and summing happen in SQL (GROUP BY), never
row by row in Python. Hotspot and area vocabulary is reused from
hotspots.querysets/hotspots.filters and geo.selectors, not copied.

Coordinates are WGS84 (lon, lat); heat grid cells are in degrees (at Huế's
latitude 0.01° is about 1.07 km east-west and 1.11 km north-south).

The dashboard, coverage, heat and hexagon counts read the rollups (maps.models,
kept by triggers in the transaction of every write): their cost follows areas,
days and cells, not the number of hotspots. The *_scan functions compute the
same numbers from the raw rows; tests hold the two equal.
"""

import datetime as dt
import json
import logging
import os
import subprocess
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

import h3
from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.contrib.gis.geos import Polygon
from django.db import connection, connections, router, transaction
from django.db.models import (
    Count,
    DecimalField,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Floor, TruncDate
from django.utils import timezone
from django.utils.translation import get_language

from accounts.access import can_see_private
from config.routers import read_connection
from events.cleanups.selectors import event_list, participant_count
from events.cleanups.serializers import public_entrant_name
from events.cleanups.services import activity_end_at
from events.formatting import CONTEST_TZ
from events.models import (
    VERIFIED_EVENT_STATUSES,
    Campaign,
    CleanupEvent,
    Consent,
    Entrant,
    EntrantStatus,
    EventStatus,
    Participant,
)
from geo.geojson import PRECISION, ForcePolygonCCW
from geo.models import AdminArea
from geo.selectors import area_list, area_outlines
from geo.spatial import WGS84
from hotspots.filters import PublicMapFilter
from hotspots.models import (
    DISMISSED_STATUSES,
    OPEN_STATUSES,
    PUBLIC_STATUSES,
    Hotspot,
    SizeClass,
    Status,
)

from . import basemap, tiles
from .hexagons import CellCounts, Gap
from .models import (
    HEAT_BASE_CELL_DEG,
    PLATFORM,
    AnalysisResult,
    EventAreaCount,
    EventAreaDayCount,
    EventCellCount,
    EventHeatCount,
    HotspotAreaCount,
    HotspotAreaDayCount,
    HotspotCellCount,
    HotspotHeatCount,
    HotspotHeatTotal,
    HotspotTileCell,
    HotspotTileFacet,
    LayerVersion,
)
from .rows import AreaMetrics, AreaShape, EventPoint, HotspotPoint, HotspotRow

logger = logging.getLogger(__name__)

HEAT_SOURCES = ("hotspots", "cleanups")
# The first heat grid tried when there are too many points (~530 m at Huế);
# doubled until the cells fit under the point limit. The heat rollups count
# per cell of this grid.
HEAT_FIRST_CELL_DEG = HEAT_BASE_CELL_DEG
HEAT_MAX_DOUBLINGS = 10


def _day_start(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=CONTEST_TZ)


def _x(field: str) -> Func:
    return Func(F(field), function="ST_X", output_field=FloatField())


def _y(field: str) -> Func:
    return Func(F(field), function="ST_Y", output_field=FloatField())


# --- hotspot markers and the public hotspot map ----------------------------------

DISTRICT_LEVEL = "district"


def hotspot_rows(hotspots: Iterable[Hotspot]) -> list[HotspotRow]:
    """Return hotspots already loaded as marker rows (no query).

    Reads id, location, category, status, score and priority only (what a page
    that loaded them with .only(...) has).
    """
    return [
        HotspotRow(
            id=hotspot.pk,
            lon=hotspot.location.x,
            lat=hotspot.location.y,
            category=hotspot.category,
            status=hotspot.status,
            score=hotspot.score,
            priority=hotspot.priority,
        )
        for hotspot in hotspots
    ]


def district_choices() -> list[tuple[int, str]]:
    """Return (id, name) of the districts the hotspot pages filter by, by name."""
    return list(
        area_list(level=DISTRICT_LEVEL, on=timezone.localdate()).values_list(
            "id", "name"
        )
    )


def public_map_filter(query: Mapping[str, str] | None) -> PublicMapFilter:
    """Return the public map's filter over the public hotspots (None: unfiltered)."""
    return PublicMapFilter(
        query or None, queryset=Hotspot.objects.public(), areas=district_choices()
    )


def any_approximate_area() -> bool:
    return AdminArea.objects.filter(approximate=True).exists()


def area_shapes(
    *, level: str, ids: QuerySet | None = None, on: dt.date | None = None
) -> list[AreaShape]:
    """Return a level's areas (those in `ids`, if given; in force on `on`, if
    given) with simplified outlines."""
    queryset = area_outlines(level=level, on=on)
    if ids is not None:
        queryset = queryset.filter(id__in=ids)
    return [
        AreaShape(
            id=area.pk,
            name=area.name,
            code=area.code,
            approximate=area.approximate,
            outline=json.loads(area.outline.json),
        )
        for area in queryset
    ]


# --- campaigns ----------------------------------------------------------------------


def campaign_choices() -> list[Campaign]:
    """Return the campaigns a map or dashboard page can show, latest first."""
    return list(Campaign.objects.order_by("-activity_start", "-id"))


def entrant_get(pk: int) -> Entrant | None:
    return Entrant.objects.select_related("campaign").filter(pk=pk).first()


# --- heat ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Heat:
    """Heat points [(lon, lat, weight_kg)] and how they were made."""

    points: list[tuple[float, float, float]]
    source_count: int  # hotspots or events behind the points
    aggregated: bool
    cell_deg: float | None  # grid cell size when aggregated
    total_kg: float


def _heat_queryset(source: str, start: dt.date | None, end: dt.date | None):
    """Return (queryset, weight expression in kg, geometry field) for a source."""
    if source == "cleanups":
        queryset = CleanupEvent.objects.filter(
            status__in=VERIFIED_EVENT_STATUSES, current_decision__isnull=False
        )
        weight = Cast("current_decision__verified_weight_kg", FloatField())
        when = "started_at"
    else:
        queryset = Hotspot.objects.exclude(status__in=DISMISSED_STATUSES)
        # The middle of the size class's range, as the priority score assumes.
        weight = (
            Cast("size_class__min_kg", FloatField())
            + Cast("size_class__max_kg", FloatField())
        ) / Value(2.0)
        when = "created_at"
    if start is not None:
        queryset = queryset.filter(**{f"{when}__gte": _day_start(start)})
    if end is not None:
        end_at = _day_start(end + dt.timedelta(days=1))
        queryset = queryset.filter(**{f"{when}__lt": end_at})
    return queryset, weight


def heat(
    *,
    source: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    limit: int | None = None,
) -> Heat:
    """Return heat points weighted by kilograms, on a grid above `limit` points.

    source "hotspots": every report that is pollution (not rejected or merged),
    weighted by its size class's estimated kg, dated by its report; "cleanups":
    events with a verified decision, weighted by verified kg, dated by their start.
    Above the limit the points are summed into square cells (floor of lon/lat ÷
    cell), the cell doubling until the cells fit the limit.

    Read from the heat rollups (maps.models), counted per 0.005° cell: a
    coarser cell is the base cell's integers shifted right, so every grid is a
    sum of rollup rows. Only an answer under the limit reads raw rows (at most
    `limit` of them). The same numbers as heat_scan, which reads every row;
    cleanup kilograms are summed exactly (numeric) before the one rounding to a
    float, where heat_scan sums floats.
    """
    limit = limit or settings.HEATMAP_POINT_LIMIT
    base = _heat_cells(source, start, end)
    count = sum(n for n, _kg in base.values())
    total_kg = float(sum((kg for _n, kg in base.values()), 0))
    if count <= limit:
        return Heat(_heat_points(source, start, end), count, False, None, total_kg)
    cell = HEAT_FIRST_CELL_DEG
    for shift in range(HEAT_MAX_DOUBLINGS):
        cells = _coarser(base, shift, cell)
        if len(cells) <= limit:
            break
        cell *= 2
    return Heat(cells, count, True, cell, total_kg)


def _heat_cells(source: str, start: dt.date | None, end: dt.date | None) -> dict:
    """Return {(gx, gy): (points, kg)} per base heat cell, from the rollups.

    Raw SQL (maps.tiles.heat_rollup_sql): the hotspot rollups keep the size
    class, whose mid kg (as SizeClass.estimated_kg) weighs the count at read
    time; the ORM cannot join on the plain size_class_id.
    """
    with connection.cursor() as cursor:
        cursor.execute(*_heat_rollup(source, start, end))
        return {(gx, gy): (int(n), kg) for gx, gy, n, kg in cursor.fetchall()}


def _heat_rollup(
    source: str,
    start: dt.date | None,
    end: dt.date | None,
    cells: tiles.HeatCells | None = None,
) -> tuple[str, list]:
    """Return the SQL of the base heat cells (gx, gy, n, kg) of a source's rows."""
    if source == "cleanups":
        return tiles.heat_rollup_sql(
            source, days=_table(EventHeatCount), start=start, end=end, cells=cells
        )
    return tiles.heat_rollup_sql(
        source,
        days=_table(HotspotHeatCount),
        total=_table(HotspotHeatTotal),
        sizes=_table(SizeClass),
        start=start,
        end=end,
        cells=cells,
    )


def _heat_points(source: str, start: dt.date | None, end: dt.date | None) -> list:
    queryset, weight = _heat_queryset(source, start, end)
    rows = queryset.annotate(
        lon=_x("location"), lat=_y("location"), kg=weight
    ).values_list("lon", "lat", "kg")
    return [(lon, lat, float(kg)) for lon, lat, kg in rows]


def _coarser(base: dict, shift: int, cell_deg: float) -> list:
    """Sum base cells into cells 2**shift times wider; a cell's point is its centre.

    floor(x / (c·2**k)) == floor(x / c) >> k exactly in floating point (dividing
    by a power of two more only moves the exponent), so these are the cells a
    GROUP BY of floor(lon / cell_deg) over the raw rows gives.
    """
    sums: dict = {}
    for (gx, gy), (_n, kg) in base.items():
        key = (gx >> shift, gy >> shift)
        sums[key] = sums.get(key, 0) + kg
    return [
        ((gx + 0.5) * cell_deg, (gy + 0.5) * cell_deg, float(kg))
        for (gx, gy), kg in sorted(sums.items())
    ]


def heat_scan(
    *,
    source: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    limit: int | None = None,
) -> Heat:
    """Return heat() computed from every raw row (the rollups' reference)."""
    limit = limit or settings.HEATMAP_POINT_LIMIT
    queryset, weight = _heat_queryset(source, start, end)
    totals = queryset.aggregate(n=Count("id"), kg=Sum(weight))
    count, total_kg = totals["n"], float(totals["kg"] or 0)
    if count <= limit:
        rows = queryset.annotate(
            lon=_x("location"), lat=_y("location"), kg=weight
        ).values_list("lon", "lat", "kg")
        points = [(lon, lat, float(kg)) for lon, lat, kg in rows]
        return Heat(points, count, False, None, total_kg)
    cell = HEAT_FIRST_CELL_DEG
    for _ in range(HEAT_MAX_DOUBLINGS):
        cells = _grid(queryset, weight, cell)
        if len(cells) <= limit:
            break
        cell *= 2
    return Heat(cells, count, True, cell, total_kg)


def _grid(queryset, weight, cell_deg: float) -> list[tuple[float, float, float]]:
    """Sum the weights per grid cell (one GROUP BY); a cell's point is its centre."""
    rows = (
        queryset.annotate(
            gx=Floor(_x("location") / Value(cell_deg)),
            gy=Floor(_y("location") / Value(cell_deg)),
        )
        .values("gx", "gy")
        .annotate(kg=Sum(weight))
        .order_by("gx", "gy")
        .values_list("gx", "gy", "kg")
    )
    return [
        ((gx + 0.5) * cell_deg, (gy + 0.5) * cell_deg, float(kg or 0))
        for gx, gy, kg in rows
    ]


# --- an entrant's coverage (for the jury) ---------------------------------------------


def can_view_entrant_map(user, entrant: Entrant) -> bool:
    """The jury (judges, the secretary), organisers, and the entrant's representative."""
    if not user.is_authenticated:
        return False
    if entrant.representative_id is not None and entrant.representative_id == user.pk:
        return True
    return can_see_private(user)


@dataclass(frozen=True)
class EntrantEvent:
    id: int
    title: str
    lon: float
    lat: float
    outline: dict | None  # GeoJSON geometry
    route: dict | None  # GeoJSON geometry
    started_at: dt.datetime
    status: str
    verified_kg: Decimal | None
    participants: int


@dataclass(frozen=True)
class EntrantCoverage:
    events: list[EntrantEvent]
    hotspots: list[HotspotRow]  # the claimed hotspots: id, lon, lat, category, status
    areas: list[AreaShape]  # at the campaign's coverage level
    event_count: int
    verified_kg: Decimal
    participant_count: int


def entrant_coverage(entrant: Entrant) -> EntrantCoverage:
    """Return the entrant's events, claimed hotspots and covered areas (4 queries).

    Rejected events count for nothing and are not drawn. Participant names are
    not read at all: the map shows counts only.
    """
    events_qs = CleanupEvent.objects.filter(entrant=entrant).exclude(
        status=EventStatus.REJECTED
    )
    rows = (
        events_qs.annotate(
            lon=_x("location"),
            lat=_y("location"),
            people=participant_count(),
        )
        .select_related("current_decision")
        .only(
            "id",
            "title",
            "outline",
            "route",
            "started_at",
            "status",
            "current_decision__verified_weight_kg",
        )
        .order_by("started_at", "id")
    )
    events = []
    for row in rows:
        decision = row.current_decision
        verified = (
            decision.verified_weight_kg
            if decision is not None and row.status in VERIFIED_EVENT_STATUSES
            else None
        )
        events.append(
            EntrantEvent(
                id=row.id,
                title=row.title,
                lon=row.lon,
                lat=row.lat,
                outline=_geojson(row.outline),
                route=_geojson(row.route),
                started_at=row.started_at,
                status=row.status,
                verified_kg=verified,
                participants=row.people or 0,
            )
        )
    hotspots = [
        HotspotRow(**row)
        for row in Hotspot.objects.filter(cleanup_events__in=events_qs)
        .distinct()
        .annotate(lon=_x("location"), lat=_y("location"))
        .values("id", "lon", "lat", "category", "status")
        .order_by("id")
    ]
    area_ids = CleanupEvent.areas.through.objects.filter(
        cleanupevent__in=events_qs
    ).values("adminarea_id")
    areas = area_shapes(
        level=entrant.campaign.coverage_level,
        ids=area_ids,
        on=entrant.campaign.areas_on,
    )
    return EntrantCoverage(
        events=events,
        hotspots=hotspots,
        areas=areas,
        event_count=len(events),
        verified_kg=sum((e.verified_kg or Decimal(0) for e in events), Decimal(0)),
        participant_count=sum(e.participants for e in events),
    )


def _geojson(geometry) -> dict | None:
    return json.loads(geometry.json) if geometry is not None else None


# --- the IOC dashboard ------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    reports: int
    verified: int
    priority: int
    cleaned: int
    events: int
    verified_kg: Decimal
    participants: int
    entrants: int


def _campaign_hotspots(campaign: Campaign) -> QuerySet[Hotspot]:
    """Reports filed during the campaign's activity window (Huế local days)."""
    return Hotspot.objects.exclude(status__in=DISMISSED_STATUSES).filter(
        created_at__gte=_day_start(campaign.activity_start),
        created_at__lt=_day_start(campaign.activity_end + dt.timedelta(days=1)),
    )


def _campaign_events(campaign: Campaign) -> QuerySet[CleanupEvent]:
    return CleanupEvent.objects.filter(entrant__campaign=campaign).exclude(
        status=EventStatus.REJECTED
    )


def headline(campaign: Campaign) -> Headline:
    """Return the campaign's headline figures (3 aggregate queries).

    Same definitions as area_metrics below (so the dashboard agrees with
    the coverage map summed over areas): hotspots over the whole platform,
    rejected and duplicate reports excluded — reported, verified at some point
    (verified, cleaned, reopened), priority, cleaned now; the campaign's events
    the jury has not rejected; verified kg of approved and adjusted events;
    participations in those events; approved entrants.

    Summed from the platform rows (area 0) of the rollups: a few hundred rows
    however many hotspots. headline_scan computes the same from the raw rows.
    """
    hotspots = (
        HotspotAreaCount.objects.filter(area_id=PLATFORM)
        .exclude(status__in=DISMISSED_STATUSES)
        .aggregate(
            reports=Sum("hotspots"),
            verified=Sum("hotspots", filter=Q(status__in=PUBLIC_STATUSES)),
            priority=Sum("hotspots", filter=Q(priority=True)),
            cleaned=Sum("hotspots", filter=Q(status=Status.CLEANED)),
        )
    )
    events = (
        EventAreaCount.objects.filter(area_id=PLATFORM, campaign_id=campaign.pk)
        .exclude(status=EventStatus.REJECTED)
        .aggregate(
            n=Sum("events"),
            verified=Sum(
                "verified_events", filter=Q(status__in=VERIFIED_EVENT_STATUSES)
            ),
            kg=Sum("verified_kg", filter=Q(status__in=VERIFIED_EVENT_STATUSES)),
            participants=Sum("participants"),
        )
    )
    entrants = Entrant.objects.filter(
        campaign=campaign, status=EntrantStatus.APPROVED
    ).count()
    return Headline(
        reports=hotspots["reports"] or 0,
        verified=hotspots["verified"] or 0,
        priority=hotspots["priority"] or 0,
        cleaned=hotspots["cleaned"] or 0,
        events=events["n"] or 0,
        # No verified figure at all reads Decimal(0), as a sum over no row does.
        verified_kg=events["kg"] if events["verified"] else Decimal(0),
        participants=events["participants"] or 0,
        entrants=entrants,
    )


def daily_counts(
    campaign: Campaign,
) -> tuple[dict[dt.date, int], dict[dt.date, float]]:
    """Return ({day: reports filed}, {day: verified kg of events started}), days
    with none left out (maps.charts.daily_series fills them in).

    From the platform rows of the daily rollups (2 queries); daily_counts_scan
    computes the same from the raw rows.
    """
    reports = dict(
        HotspotAreaDayCount.objects.filter(
            area_id=PLATFORM,
            day__gte=campaign.activity_start,
            day__lte=campaign.activity_end,
        )
        .exclude(status__in=DISMISSED_STATUSES)
        .values("day")
        .annotate(n=Sum("hotspots"))
        .filter(n__gt=0)
        .values_list("day", "n")
    )
    kilograms = (
        EventAreaDayCount.objects.filter(
            area_id=PLATFORM,
            campaign_id=campaign.pk,
            status__in=VERIFIED_EVENT_STATUSES,
        )
        .values("day")
        .annotate(kg=Sum("verified_kg"), n=Sum("verified_events"))
        .filter(n__gt=0)
        .values_list("day", "kg")
    )
    return reports, {day: float(kg) for day, kg in kilograms}


# --- full recomputations from the raw rows --------------------------------------------
#
# What the dashboard read before the rollups, kept as the reference the rollup
# readers are tested against (tests/maps/test_rollup_readers.py): each scans
# every hotspot or event it counts.


def headline_scan(campaign: Campaign) -> Headline:
    """Return headline() computed from the raw rows (4 aggregate queries)."""
    hotspots = Hotspot.objects.exclude(status__in=DISMISSED_STATUSES).aggregate(
        reports=Count("id"),
        verified=Count("id", filter=Q(status__in=PUBLIC_STATUSES)),
        priority=Count("id", filter=Q(priority=True)),
        cleaned=Count("id", filter=Q(status=Status.CLEANED)),
    )
    events = _campaign_events(campaign)
    event_figures = events.aggregate(
        n=Count("id"),
        kg=Sum(
            "current_decision__verified_weight_kg",
            filter=Q(status__in=VERIFIED_EVENT_STATUSES),
        ),
    )
    participants = Participant.objects.filter(event__in=events).count()
    entrants = Entrant.objects.filter(
        campaign=campaign, status=EntrantStatus.APPROVED
    ).count()
    return Headline(
        reports=hotspots["reports"],
        verified=hotspots["verified"],
        priority=hotspots["priority"],
        cleaned=hotspots["cleaned"],
        events=event_figures["n"],
        verified_kg=event_figures["kg"] or Decimal(0),
        participants=participants,
        entrants=entrants,
    )


def daily_counts_scan(
    campaign: Campaign,
) -> tuple[dict[dt.date, int], dict[dt.date, float]]:
    """Return daily_counts() computed from the raw rows."""
    reports = dict(
        _campaign_hotspots(campaign)
        .annotate(day=TruncDate("created_at", tzinfo=CONTEST_TZ))
        .values("day")
        .annotate(n=Count("id"))
        .values_list("day", "n")
    )
    kilograms = dict(
        _campaign_events(campaign)
        .filter(status__in=VERIFIED_EVENT_STATUSES, current_decision__isnull=False)
        .annotate(day=TruncDate("started_at", tzinfo=CONTEST_TZ))
        .values("day")
        .annotate(kg=Sum("current_decision__verified_weight_kg"))
        .values_list("day", "kg")
    )
    return reports, {day: float(kg or 0) for day, kg in kilograms.items()}


# --- coverage across administrative areas -------------------------------------------
#
# Coverage across administrative areas: the one computation of the per-area numbers.
#
# Every page, API and export that shows coverage numbers calls `area_metrics`, so
# the map, the table, the API and the exports cannot disagree.
#
# Definitions (one row per area of the requested level, areas without data included):
#
# - Hotspots are counted over the whole platform, not only since the campaign
#   opened: a hotspot is a fact about a place (reported before the campaign, it
#   is still there to be cleaned during it). A hotspot counts in an area through
#   its `areas` M2M (stored when it was reported). Rejected and duplicate reports
#   never count.
#   * hotspots_reported: every other report (including those not yet verified);
#   * hotspots_verified: verified at some point (verified, cleaned, reopened);
#   * hotspots_priority: marked priority;
#   * hotspots_cleaned: cleaned now (a reopened hotspot is not cleaned);
#   * priority_cleaned_share: cleaned priority / priority, None with no priority.
# - Events are the campaign's cleanup events that the jury has not rejected
#   (submitted, approved, adjusted), counted in an area through their `areas` M2M.
#   * verified_kg: the current decision's verified weight, approved and adjusted
#     events only (a submitted event has no verified figure yet);
#   * participants: participations (one per person per event) in those events;
#   * active_entrants: distinct entrants with at least one of those events.


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _rollup_sql() -> str:
    # Raw SQL for the one round trip (the page tests pin one query): the ORM
    # cannot join the two rollups to the level's areas in one statement. Table
    # names from the models' _meta, every value a bound parameter. Entrants
    # with only zero rows left (all their events moved away) do not count.
    return f"""
    WITH lvl AS (
        SELECT id, name, code, level, approximate
        FROM {_table(AdminArea)} WHERE level = %(level)s
          AND (valid_from IS NULL OR valid_from <= %(on)s)
          AND (valid_to IS NULL OR valid_to > %(on)s)
    ),
    hs AS (
        SELECT area_id,
               SUM(hotspots) AS reported,
               SUM(hotspots) FILTER (WHERE status = ANY(%(verified)s)) AS verified,
               SUM(hotspots) FILTER (WHERE priority) AS priority,
               SUM(hotspots) FILTER (WHERE status = %(cleaned)s) AS cleaned,
               SUM(hotspots) FILTER (WHERE priority AND status = %(cleaned)s)
                   AS priority_cleaned
        FROM {_table(HotspotAreaCount)}
        WHERE area_id IN (SELECT id FROM lvl)
          AND NOT (status = ANY(%(not_counted)s))
        GROUP BY area_id
    ),
    ev AS (
        SELECT area_id,
               SUM(events) AS events,
               SUM(verified_kg) FILTER (WHERE status = ANY(%(verified_event)s)) AS kg,
               SUM(participants) AS participants,
               COUNT(DISTINCT entrant_id) FILTER (WHERE events > 0) AS entrants
        FROM {_table(EventAreaCount)}
        WHERE campaign_id = %(campaign)s AND area_id IN (SELECT id FROM lvl)
          AND status <> %(rejected)s
        GROUP BY area_id
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


def _scan_sql() -> str:
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
          AND (valid_from IS NULL OR valid_from <= %(on)s)
          AND (valid_to IS NULL OR valid_to > %(on)s)
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

    One query over the area rollups (maps.models: a few rows per area, however
    many hotspots); areas in name order. See the comment above for what counts;
    area_metrics_scan computes the same from the raw rows.
    """
    return _area_metrics(_rollup_sql(), campaign=campaign, level=level)


def area_metrics_scan(*, campaign: Campaign, level: str) -> list[AreaMetrics]:
    """Return area_metrics() computed from the raw rows and their area links."""
    return _area_metrics(_scan_sql(), campaign=campaign, level=level)


def _area_metrics(sql: str, *, campaign: Campaign, level: str) -> list[AreaMetrics]:
    params = {
        "level": level,
        # The units in force on the campaign's day (geo AdminArea validity).
        "on": campaign.areas_on,
        "verified": [str(s) for s in PUBLIC_STATUSES],
        "cleaned": str(Status.CLEANED),
        "not_counted": [str(s) for s in DISMISSED_STATUSES],
        "campaign": campaign.pk,
        "rejected": str(EventStatus.REJECTED),
        "verified_event": [str(s) for s in VERIFIED_EVENT_STATUSES],
    }
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
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


def area_outlines_geojson(
    *, level: str, campaign: Campaign | None = None
) -> dict[int, dict]:
    """Return {area id: simplified outline as a GeoJSON dict} for a level's areas
    (those in force on the campaign's day, with a campaign).

    Simplified (geo.selectors.area_outlines) and written as GeoJSON by PostGIS
    with 6 decimals (~0.1 m), so a page or API response stays small; exterior
    rings counter-clockwise (RFC 7946, geo.geojson).
    """
    on = campaign.areas_on if campaign is not None else None
    rows = (
        area_outlines(level=level, on=on)
        .annotate(
            outline_json=AsGeoJSON(ForcePolygonCCW("outline"), precision=PRECISION)
        )
        .values_list("id", "outline_json")
    )
    return {pk: json.loads(text) for pk, text in rows if text}


# --- points for the hexagons and Gi* clusters ----------------------------------------
#
# Read paths for the hexagon coverage and the Gi* clusters: plain points, no ORM
# objects, so that maps.hexagons and maps.clusters stay pure.
#
# Which rows count, for one campaign:
#
# - Cleanups: the campaign's events the jury approved or adjusted, weighted by the
#   current decision's verified kilograms. Submitted (not yet judged) and rejected
#   events cover nothing.
# - Hotspots: those anyone may see (verified, cleaned, reopened; unverified reports
#   are not public facts yet) reported before the end of the campaign's activity
#   window. Hotspots carry no campaign: the ones known by the campaign's last day
#   are the ones it could have cleaned. "Open" is the hotspot's current status.


def hotspot_points(campaign: Campaign) -> list[HotspotPoint]:
    """Return the campaign's public hotspots as plain points (one query)."""
    rows = (
        Hotspot.objects.public()
        .filter(created_at__lt=activity_end_at(campaign))
        # Coordinates as floats from PostGIS: building a GEOS point per row costs
        # more than the whole query at 100,000 hotspots.
        .annotate(lon=_x("location"), lat=_y("location"))
        .order_by("id")
        .values_list(
            "lon",
            "lat",
            "size_class__min_kg",
            "size_class__max_kg",
            "id",
            "category",
            "size_class__key",
            "size_class__label",
            "priority",
            "status",
        )
    )
    return [
        HotspotPoint(
            lon=lon,
            lat=lat,
            # SizeClass.estimated_kg: the middle of the size class's range.
            estimated_kg=(min_kg + max_kg) / 2,
            id=pk,
            category=category,
            size=size,
            size_label=size_label,
            priority=priority,
            is_open=status in OPEN_STATUSES,
        )
        for (
            lon,
            lat,
            min_kg,
            max_kg,
            pk,
            category,
            size,
            size_label,
            priority,
            status,
        ) in rows
    ]


def event_points(campaign: Campaign) -> list[EventPoint]:
    """Return the campaign's approved/adjusted cleanups with verified kg (one query)."""
    rows = (
        CleanupEvent.objects.filter(
            entrant__campaign=campaign, status__in=VERIFIED_EVENT_STATUSES
        )
        .annotate(
            kg=Coalesce(
                F("current_decision__verified_weight_kg"),
                Value(0),
                output_field=DecimalField(max_digits=9, decimal_places=2),
            )
        )
        .order_by("id")
        .values_list("location", "kg")
    )
    return [
        EventPoint(lon=location.x, lat=location.y, verified_kg=float(kg))
        for location, kg in rows
    ]


# The rows the hexagons count, summed per cell (see hexagon_cells). Raw SQL: a
# tile reads its cells by ranges of H3 integers joined to the rollups' primary
# key (one index range scan a range); the ORM can only OR the ranges, and
# planning a hundred OR'ed ranges costs more (~13 ms) than reading them.
HEXAGON_HOTSPOTS_SQL = """
    SELECT c.cell, sum(c.hotspots),
           coalesce(sum(c.hotspots) FILTER (WHERE c.status = ANY(%(open)s)), 0)
    FROM {table} c {ranges}
    WHERE c.resolution = %(resolution)s AND c.known_by <= %(end)s
      AND c.status = ANY(%(public)s)
    GROUP BY c.cell HAVING sum(c.hotspots) > 0
"""
HEXAGON_EVENTS_SQL = """
    SELECT c.cell, sum(c.events), sum(c.verified_kg)
    FROM {table} c {ranges}
    WHERE c.campaign_id = %(campaign)s AND c.resolution = %(resolution)s
      AND c.status = ANY(%(verified)s)
    GROUP BY c.cell HAVING sum(c.events) > 0
"""
HEXAGON_RANGES_SQL = (
    "JOIN unnest(%(first)s::bigint[], %(last)s::bigint[]) AS r(first, last)"
    " ON c.cell BETWEEN r.first AND r.last"
)


def hexagon_cells(
    campaign: Campaign,
    *,
    resolution: int,
    cell_ranges: Sequence[tuple[int, int]] | None = None,
) -> list[CellCounts]:
    """Return the campaign's counts per H3 cell at a resolution (2 queries).

    The rows that count are those above (public hotspots reported by the end of
    the campaign's activity window, its approved and adjusted cleanups), summed
    from the cell rollups (maps.models.HotspotCellCount, EventCellCount): cells ×
    statuses rows, however many points. Cells with at least one of them, in cell
    order: what maps.hexagons.cell_counts makes of hotspot_points() and
    event_points(), with the kilograms summed exactly before the float.

    `cell_ranges`: only the cells whose H3 integer lies in one of these disjoint
    (first, last) ranges (a vector tile's: maps.tiles.hexagon_ranges).
    """
    params = {
        "resolution": resolution,
        "end": campaign.activity_end,
        "public": [str(s) for s in PUBLIC_STATUSES],
        "open": [str(s) for s in OPEN_STATUSES],
        "campaign": campaign.pk,
        "verified": [str(s) for s in VERIFIED_EVENT_STATUSES],
        "first": [first for first, _last in cell_ranges or ()],
        "last": [last for _first, last in cell_ranges or ()],
    }
    ranges = "" if cell_ranges is None else HEXAGON_RANGES_SQL
    with read_connection().cursor() as cur:
        cur.execute(
            HEXAGON_HOTSPOTS_SQL.format(table=_table(HotspotCellCount), ranges=ranges),
            params,
        )
        hotspots = cur.fetchall()
        cur.execute(
            HEXAGON_EVENTS_SQL.format(table=_table(EventCellCount), ranges=ranges),
            params,
        )
        events = cur.fetchall()
    cells: dict[int, CellCounts] = {}
    for cell, n, open_n in hotspots:
        counts = cells.setdefault(cell, CellCounts(h3.int_to_str(cell)))
        counts.hotspots, counts.open_hotspots = n, open_n
    for cell, n, kg in events:
        counts = cells.setdefault(cell, CellCounts(h3.int_to_str(cell)))
        counts.cleanups, counts.verified_kg = n, float(kg)
    return sorted(cells.values(), key=lambda counts: counts.cell)


def analysis_points(campaign_pk: int) -> tuple[list[HotspotPoint], list[EventPoint]]:
    """Return the campaign's hotspot points and event points (3 queries)."""
    campaign = Campaign.objects.get(pk=campaign_pk)
    return hotspot_points(campaign), event_points(campaign)


def coverage_gaps(campaign: Campaign, *, distance_m: float) -> list[Gap]:
    """Return the campaign's coverage gaps: open priority public hotspots reported
    before the end of its activity window with no approved/adjusted cleanup of
    the campaign within `distance_m`, farthest first (none at all first).

    One indexed anti-join (the events' geography GiST index) instead of
    distances from every hotspot to every event. Distances are on the sphere of
    PostGIS's mean radius (geography, use_spheroid false), as maps.hexagons'
    haversine. Raw SQL: the ORM has no NOT EXISTS over a geography distance with
    a nearest-neighbour subquery.
    """
    # The campaign's approved/adjusted cleanups, as a FROM/WHERE pair so that
    # both subqueries below can use the events' geography index.
    events = (
        f"FROM {_table(CleanupEvent)} e "
        f"JOIN {_table(CleanupEvent.entrant.field.related_model)} t "
        "ON t.id = e.entrant_id "
        "WHERE t.campaign_id = %(campaign)s AND e.status = ANY(%(verified)s)"
    )
    sql = f"""
    SELECT h.id, ST_X(h.location), ST_Y(h.location), h.category, s.key, s.label,
           h.priority,
           (SELECT ST_Distance(e.location::geography, h.location::geography, false)
              {events}
             ORDER BY e.location::geography <-> h.location::geography
             LIMIT 1) AS nearest_m
    FROM {_table(Hotspot)} h
    JOIN {_table(Hotspot.size_class.field.related_model)} s ON s.id = h.size_class_id
    WHERE h.priority AND h.status = ANY(%(open)s) AND h.created_at < %(end)s
      AND NOT EXISTS (
          SELECT 1 {events}
             AND ST_DWithin(e.location::geography, h.location::geography,
                            %(distance)s, false))
    """
    params = {
        "campaign": campaign.pk,
        "verified": [str(s) for s in VERIFIED_EVENT_STATUSES],
        "open": [str(s) for s in OPEN_STATUSES if s in PUBLIC_STATUSES],
        "end": activity_end_at(campaign),
        "distance": distance_m,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    gaps = [
        Gap(
            id=pk,
            lon=lon,
            lat=lat,
            category=category,
            size=size,
            size_label=size_label,
            priority=priority,
            distance_m=nearest,
        )
        for pk, lon, lat, category, size, size_label, priority, nearest in rows
    ]
    gaps.sort(key=lambda g: (g.distance_m is not None, -(g.distance_m or 0), g.id))
    return gaps


def campaign_get(pk: int) -> Campaign | None:
    return Campaign.objects.filter(pk=pk).first()


def analysis_result(**lookup) -> AnalysisResult | None:
    """Return the stored analysis matching the lookup (maps.analysis.Request),
    without its payload (analysis_payload reads it: it can be ~1 MB)."""
    return AnalysisResult.objects.defer("payload").filter(**lookup).first()


def analysis_payload(pk: int) -> dict | None:
    """Return a stored analysis's payload (None: deleted since)."""
    rows = AnalysisResult.objects.filter(pk=pk).values_list("payload", flat=True)
    return rows.first()


# A stored analysis's counts read in PostgreSQL, not its payload (Gi* stores
# every cell of the study area: up to 20,000; gaps, every gap).
ANALYSIS_SUMMARY_SQL = """
    SELECT r.version, r.computed_at,
           coalesce((r.payload->>'too_large')::boolean, false),
           coalesce(r.payload->>'variable', ''),
           coalesce((r.payload->>'permutations')::int, 0),
           coalesce(jsonb_array_length(r.payload->'gaps'), 0),
           c.hot, c.cold, c.total
    FROM {table} r
    LEFT JOIN LATERAL (
        SELECT count(*) FILTER (WHERE e->>'cls' LIKE 'hot%%') AS hot,
               count(*) FILTER (WHERE e->>'cls' LIKE 'cold%%') AS cold,
               count(*) AS total
        FROM jsonb_array_elements(coalesce(r.payload->'cells', '[]')) AS e
    ) AS c ON true
    WHERE r.kind = %(kind)s AND r.campaign_id = %(campaign_id)s
      AND r.resolution = %(resolution)s AND r.variable = %(variable)s
      AND r.parameter = %(parameter)s
"""
ANALYSIS_SUMMARY_KEYS = (
    "version",
    "computed_at",
    "too_large",
    "variable",
    "permutations",
    "gaps",
    "hot",
    "cold",
    "total",
)


def analysis_summary(lookup: Mapping) -> dict | None:
    """Return the stored analysis's version, time and counts (gaps; Gi* hot,
    cold and all cells) without reading its payload into Python; None if it
    has not been computed yet."""
    # Where analysis_result reads (the ORM's routing), so the two agree.
    with read_connection().cursor() as cursor:
        cursor.execute(
            ANALYSIS_SUMMARY_SQL.format(table=_table(AnalysisResult)), dict(lookup)
        )
        row = cursor.fetchone()
    return dict(zip(ANALYSIS_SUMMARY_KEYS, row, strict=True)) if row else None


def analysis_version(campaign: Campaign) -> str:
    """Return the version of the data the campaign's analyses read.

    The layer versions the database triggers bump (maps.models.LayerVersion):
    public hotspots ("hotspots"), events ("events") and decisions ("heat" moves
    with every decision), plus the campaign's window end (which hotspots count).
    One small indexed read, not a count over every row.
    """
    with read_connection().cursor() as cursor:
        versions = _data_versions(cursor)
    return f"{versions};end={campaign.activity_end.isoformat()}"


def _data_versions(cursor) -> str:
    cursor.execute(
        f"SELECT layer, coalesce(sum(version), 0) FROM {_table(LayerVersion)}"
        " WHERE layer = ANY(%s) GROUP BY layer ORDER BY layer",
        [["events", "heat", "hotspots"]],
    )
    return ",".join(f"{layer}={v}" for layer, v in cursor.fetchall())


# --- open-data exports (maps.exports) ------------------------------------------------
#
# The hotspot export is one SQL query (below: the exports' columns, nothing
# else), read in chunks through a server-side cursor or by GDAL itself, so a
# million rows never sit in Python's memory. Events are few per campaign and
# carry the entrants' publish consent, so they stay Python rows, read in chunks.

EXPORT_AREA_LEVEL = "district"
EXPORT_CHUNK_ROWS = 5000
# What GDAL may take to write a GeoPackage or KML of every public hotspot.
EXPORT_GDAL_TIMEOUT_S = 600

# The public hotspots' export columns (their names are the exports' keys): public
# fields only, no reporter, contact or description. Times are local to Huế
# (naive, to the second), coordinates rounded to 6 decimals (~0.1 m), the score
# to 2 (in float8: through numeric the rounding took ~40 % of the query); the
# district is the lowest-id district-level area linked (or "").
# Raw SQL: the ORM cannot name an annotation after a model field (created_at),
# and GDAL reads this very text. Newest report first (ids follow report order;
# sorting 700,000 rows on created_at held the first byte back by seconds).
HOTSPOT_EXPORT_SQL = """
SELECT h.id AS id,
    h.category AS category,
    s.key AS size,
    h.status AS status,
    h.priority AS priority,
    round(h.score * 100.0::float8) / 100.0::float8 AS score,
    h.confirmation_count AS confirmations,
    h.recurrence_count AS recurrence,
    date_trunc('second', h.created_at AT TIME ZONE %(zone)s) AS created_at,
    COALESCE((
        SELECT a.name FROM hotspots_hotspot_areas AS ha
        JOIN geo_adminarea AS a ON a.id = ha.adminarea_id
        WHERE ha.hotspot_id = h.id AND a.level = %(level)s
        ORDER BY a.id LIMIT 1
    ), '') AS district,
    round(ST_X(h.location) * 1e6::float8) / 1e6::float8 AS lon,
    round(ST_Y(h.location) * 1e6::float8) / 1e6::float8 AS lat
FROM hotspots_hotspot AS h
JOIN hotspots_sizeclass AS s ON s.id = h.size_class_id
WHERE h.status = ANY(%(statuses)s)
ORDER BY h.id DESC
"""
HOTSPOT_EXPORT_KEYS = (
    "id",
    "category",
    "size",
    "status",
    "priority",
    "score",
    "confirmations",
    "recurrence",
    "created_at",
    "district",
    "lon",
    "lat",
)
# The time as each format writes it (HOTSPOT_EXPORT_SQL's created_at is local and
# naive): GeoJSON as RFC 3339 text with the zone's offset (GDAL reads it as a
# DateTime), a GeoPackage as a real timestamp (GDAL stores it in UTC, as the
# GeoPackage standard wants), KML as the text the exports always wrote
# (events.tables.DATETIME_FORMAT).
_TIME_COLUMNS = {
    "geojson": ("to_char(t.created_at, 'YYYY-MM-DD\"T\"HH24:MI:SS') || %(offset)s"),
    "gpkg": "t.created_at AT TIME ZONE %(zone)s",
    "kml": "to_char(t.created_at, 'YYYY-MM-DD HH24:MI')",
}


def _zone_offset() -> str:
    # Asia/Ho_Chi_Minh has kept +07:00 since 1975: one offset for every row.
    offset = timezone.localtime().strftime("%z")
    return f"{offset[:3]}:{offset[3:]}"


def _export_params() -> dict:
    return {
        "zone": timezone.get_current_timezone_name(),
        "level": EXPORT_AREA_LEVEL,
        "statuses": [str(status) for status in PUBLIC_STATUSES],
        "offset": _zone_offset(),
    }


def _export_alias() -> str:
    return router.db_for_read(Hotspot)


def _chunks(sql: str, params) -> Iterator[list[tuple]]:
    """Yield the query's rows, EXPORT_CHUNK_ROWS at a time, from a server-side
    cursor in a read-only transaction (memory stays flat whatever the count).

    Without parallel workers or JIT: the rows are consumed as they come, and
    JIT compiled this query for ~2 s at a million rows. (With the database
    setting DISABLE_SERVER_SIDE_CURSORS, for a transaction pooler, psycopg2
    would fetch the whole result at once: exports need a session connection.)
    """
    alias = _export_alias()
    with transaction.atomic(using=alias, savepoint=False):
        database = connections[alias]
        with database.cursor() as cursor:
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        with database.chunked_cursor() as cursor:
            cursor.execute(sql, params)
            while rows := cursor.fetchmany(EXPORT_CHUNK_ROWS):
                yield rows


def public_hotspot_count() -> int:
    return Hotspot.objects.public().count()


def public_hotspot_export() -> Iterator[list[tuple]]:
    """Yield the public hotspots' export rows (HOTSPOT_EXPORT_KEYS), in chunks."""
    return _chunks(HOTSPOT_EXPORT_SQL, _export_params())


def _gis_columns(fmt: str) -> str:
    """Return the export's columns with the time as `fmt` writes it
    (HOTSPOT_EXPORT_SQL is `t`)."""
    return ", ".join(
        f"{_TIME_COLUMNS[fmt]} AS created_at" if key == "created_at" else f"t.{key}"
        for key in HOTSPOT_EXPORT_KEYS
    )


def public_hotspot_features() -> Iterator[list[str]]:
    """Yield the public hotspots as GeoJSON Feature texts written by PostGIS, in
    chunks: the id as the feature's id (RFC 7946 section 3.2), the export's
    columns as properties, the rounded lon/lat as a Point.

    row_to_json names the properties after the columns; it wrote 700,000
    features ~25 % faster than json_build_object with the keys spelled out.
    """
    sql = (
        """SELECT '{"type": "Feature", "id": ' || p.id"""
        """ || ', "properties": ' || row_to_json(p)::text"""
        """ || ', "geometry": {"type": "Point", "coordinates": ['"""
        """ || p.lon || ', ' || p.lat || ']}}'"""
        f" FROM (SELECT {_gis_columns('geojson')} FROM ({HOTSPOT_EXPORT_SQL}) AS t)"
        " AS p"
    )
    for rows in _chunks(sql, _export_params()):
        yield [row[0] for row in rows]


# The libpq connection keywords GDAL is given from Django's own connection
# parameters; the password goes in the child's environment instead (out of its
# command line, `ps` and any log); anything else (cursor factory...) is Django's.
LIBPQ_KEYWORDS = (
    "dbname",
    "host",
    "hostaddr",
    "port",
    "user",
    "passfile",
    "service",
    "connect_timeout",
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslcrl",
    "target_session_attrs",
)


def _libpq_value(value) -> str:
    text = str(value).replace("\\", "\\\\").replace("'", "\\'")
    return f"'{text}'"


def _gdal_connection(database) -> tuple[str, dict[str, str]]:
    """Return GDAL's PG: connection string for a Django database, and the
    environment variables that carry the rest (password, session options)."""
    params = database.get_connection_params()
    dsn = " ".join(
        f"{key}={_libpq_value(params[key])}"
        for key in LIBPQ_KEYWORDS
        if params.get(key) not in (None, "")
    )
    env = {"PGOPTIONS": "-c jit=off -c max_parallel_workers_per_gather=0"}
    if params.get("password"):
        env["PGPASSWORD"] = str(params["password"])
    return f"PG:{dsn}", env


def public_hotspot_export_file(
    path: str, *, driver: str, layer: str, names: Mapping[str, str] | None = None
) -> None:
    """Write the public hotspot export to `path` as a GDAL vector file (GPKG, KML).

    Typed columns (integers, reals, a boolean, the time as a timestamp in a
    GeoPackage). With `names` ({category: label}), each feature also gets a
    `Name`: the category's label and the district, which KML shows as the
    placemark's name.

    ogr2ogr (Debian's gdal-bin) reads the export query from PostGIS through its
    own cursor and writes the file: no row passes through Python. The query
    text is composed by the database driver (Django's compose_sql: the values
    quoted as psycopg binds them; they are ours, never a request's).
    """
    database = connections[_export_alias()]
    params = _export_params()
    name = ""
    if names is not None:
        name = (
            "concat_ws(' – ', %(names)s::jsonb ->> t.category,"
            " NULLIF(t.district, '')) AS \"Name\", "
        )
        params["names"] = json.dumps(dict(names), ensure_ascii=False)
    columns = _gis_columns("gpkg" if driver == "GPKG" else "kml")
    sql = database.ops.compose_sql(
        f"SELECT {name}{columns}, ST_SetSRID(ST_MakePoint(t.lon, t.lat), 4326)"
        " AS geom"
        f" FROM ({HOTSPOT_EXPORT_SQL}) AS t",
        params,
    )
    source, env = _gdal_connection(database)
    command = ["ogr2ogr", "-f", driver, path, source, "-sql", sql]
    command += ["-nln", layer, "-nlt", "POINT", "-a_srs", "EPSG:4326"]
    result = subprocess.run(
        command,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=EXPORT_GDAL_TIMEOUT_S,
        check=False,
    )
    if result.returncode != 0:
        # GDAL's message, not the command: nothing secret is in either, but the
        # message is what helps.
        logger.error(
            "ogr2ogr failed (%s): %s", result.returncode, result.stderr[-2000:]
        )
        raise RuntimeError("ogr2ogr could not write the hotspot export")


# What an export file depends on, beyond its parameters (maps.export_files): the
# layer versions the triggers bump on hotspots and their areas, size classes,
# events, decisions ("heat") and areas.
EXPORT_LAYERS = ["areas", "events", "heat", "hotspots"]


def export_data_version() -> str:
    """Return the version of the data the exports read (small indexed reads).

    Besides the layer versions: the newest consent answer and the number of
    anonymised entrants, so a withdrawn publish consent or an erased team takes
    its name out of the next export at once, not after the cache's age.
    """
    with read_connection().cursor() as cursor:
        cursor.execute(
            f"SELECT layer, coalesce(sum(version), 0) FROM {_table(LayerVersion)}"
            " WHERE layer = ANY(%s) GROUP BY layer ORDER BY layer",
            [EXPORT_LAYERS],
        )
        layers = [f"{layer}={v}" for layer, v in cursor.fetchall()]
        cursor.execute(
            f"SELECT (SELECT coalesce(max(id), 0) FROM {_table(Consent)}),"
            f" (SELECT count(*) FROM {_table(Entrant)} WHERE anonymised_at IS NOT NULL)"
        )
        consent, anonymised = cursor.fetchone()
        return ",".join([*layers, f"consent={consent}", f"anonymised={anonymised}"])


def _campaign_event_list(campaign: Campaign) -> QuerySet[CleanupEvent]:
    return event_list(campaign_slug=campaign.slug).order_by("started_at", "id")


def campaign_event_count(campaign: Campaign) -> int:
    return _campaign_event_list(campaign).count()


def campaign_event_export(campaign: Campaign) -> Iterator[dict]:
    """Yield the campaign's events with their public fields only, oldest first
    (read in chunks, with their areas).

    The entrant's name only with its publish consent; `places` are the names of
    the areas at the campaign's coverage level, sorted. Coordinates unrounded.
    """
    events = _campaign_event_list(campaign).iterator(chunk_size=EXPORT_CHUNK_ROWS)
    for event in events:
        yield {
            "id": event.pk,
            "title": event.title,
            "entrant_id": event.entrant_id,
            "entrant": public_entrant_name(event.entrant, event.publish_granted),
            "status": event.status,
            "started_at": event.started_at,
            "ended_at": event.ended_at,
            "participants": event.participant_count,
            "weight_kg": event.weight_kg,
            "weight_method": event.weight_method,
            "plastic_kg": event.plastic_kg,
            "water_hyacinth_kg": event.water_hyacinth_kg,
            "other_kg": event.other_kg,
            "bags": event.bags,
            "places": sorted(
                a.name
                for a in event.areas.all()
                if a.level == campaign.coverage_level and a.valid_on(campaign.areas_on)
            ),
            "lon": event.location.x,
            "lat": event.location.y,
        }


# --- vector tiles (maps.tiles builds the SQL, maps.tile_views serves it) -------------
#
# Raw SQL: a tile is one ST_AsMVT aggregate over a subquery (see maps.tiles).
# Where the rows come from a queryset (public hotspots through the public map's
# filter, events, heat), the ORM compiles that subquery, so the filters stay
# the ones of hotspots.filters and selectors' own vocabulary.

TILE_HOTSPOT_PROPERTIES = (
    "id",
    "category",
    "status",
    "round(score)::int AS score",
    "priority",
    "size",
)
TILE_EVENT_PROPERTIES = (
    "id",
    "title",
    "status",
    "started::text AS started",
    "weight_kg::float8 AS weight_kg",
)


def layer_version(layer: str) -> int:
    """Return the layer's data version (maps.models.LayerVersion: sum of slots)."""
    with read_connection().cursor() as cursor:
        cursor.execute(
            f"SELECT coalesce(sum(version), 0) FROM {_table(LayerVersion)}"
            " WHERE layer = %s",
            [layer],
        )
        return int(cursor.fetchone()[0])


def _tile_query(sql: str, params: list) -> tuple[bytes, int]:
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        data, count = cursor.fetchone()
    return bytes(data or b""), int(count or 0)


def _in_tile(queryset: QuerySet, tile: tiles.Tile) -> QuerySet:
    """The rows whose location is in the tile (the 4326 GiST index), unordered."""
    box = Polygon.from_bbox(tiles.envelope_lonlat(tile))
    box.srid = WGS84
    return (
        queryset.filter(location__bboverlaps=box)
        .order_by()
        .annotate(lon=_x("location"), lat=_y("location"))
    )


def _compiled(queryset: QuerySet) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _grid_facets(filters: PublicMapFilter | None) -> dict | None:
    """Return the filter as grid facets ({} unfiltered), None if the grid cannot."""
    if filters is None:
        return {}
    active = filters.active()
    if set(active) <= set(tiles.GRID_FACETS):
        return {name: active[name] for name in tiles.GRID_FACETS if name in active}
    return None


def hotspot_tile(tile: tiles.Tile, filters: PublicMapFilter | None = None) -> bytes:
    """Return the public hotspots' tile (filters: the public map's, valid ones).

    Blocks come from the pre-counted grids when the filter allows (1 or 2
    queries), else from the matching rows (1 query). See maps.tiles for zooms.
    """
    facets = _grid_facets(filters)
    if facets is not None and tile.z < tiles.RAW_ALWAYS_ZOOM:
        table = _table(HotspotTileFacet if facets else HotspotTileCell)
        if tile.z < tiles.RAW_FROM_ZOOM:
            return _tile_query(*tiles.cells_sql(table, tile, facets))[0]
        with read_connection().cursor() as cursor:
            cursor.execute(*tiles.cells_count_sql(table, tile, facets))
            count = int(cursor.fetchone()[0])
        if count == 0:
            return b""
        if not tiles.uses_raw_points(tile, count):
            return _tile_query(*tiles.cells_sql(table, tile, facets))[0]
    queryset = Hotspot.objects.public() if filters is None else filters.qs
    rows = (
        _in_tile(queryset, tile)
        .annotate(size=F("size_class__key"))
        .values("id", "category", "status", "score", "priority", "size", "lon", "lat")
    )
    return _points_tile(tiles.HOTSPOTS, rows, tile, TILE_HOTSPOT_PROPERTIES)


def event_tile(tile: tiles.Tile) -> bytes:
    """Return the cleanup events' tile: public fields, rejected events left out."""
    rows = (
        _in_tile(CleanupEvent.objects.exclude(status=EventStatus.REJECTED), tile)
        .annotate(started=TruncDate("started_at", tzinfo=CONTEST_TZ))
        .values("id", "title", "status", "started", "weight_kg", "lon", "lat")
    )
    return _points_tile(tiles.EVENTS, rows, tile, TILE_EVENT_PROPERTIES)


def _points_tile(layer: str, rows: QuerySet, tile: tiles.Tile, properties) -> bytes:
    """Return a tile of `rows` (values with lon, lat) as points, up to the zoom's
    raw limit (maps.tiles.rows_sql)."""
    sql, params = tiles.rows_sql(
        layer, _compiled(rows), tile, properties=properties, limit=tiles.raw_limit(tile)
    )
    return _tile_query(sql, params)[0]


def area_tile(tile: tiles.Tile) -> bytes:
    """Return the administrative areas' outlines in the tile, simplified."""
    return _tile_query(*tiles.areas_sql(_table(AdminArea), tile))[0]


def basemap_areas(band) -> str:
    """Return the fallback base map's outlines and labels for a zoom band, as
    the JSON text of a feature list (maps.basemap.basemap_sql)."""
    sql, params = basemap.basemap_sql(_table(AdminArea), band)
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def heat_tile(
    tile: tiles.Tile,
    *,
    source: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> bytes:
    """Return the heat tile: kg (and count) per heat cell or block, as `heat` counts.

    From the heat rollups (1 query); from z12 on, the rows summed per block
    when the rollups count few in the tile's cells (a 2nd query). See
    maps.tiles.
    """
    base = HEAT_BASE_CELL_DEG
    shift = tiles.heat_shift(tile, base)
    cells = tiles.heat_cells(tile, base, shift or 0)
    everything = None if shift is not None else _heat_rollup(source, None, None, cells)
    sql, params = tiles.heat_cells_sql(
        tile,
        _heat_rollup(source, start, end, cells),
        shift=shift or 0,
        base_deg=base,
        everything=everything,
    )
    with read_connection().cursor() as cursor:
        cursor.execute(sql, params)
        data, count = cursor.fetchone()
    if data is None and count:
        return _heat_rows_tile(tile, source=source, start=start, end=end)
    return bytes(data or b"")


def _heat_rows_tile(
    tile: tiles.Tile, *, source: str, start: dt.date | None, end: dt.date | None
) -> bytes:
    """Return the heat tile summed per block from the rows in it (few rows only)."""
    queryset, weight = _heat_queryset(source, start, end)
    rows = _in_tile(queryset, tile).annotate(kg=weight).values("lon", "lat", "kg")
    sql, params = tiles.rows_sql(
        tiles.HEAT, _compiled(rows), tile, properties=("kg",), limit=-1, weight="kg"
    )
    return _tile_query(sql, params)[0]


def hexagon_tile(
    tile: tiles.Tile,
    *,
    campaign: Campaign,
    resolution: int,
    gaps: Mapping[str, int],
) -> bytes:
    """Return the campaign's H3 cells in the tile at the resolution (3 queries).

    The counts are hexagon_cells' (the rollups), read for the tile's ranges of
    cells only; `gaps`: the stored coverage gaps per cell (maps.analysis).
    """
    ranges = tiles.hexagon_ranges(tile, resolution, within=settings.SERVICE_ENVELOPE)
    if not ranges:
        return b""
    counts = hexagon_cells(campaign, resolution=resolution, cell_ranges=ranges)
    cells = tiles.hexagons_near(tile, resolution, counts)
    if not cells:
        return b""
    return _tile_query(*tiles.hexagons_sql(tile, resolution, cells, gaps))[0]


def hexagon_version(campaign: Campaign, *, gaps: Mapping) -> str:
    """Return the version of a campaign's hexagon tiles (2 small indexed reads).

    What the cells count moves with analysis_version's layer versions (public
    hotspots, events, decisions; "heat" moves with decisions, and with every
    report too) and the campaign's window end; the `gaps` property with the
    stored gap analysis (`gaps`: its lookup). Read where the tiles' rows are
    read, before them.
    """
    with read_connection().cursor() as cursor:
        versions = _data_versions(cursor)
    stored = analysis_stamp(gaps) or "none"
    return f"{versions};end={campaign.activity_end.isoformat()};gaps={stored}"


def analysis_stamp(lookup: Mapping) -> str:
    """Return what names one computation of a stored analysis (its row and
    time; "" before the first), without reading its payload."""
    row = (
        AnalysisResult.objects.using(read_connection().alias)
        .filter(**lookup)
        .values_list("pk", "computed_at")
        .first()
    )
    return f"{row[0]}@{row[1].isoformat()}" if row else ""


def stored_gap_points(stamp: str) -> list[tuple[float, float]]:
    """Return the (lon, lat) of the gaps of a stored gap analysis (by its stamp;
    [] if that computation has been replaced since). The payload is unpacked in
    PostgreSQL: one row a gap, two floats."""
    pk, _at, computed_at = stamp.partition("@")
    with read_connection().cursor() as cursor:
        cursor.execute(
            f"""
            SELECT (e->>'lon')::float8, (e->>'lat')::float8
            FROM {_table(AnalysisResult)} r,
                 jsonb_array_elements(r.payload->'gaps') AS e
            WHERE r.id = %s AND r.computed_at = %s::timestamptz
            """,
            [int(pk), computed_at],
        )
        return cursor.fetchall()


# The public filters the rollups answer: per (area, day, category, status,
# priority), area 0 being the whole platform (maps.models.HotspotAreaDayCount).
ROLLUP_FILTERS = {"category", "status", "priority", "area", "since", "until"}


def public_hotspot_total(filters: PublicMapFilter | None = None) -> int:
    """Return how many public hotspots match the public map's or list's filter.

    Unfiltered, from the pre-counted grid's coarsest level (a few rows, kept
    by triggers); filtered by category, status, priority, area or dates, from
    the daily rollup (at most days × categories × statuses rows of one area);
    by anything else, a count of the filter's rows. Never reads every hotspot.
    """
    active = filters.active() if filters is not None else {}
    if not active:
        cells = HotspotTileCell.objects.filter(level=tiles.CELL_LEVELS[0], n__gt=0)
        return cells.aggregate(n=Coalesce(Sum("n"), 0))["n"]
    if not set(active) <= ROLLUP_FILTERS:
        return filters.qs.count()
    rows = HotspotAreaDayCount.objects.filter(
        area_id=active.get("area", 0), status__in=PUBLIC_STATUSES
    )
    for name in ("category", "status", "priority"):
        if name in active:
            rows = rows.filter(**{name: active[name]})
    if "since" in active:
        rows = rows.filter(day__gte=active["since"])
    if "until" in active:
        rows = rows.filter(day__lte=active["until"])
    return rows.aggregate(n=Coalesce(Sum("hotspots"), 0))["n"]


def size_labels() -> dict[str, str]:
    """Return {size class key: label in the page's language} (Vietnamese first)."""
    english = (get_language() or "").startswith("en")
    return {
        key: (label_en if english and label_en else label)
        for key, label, label_en in SizeClass.objects.values_list(
            "key", "label", "label_en"
        )
    }


# The grids recounted from the public hotspots, level by level (the triggers'
# arithmetic), beside what the triggers stored: the rows that disagree.
GRID_DIFFERENCES_SQL = """
    WITH p AS (
        SELECT maps_merc_fx(ST_X(location)) AS fx,
               maps_merc_fy(ST_Y(location)) AS fy, category, status, priority
        FROM {hotspots} WHERE maps_public(status)
    ),
    counted AS (
        SELECT l AS level, floor(fx * 2 ^ l)::int AS cx, floor(fy * 2 ^ l)::int AS cy,
               category, status, priority, count(*) AS n
        FROM p CROSS JOIN generate_series(%s, %s) AS l
        GROUP BY 1, 2, 3, 4, 5, 6
    ),
    plain AS (SELECT level, cx, cy, sum(n) AS n FROM counted GROUP BY 1, 2, 3)
    SELECT
        (SELECT count(*) FROM plain c
         FULL JOIN (SELECT level, cx, cy, n FROM {cells} WHERE n <> 0) s
             USING (level, cx, cy)
         WHERE c.n IS DISTINCT FROM s.n),
        (SELECT count(*) FROM counted c
         FULL JOIN (SELECT level, cx, cy, category, status, priority, n
                    FROM {facets} WHERE n <> 0) s
             USING (level, cx, cy, category, status, priority)
         WHERE c.n IS DISTINCT FROM s.n)
"""


def tile_grid_differences() -> tuple[int, int]:
    """Return how many plain and per-filter grid cells differ from a recount.

    Reads every public hotspot (a command's check, never a request's work).
    """
    sql = GRID_DIFFERENCES_SQL.format(
        hotspots=_table(Hotspot),
        cells=_table(HotspotTileCell),
        facets=_table(HotspotTileFacet),
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [tiles.CELL_LEVELS[0], tiles.CELL_LEVELS[-1]])
        plain, faceted = cursor.fetchone()
    return int(plain), int(faceted)
