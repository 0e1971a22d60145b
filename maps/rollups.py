"""Derived tables kept at write time: rebuild them, or prove them right.

The rollups (maps.models) are kept current by the triggers of
maps/migrations/0003_rollups.sql (queued by each write, added at its commit).
This module recomputes them from the raw rows in SQL, independently of the
triggers: `rebuild()` replaces them (TRUNCATE, then INSERT ... SELECT, in one
transaction) and `differences()` compares the stored rows with the
recomputation (FULL OUTER JOIN) and describes every row that differs.
`manage.py rollups --check / --rebuild` call them.

Other derived tables register their own pair in DERIVED (see Derived), and the
command checks and rebuilds them too.

Raw SQL because the recomputation is a few set operations over every row (a
GROUP BY of 2M area links in one pass) that the ORM cannot write as
INSERT ... SELECT. Table and column names come from the models' metadata;
statuses, the time zone and the grid cell are bound parameters from the models'
constants, so the definitions built into the triggers are checked against the
Python ones.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Model

from events.formatting import CONTEST_TZ
from events.models import (
    VERIFIED_EVENT_STATUSES,
    Campaign,
    CleanupEvent,
    Entrant,
    EventDecision,
    Participant,
)
from geo.cells import field_name
from hotspots.models import DISMISSED_STATUSES, Hotspot

from .models import (
    HEAT_BASE_CELL_DEG,
    NO_CAMPAIGN_END,
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

# The resolutions whose cells the rows store and the triggers count (the h3_7,
# h3_8, h3_9 columns of hotspots and events).
RESOLUTIONS = (7, 8, 9)
# Rows described per table when they differ (the count says how many in all).
MAX_LINES_PER_TABLE = 20


@dataclass(frozen=True)
class Derived:
    """A derived data set: how to rebuild it and how to check it.

    rebuild() replaces its rows from the raw rows and returns {table: rows};
    differences() returns one readable line per wrong row ([] when right).
    Both run inside the caller's transaction.
    """

    name: str
    rebuild: Callable[[], dict[str, int]]
    differences: Callable[[], list[str]]


DERIVED: list[Derived] = []


def register(derived: Derived) -> Derived:
    """Add a derived data set to those `manage.py rollups` checks and rebuilds."""
    DERIVED.append(derived)
    return derived


def rebuild() -> dict[str, int]:
    """Rebuild every registered derived table in one transaction; {table: rows}."""
    counts: dict[str, int] = {}
    with transaction.atomic():
        for derived in DERIVED:
            counts.update(derived.rebuild())
    return counts


def differences() -> list[str]:
    """Return a line per stored row that differs from a full recomputation."""
    lines: list[str] = []
    with transaction.atomic():
        for derived in DERIVED:
            lines.extend(derived.differences())
    return lines


@contextmanager
def suspended() -> Iterator[None]:
    """Run bulk writes with the rollup triggers off, then rebuild (one transaction).

    For loads of many rows (generate_data, a bulk re-assignment of areas): a
    trigger per row would cost more than one recomputation at the end. Other
    transactions keep their triggers; the rebuild's TRUNCATE waits for them.
    """
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maps.rollups_suspended = 'on'")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maps.rollups_suspended = 'off'")
        rebuild()


# --- the maps rollups -------------------------------------------------------------


@dataclass(frozen=True)
class Rollup:
    """A rollup table: its key and value columns and the SELECT that recomputes it
    (columns in that order; it reads the CTEs of _bases())."""

    model: type[Model]
    keys: tuple[str, ...]
    values: tuple[str, ...]
    select: str = field(repr=False)

    @property
    def table(self) -> str:
        return self.model._meta.db_table


def _q(model_or_name) -> str:
    """Return a quoted table (a model's) or column name."""
    name = (
        model_or_name
        if isinstance(model_or_name, str)
        else model_or_name._meta.db_table
    )
    return connection.ops.quote_name(name)


def _cells(alias: str) -> str:
    rows = ", ".join(
        f"({res}::smallint, {alias}.{field_name(res)})" for res in RESOLUTIONS
    )
    return f"CROSS JOIN LATERAL (VALUES {rows}) c(resolution, cell)"


def _bases() -> str:
    """Return the CTEs every recomputation reads: one row per hotspot and per
    event with what it counts, and the same per area (the platform and each
    linked area)."""
    hotspot_links = Hotspot.areas.through
    event_links = CleanupEvent.areas.through
    return f"""
    hotspot_rows AS (
        SELECT h.id, h.category, h.status, h.priority,
               (h.created_at AT TIME ZONE %(tz)s)::date AS day, h.size_class_id,
               h.h3_7, h.h3_8, h.h3_9,
               floor(ST_X(h.location) / %(cell)s::float8)::integer AS gx,
               floor(ST_Y(h.location) / %(cell)s::float8)::integer AS gy
        FROM {_q(Hotspot)} h
    ),
    hotspot_area_rows AS (
        SELECT %(platform)s::bigint AS area_id, r.* FROM hotspot_rows r
        UNION ALL
        SELECT l.adminarea_id, r.*
        FROM {_q(hotspot_links)} l JOIN hotspot_rows r ON r.id = l.hotspot_id
    ),
    epochs AS (
        SELECT lag(e) OVER (ORDER BY e) AS lo, e AS hi
        FROM (SELECT DISTINCT activity_end AS e FROM {_q(Campaign)}) ends
        UNION ALL
        SELECT (SELECT max(activity_end) FROM {_q(Campaign)}),
               %(no_end)s::date
    ),
    event_rows AS (
        SELECT e.id, n.campaign_id, e.entrant_id, e.status,
               (e.started_at AT TIME ZONE %(tz)s)::date AS day,
               (d.id IS NOT NULL)::integer AS verified,
               coalesce(d.verified_weight_kg, 0) AS kg,
               coalesce(p.n, 0) AS participants,
               e.h3_7, e.h3_8, e.h3_9,
               floor(ST_X(e.location) / %(cell)s::float8)::integer AS gx,
               floor(ST_Y(e.location) / %(cell)s::float8)::integer AS gy
        FROM {_q(CleanupEvent)} e
        JOIN {_q(Entrant)} n ON n.id = e.entrant_id
        LEFT JOIN {_q(EventDecision)} d
          ON d.id = e.current_decision_id AND e.status = ANY(%(verified)s)
        LEFT JOIN (
            SELECT event_id, count(*) AS n FROM {_q(Participant)} GROUP BY event_id
        ) p ON p.event_id = e.id
    ),
    event_area_rows AS (
        SELECT %(platform)s::bigint AS area_id, r.* FROM event_rows r
        UNION ALL
        SELECT l.adminarea_id, r.*
        FROM {_q(event_links)} l JOIN event_rows r ON r.id = l.cleanupevent_id
    )
    """


def _params() -> dict:
    return {
        "tz": str(CONTEST_TZ),
        "cell": HEAT_BASE_CELL_DEG,
        "platform": PLATFORM,
        "no_end": NO_CAMPAIGN_END,
        "verified": [str(s) for s in VERIFIED_EVENT_STATUSES],
        "dismissed": [str(s) for s in DISMISSED_STATUSES],
    }


EVENT_SUMS = "count(*), sum(verified), sum(kg), sum(participants)"

ROLLUPS = (
    Rollup(
        HotspotAreaCount,
        ("area_id", "category", "status", "priority"),
        ("hotspots",),
        """SELECT area_id, category, status, priority, count(*)
           FROM hotspot_area_rows GROUP BY 1, 2, 3, 4""",
    ),
    Rollup(
        HotspotAreaDayCount,
        ("area_id", "day", "category", "status", "priority"),
        ("hotspots",),
        """SELECT area_id, day, category, status, priority, count(*)
           FROM hotspot_area_rows GROUP BY 1, 2, 3, 4, 5""",
    ),
    Rollup(
        HotspotCellCount,
        ("resolution", "cell", "known_by", "status"),
        ("hotspots",),
        f"""SELECT c.resolution, c.cell, e.hi, r.status, count(*)
            FROM hotspot_rows r
            JOIN epochs e ON (e.lo IS NULL OR r.day > e.lo) AND r.day <= e.hi
            {_cells("r")}
            WHERE c.cell IS NOT NULL
            GROUP BY 1, 2, 3, 4""",
    ),
    Rollup(
        HotspotHeatCount,
        ("day", "gx", "gy", "size_class_id"),
        ("hotspots",),
        """SELECT day, gx, gy, size_class_id, count(*) FROM hotspot_rows
           WHERE status <> ALL(%(dismissed)s) GROUP BY 1, 2, 3, 4""",
    ),
    Rollup(
        HotspotHeatTotal,
        ("gx", "gy", "size_class_id"),
        ("hotspots",),
        """SELECT gx, gy, size_class_id, count(*) FROM hotspot_rows
           WHERE status <> ALL(%(dismissed)s) GROUP BY 1, 2, 3""",
    ),
    Rollup(
        EventAreaCount,
        ("campaign_id", "area_id", "entrant_id", "status"),
        ("events", "verified_events", "verified_kg", "participants"),
        f"""SELECT campaign_id, area_id, entrant_id, status, {EVENT_SUMS}
            FROM event_area_rows GROUP BY 1, 2, 3, 4""",
    ),
    Rollup(
        EventAreaDayCount,
        ("campaign_id", "area_id", "day", "status"),
        ("events", "verified_events", "verified_kg", "participants"),
        f"""SELECT campaign_id, area_id, day, status, {EVENT_SUMS}
            FROM event_area_rows GROUP BY 1, 2, 3, 4""",
    ),
    Rollup(
        EventCellCount,
        ("campaign_id", "resolution", "cell", "status"),
        ("events", "verified_kg"),
        f"""SELECT r.campaign_id, c.resolution, c.cell, r.status, count(*), sum(r.kg)
            FROM event_rows r {_cells("r")}
            WHERE c.cell IS NOT NULL
            GROUP BY 1, 2, 3, 4""",
    ),
    Rollup(
        EventHeatCount,
        ("day", "gx", "gy"),
        ("events", "verified_kg"),
        """SELECT day, gx, gy, count(*), sum(kg) FROM event_rows
           WHERE verified = 1 GROUP BY 1, 2, 3""",
    ),
)


def rebuild_maps() -> dict[str, int]:
    """Replace every maps rollup by its recomputation from the raw rows."""
    counts = {}
    with transaction.atomic(), connection.cursor() as cursor:
        # This transaction's queued facts are in the raw rows recounted below.
        cursor.execute("SELECT maps_rollups_discard()")
        cursor.execute("TRUNCATE " + ", ".join(_q(r.table) for r in ROLLUPS))
        for rollup in ROLLUPS:
            columns = ", ".join(_q(c) for c in (*rollup.keys, *rollup.values))
            cursor.execute(
                f"WITH {_bases()} INSERT INTO {_q(rollup.table)} ({columns}) "
                f"{rollup.select}",
                _params(),
            )
            counts[rollup.table] = cursor.rowcount
        # The heat tiles are read from these rollups (maps.selectors.heat_tile).
        cursor.execute("SELECT maps_layer_bump('{heat}')")
    return counts


def differences_maps() -> list[str]:
    """Compare every maps rollup with its recomputation; describe the differences.

    A missing row and a row of zeros are the same (rows falling to zero stay).
    """
    lines = []
    with connection.cursor() as cursor:
        # This transaction's own writes are queued until its commit: add them.
        cursor.execute("SELECT maps_rollups_fold()")
        for rollup in ROLLUPS:
            cursor.execute(_difference_sql(rollup), _params())
            rows = cursor.fetchall()
            lines.extend(_describe(rollup, row) for row in rows)
            if rows and rows[0][-1] > len(rows):
                lines.append(
                    f"{rollup.table}: {rows[0][-1] - len(rows)} more rows differ"
                )
    return lines


def _difference_sql(rollup: Rollup) -> str:
    keys = ", ".join(_q(k) for k in rollup.keys)
    expected_columns = ", ".join(_q(c) for c in (*rollup.keys, *rollup.values))
    stored = ", ".join(f"coalesce(s.{_q(v)}, 0)" for v in rollup.values)
    computed = ", ".join(f"coalesce(e.{_q(v)}, 0)" for v in rollup.values)
    return f"""
    WITH {_bases()},
    expected ({expected_columns}) AS ({rollup.select})
    SELECT {keys}, {stored}, {computed}, count(*) OVER ()
    FROM {_q(rollup.table)} s FULL OUTER JOIN expected e USING ({keys})
    WHERE ({stored}) IS DISTINCT FROM ({computed})
    ORDER BY {keys}
    LIMIT {MAX_LINES_PER_TABLE}
    """


def _describe(rollup: Rollup, row: tuple) -> str:
    n = len(rollup.keys)
    width = len(rollup.values)
    key = ", ".join(f"{k}={v!r}" for k, v in zip(rollup.keys, row[:n], strict=True))
    stored = row[n : n + width]
    expected = row[n + width : n + 2 * width]
    values = ", ".join(
        f"{name} {s} (expected {e})"
        for name, s, e in zip(rollup.values, stored, expected, strict=True)
        if s != e
    )
    return f"{rollup.table} ({key}): {values}"


register(Derived("maps", rebuild_maps, differences_maps))
