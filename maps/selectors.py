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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal

import h3
from django.conf import settings
from django.contrib.gis.db.models.functions import AsGeoJSON
from django.db import connection
from django.db.models import (
    Count,
    DecimalField,
    F,
    FloatField,
    Func,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Cast, Coalesce, Floor, TruncDate

from accounts.access import can_see_private
from events.cleanups.selectors import event_list, participant_count
from events.cleanups.serializers import public_entrant_name
from events.cleanups.services import activity_end_at
from events.formatting import CONTEST_TZ
from events.models import (
    VERIFIED_EVENT_STATUSES,
    Campaign,
    CleanupEvent,
    Entrant,
    EntrantStatus,
    EventStatus,
    Participant,
)
from geo.models import AdminArea
from geo.selectors import area_list, area_outlines
from hotspots.filters import PublicMapFilter
from hotspots.models import (
    DISMISSED_STATUSES,
    OPEN_STATUSES,
    PUBLIC_STATUSES,
    Hotspot,
    HotspotPhoto,
    SizeClass,
    Status,
)

from .hexagons import CellCounts
from .models import (
    HEAT_BASE_CELL_DEG,
    PLATFORM,
    EventAreaCount,
    EventAreaDayCount,
    EventCellCount,
    EventHeatCount,
    HotspotAreaCount,
    HotspotAreaDayCount,
    HotspotCellCount,
    HotspotHeatCount,
    HotspotHeatTotal,
)
from .rows import AreaMetrics, AreaShape, EventPoint, HotspotPoint, HotspotRow

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
# The fields a marker row reads (maps.rows.HotspotRow), beside lon/lat.
MARKER_FIELDS = (
    "id",
    "category",
    "status",
    "score",
    "priority",
    "size_class__label",
    "size_class__label_en",
    "description",
    "created_at",
    "confirmation_count",
)


def marker_rows(
    queryset: QuerySet[Hotspot], *, limit: int, thumbnails: bool = False
) -> list[HotspotRow]:
    """Return at most `limit` of the hotspots as marker rows, in the queryset's
    order (one query; with the first photo's thumbnail when `thumbnails`)."""
    queryset = queryset.prefetch_related(None).annotate(
        lon=_x("location"), lat=_y("location")
    )
    fields = ["lon", "lat", *MARKER_FIELDS]
    if thumbnails:
        first_thumbnail = (
            HotspotPhoto.objects.filter(hotspot=OuterRef("pk"))
            .order_by("created_at", "id")
            .values("thumbnail")[:1]
        )
        queryset = queryset.annotate(thumb=Subquery(first_thumbnail))
        fields.append("thumb")
    return [
        HotspotRow(
            id=row["id"],
            lon=row["lon"],
            lat=row["lat"],
            category=row["category"],
            status=row["status"],
            score=row["score"],
            priority=row["priority"],
            size_label=row["size_class__label"],
            size_label_en=row["size_class__label_en"],
            description=row["description"],
            created_at=row["created_at"],
            confirmation_count=row["confirmation_count"],
            thumbnail=row.get("thumb") or "",
        )
        for row in queryset.values(*fields)[:limit]
    ]


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
    return list(area_list(level=DISTRICT_LEVEL).values_list("id", "name"))


def public_map_filter(query: Mapping[str, str] | None) -> PublicMapFilter:
    """Return the public map's filter over the public hotspots (None: unfiltered)."""
    return PublicMapFilter(
        query or None, queryset=Hotspot.objects.public(), areas=district_choices()
    )


@dataclass(frozen=True)
class PublicHotspots:
    total: int  # every match of the filter
    rows: list[HotspotRow]  # at most the cap, highest score first


def public_hotspots(filters: PublicMapFilter, *, limit: int) -> PublicHotspots:
    """Return the filter's count and its first `limit` hotspots by score (2 queries).

    Invalid filter values are left out (django-filter filters with the valid ones).
    """
    queryset = filters.qs
    rows = marker_rows(
        queryset.order_by("-score", "-created_at", "id"), limit=limit, thumbnails=True
    )
    return PublicHotspots(total=queryset.count(), rows=rows)


def any_approximate_area() -> bool:
    return AdminArea.objects.filter(approximate=True).exists()


def area_shapes(*, level: str, ids: QuerySet | None = None) -> list[AreaShape]:
    """Return a level's areas (those in `ids`, if given) with simplified outlines."""
    queryset = area_outlines(level=level)
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

    Raw SQL: the hotspot rollups keep the size class, whose mid kg (as
    SizeClass.estimated_kg) weighs the count at read time; the ORM cannot join
    on the plain size_class_id. A count times a half-integer is exact in float.
    """
    days, params = "", {}
    if start is not None:
        days += " AND r.day >= %(start)s"
        params["start"] = start
    if end is not None:
        days += " AND r.day <= %(end)s"
        params["end"] = end
    if source == "cleanups":
        sql = f"""
        SELECT r.gx, r.gy, sum(r.events), sum(r.verified_kg)
        FROM {_table(EventHeatCount)} r WHERE TRUE {days}
        GROUP BY r.gx, r.gy HAVING sum(r.events) > 0
        """
    else:
        rows = HotspotHeatCount if days else HotspotHeatTotal
        sql = f"""
        SELECT r.gx, r.gy, sum(r.hotspots),
               sum(r.hotspots * (s.min_kg + s.max_kg)::float8 / 2.0)
        FROM {_table(rows)} r JOIN {_table(SizeClass)} s ON s.id = r.size_class_id
        WHERE TRUE {days}
        GROUP BY r.gx, r.gy HAVING sum(r.hotspots) > 0
        """
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {(gx, gy): (int(n), kg) for gx, gy, n, kg in cursor.fetchall()}


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
    areas = area_shapes(level=entrant.campaign.coverage_level, ids=area_ids)
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
        "verified": [str(s) for s in PUBLIC_STATUSES],
        "cleaned": str(Status.CLEANED),
        "not_counted": [str(s) for s in DISMISSED_STATUSES],
        "campaign": campaign.pk,
        "rejected": str(EventStatus.REJECTED),
        "verified_event": [str(s) for s in VERIFIED_EVENT_STATUSES],
    }
    with connection.cursor() as cursor:
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


def area_outlines_geojson(*, level: str) -> dict[int, dict]:
    """Return {area id: simplified outline as a GeoJSON dict} for a level's areas.

    Simplified (geo.selectors.area_outlines) and written as GeoJSON by PostGIS
    with 6 decimals (~0.1 m), so a page or API response stays small.
    """
    rows = (
        area_outlines(level=level)
        .annotate(outline_json=AsGeoJSON("outline", precision=6))
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


def hexagon_cells(campaign: Campaign, *, resolution: int) -> list[CellCounts]:
    """Return the campaign's counts per H3 cell at a resolution (2 queries).

    The rows that count are those above (public hotspots reported by the end of
    the campaign's activity window, its approved and adjusted cleanups), summed
    from the cell rollups (maps.models.HotspotCellCount, EventCellCount): cells ×
    statuses rows, however many points. Cells with at least one of them, in cell
    order: what maps.hexagons.cell_counts makes of hotspot_points() and
    event_points(), with the kilograms summed exactly before the float.
    """
    hotspots = (
        HotspotCellCount.objects.filter(
            resolution=resolution,
            known_by__lte=campaign.activity_end,
            status__in=PUBLIC_STATUSES,
        )
        .values("cell")
        .annotate(
            n=Sum("hotspots"),
            open=Sum("hotspots", filter=Q(status__in=OPEN_STATUSES)),
        )
        .filter(n__gt=0)
        .values_list("cell", "n", "open")
    )
    events = (
        EventCellCount.objects.filter(
            campaign_id=campaign.pk,
            resolution=resolution,
            status__in=VERIFIED_EVENT_STATUSES,
        )
        .values("cell")
        .annotate(n=Sum("events"), kg=Sum("verified_kg"))
        .filter(n__gt=0)
        .values_list("cell", "n", "kg")
    )
    cells: dict[int, CellCounts] = {}
    for cell, n, open_n in hotspots:
        counts = cells.setdefault(cell, CellCounts(h3.int_to_str(cell)))
        counts.hotspots, counts.open_hotspots = n, open_n or 0
    for cell, n, kg in events:
        counts = cells.setdefault(cell, CellCounts(h3.int_to_str(cell)))
        counts.cleanups, counts.verified_kg = n, float(kg)
    return sorted(cells.values(), key=lambda counts: counts.cell)


def analysis_points(campaign_pk: int) -> tuple[list[HotspotPoint], list[EventPoint]]:
    """Return the campaign's hotspot points and event points (3 queries)."""
    campaign = Campaign.objects.get(pk=campaign_pk)
    return hotspot_points(campaign), event_points(campaign)


def data_version(campaign: Campaign) -> str:
    """Return a fingerprint of the rows the hexagon analyses read (for caching).

    Counts and latest change times of hotspots, the campaign's events and their
    decisions: any report, status change, event or decision changes it.
    """
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT (SELECT count(*) || ':' || coalesce(max(updated_at)::text, '')
                      FROM hotspots_hotspot),
                   (SELECT count(*) || ':' || coalesce(max(e.updated_at)::text, '')
                      FROM events_cleanupevent e JOIN events_entrant t ON t.id = e.entrant_id
                     WHERE t.campaign_id = %s),
                   (SELECT count(*) FROM events_eventdecision d
                      JOIN events_cleanupevent e ON e.id = d.event_id
                      JOIN events_entrant t ON t.id = e.entrant_id
                     WHERE t.campaign_id = %s)
            """,
            [campaign.pk, campaign.pk],
        )
        return "|".join(str(part) for part in cursor.fetchone())


# --- open-data exports (maps.exports) ------------------------------------------------
#
# Shaped by the exports' columns: ST_X/ST_Y and the district name are computed in
# SQL, so a 100,000-row export is one query, not 100,000 model instances.

EXPORT_AREA_LEVEL = "district"


def public_hotspot_count() -> int:
    return Hotspot.objects.public().count()


def public_hotspot_export() -> list[dict]:
    """Return the public hotspots' public fields, newest first (one query).

    Keys: id, category, size, status, priority, score, confirmation_count,
    recurrence_count, created_at, district (its name, or None), lon, lat.
    """
    district = AdminArea.objects.filter(
        hotspots=OuterRef("pk"), level=EXPORT_AREA_LEVEL
    ).order_by("id")
    return list(
        Hotspot.objects.public()
        .annotate(
            size=F("size_class__key"),
            district=Subquery(district.values("name")[:1]),
            lon=_x("location"),
            lat=_y("location"),
        )
        .order_by("-created_at", "-id")
        .values(
            "id",
            "category",
            "size",
            "status",
            "priority",
            "score",
            "confirmation_count",
            "recurrence_count",
            "created_at",
            "district",
            "lon",
            "lat",
        )
    )


def _campaign_event_list(campaign: Campaign) -> QuerySet[CleanupEvent]:
    return event_list(campaign_slug=campaign.slug).order_by("started_at", "id")


def campaign_event_count(campaign: Campaign) -> int:
    return _campaign_event_list(campaign).count()


def campaign_event_export(campaign: Campaign) -> list[dict]:
    """Return the campaign's events with their public fields only, oldest first.

    The entrant's name only with its publish consent; `places` are the names of
    the areas at the campaign's coverage level, sorted. Coordinates unrounded.
    """
    rows = []
    for event in _campaign_event_list(campaign):
        rows.append(
            {
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
                    if a.level == campaign.coverage_level
                ),
                "lon": event.location.x,
                "lat": event.location.y,
            }
        )
    return rows
