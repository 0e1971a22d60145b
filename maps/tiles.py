"""Vector tiles: tile addresses, each layer's zoom rules, the SQL text, TileJSON.

Pure: plain values in, SQL text (with its bound parameters) and dicts out.
maps.selectors executes the SQL; maps.tile_views serves the bytes.

Raw SQL, not the ORM: a tile is one PostGIS aggregate (ST_AsMVT) over a
subquery, grouped per pixel block or read from the pre-counted grid, and the
ORM has no expression for either. Every value is a bound parameter; table names
come from the models' _meta, never from a request.

Coordinates: rows are stored in WGS84 (EPSG:4326). Tiles are Web Mercator
(EPSG:3857) with MVT's 4096 × 4096 extent, y down. Points are projected with
the spherical formulas that define EPSG:3857 (SQL functions maps_merc_fx/fy,
migration maps 0002_layer_versions) straight to tile coordinates: ST_Transform
goes through PROJ at ~5 µs a point, which is most of a dense tile's budget.
Polygons (areas) go through ST_Transform and ST_AsMVTGeom (few vertices).

Hotspots, by zoom (at 1,000,000 hotspots on 2 cores, DB-built: z14 over Huế
p50 ~3-5 ms, p99 ~25-33 ms, ≤ 28 KB; z10 and z8 < 3 ms, ≤ 5 KB):
- z ≥ RAW_ALWAYS_ZOOM: every public hotspot in the tile as a point with its
  public properties (the densest synthetic z18 tile holds a few hundred).
- RAW_FROM_ZOOM ≤ z < RAW_ALWAYS_ZOOM: raw points when the tile holds at most
  RAW_MAX_POINTS, else blocks;
- below: blocks. A block is one of the tile's 32 × 32 squares (from z16 on,
  the level-20 grid cells: 16 × 16 at z16) drawn at its hotspots' mean
  position with their `count`. Without a filter the blocks come from the
  pre-counted grid (maps.models.HotspotTileCell, kept by triggers), so a tile
  costs the same at 1,000 or 1,000,000 hotspots; filtered by category, status
  or priority, from the grid split by those (HotspotTileFacet); filtered by
  area or dates, they are counted from the matching rows.

Heat (IOC and organisers), from the heat rollups: see "heat" below (at
1,000,000 hotspots: ~1-3 ms a tile without a period; a period costs its days,
at most half the stored ones: ~10 ms a week, 30-50 ms one or two months at z8).

Hexagons (a campaign's H3 cells, from the cell rollups): one polygon a cell
with its counts, at the resolution asked for capped by the zoom (see the
hexagons section below); a tile reads the rollups for its own cells only.
"""

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import h3
from django.utils.translation import gettext_lazy as _
from h3.api import basic_int

from config.errors import ClientError

from .hexagons import CellCounts, outline_wkb

EXTENT = 4096  # MVT tile coordinates per side
MAX_ZOOM = 20  # the deepest tile address served
# Blocks per tile side: 2^5 = 32 (128 tile units, 16 px of a 512 px tile), at
# most 1,024 features: ST_AsMVT writes ~3 µs a feature here.
BLOCK_BITS = 5
# Levels of the pre-counted hotspot grid (migration maps 0002_layer_versions);
# from z16 on a tile's blocks are its level-20 cells (16 × 16 at z16).
CELL_LEVELS = range(6, 21)
RAW_FROM_ZOOM = 12
RAW_ALWAYS_ZOOM = 18
# A raw point costs ~15-25 µs when its heap page is not cached (rows are not
# stored in space order) plus its encoding: 600 points stay ~10-15 ms.
RAW_MAX_POINTS = 600
EDGE_DEG = 1e-9  # ~0.1 mm
# The filters the grid per (category, status, priority) answers
# (maps.models.HotspotTileFacet); any other filter counts the matching rows.
GRID_FACETS = ("category", "status", "priority")

HOTSPOTS = "hotspots"
EVENTS = "events"
AREAS = "areas"
HEAT = "heat"
HEXAGONS = "hexagons"


@dataclass(frozen=True)
class LayerSpec:
    name: str
    title: str
    description: str
    minzoom: int
    maxzoom: int  # deeper zooms reuse (overzoom) this zoom's tiles
    fields: dict  # MVT property -> what it holds (TileJSON vector_layers)
    public: bool = True
    max_age: int = 60  # seconds a browser or proxy may keep a tile


CLUSTER_FIELDS = {
    "count": _("Số điểm gộp trong ô (chỉ có ở các ô gộp khi thu nhỏ)"),
}
LAYERS = {
    HOTSPOTS: LayerSpec(
        name=HOTSPOTS,
        title=_("Điểm nóng công khai"),
        description=_(
            "Điểm nóng đã xác minh, đã thu gom hoặc tái xuất hiện; khi thu nhỏ, "
            "các điểm gần nhau được gộp thành ô có số đếm."
        ),
        minzoom=0,
        maxzoom=RAW_ALWAYS_ZOOM,
        fields={
            **CLUSTER_FIELDS,
            "id": _("Mã điểm nóng"),
            "category": _("Loại (plastic, water_hyacinth, household, …)"),
            "status": _("Trạng thái (verified, cleaned, reopened)"),
            "score": _("Điểm ưu tiên, làm tròn"),
            "priority": _("Ban Tổ chức đánh dấu ưu tiên"),
            "size": _("Mã cỡ điểm nóng"),
        },
    ),
    EVENTS: LayerSpec(
        name=EVENTS,
        title=_("Sự kiện thu gom"),
        description=_("Sự kiện thu gom chưa bị loại, chỉ các thông tin công khai."),
        minzoom=0,
        maxzoom=RAW_ALWAYS_ZOOM,
        fields={
            **CLUSTER_FIELDS,
            "id": _("Mã sự kiện"),
            "title": _("Tên sự kiện"),
            "status": _("Trạng thái (submitted, approved, adjusted)"),
            "started": _("Ngày bắt đầu (giờ Việt Nam, YYYY-MM-DD)"),
            "weight_kg": _("Khối lượng đội thi khai báo (kg)"),
        },
    ),
    AREAS: LayerSpec(
        name=AREAS,
        title=_("Đơn vị hành chính"),
        description=_("Ranh giới đơn vị hành chính, giản lược theo mức thu phóng."),
        minzoom=0,
        maxzoom=14,
        fields={
            "id": _("Mã đơn vị"),
            "name": _("Tên"),
            "code": _("Mã hành chính"),
            "level": _("Cấp (province, district, …)"),
        },
        max_age=3600,
    ),
    HEAT: LayerSpec(
        name=HEAT,
        title=_("Bản đồ nhiệt"),
        description=_(
            "Khối lượng ước tính (điểm nóng) hoặc đã xác nhận (thu gom) cộng "
            "theo ô; chỉ Trung tâm IOC và Ban Tổ chức."
        ),
        minzoom=0,
        maxzoom=16,
        fields={
            "count": _("Số điểm nóng hoặc sự kiện trong ô"),
            "kg": _("Tổng khối lượng trong ô (kg)"),
        },
        public=False,
    ),
    HEXAGONS: LayerSpec(
        name=HEXAGONS,
        title=_("Độ phủ theo ô lục giác"),
        description=_(
            "Ô lục giác H3 của một chiến dịch: điểm nóng, sự kiện thu gom đã duyệt "
            "và khoảng trống thu gom; khi thu nhỏ, ô lớn hơn (độ phân giải thấp hơn)."
        ),
        minzoom=0,
        maxzoom=14,
        fields={
            "cell": _("Mã ô H3 (chuỗi hex)"),
            "resolution": _("Độ phân giải H3 của ô (7, 8 hoặc 9)"),
            "hotspots": _("Số điểm nóng công khai"),
            "open_hotspots": _("Số điểm nóng chưa xử lý"),
            "cleanups": _("Số sự kiện thu gom đã duyệt"),
            "verified_kg": _("Khối lượng đã xác nhận (kg)"),
            "gaps": _(
                "Số khoảng trống thu gom (điểm nóng ưu tiên chưa ai thu gom gần)"
            ),
        },
    ),
}


# --- addresses ----------------------------------------------------------------------


@dataclass(frozen=True)
class Tile:
    z: int
    x: int
    y: int

    @property
    def scale(self) -> int:
        return 2**self.z


class TileNotFound(ClientError):
    status = 404


def _digits(value: str, name: str, max_digits: int) -> int:
    # ASCII digits only: int() would also take "+1", " 1" and "١".
    if not (value.isascii() and value.isdigit()) or len(value) > max_digits:
        raise ClientError(
            "invalid_tile",
            _("%(name)s phải là số nguyên không âm.") % {"name": name},
            field=name,
        )
    return int(value)


def tile_at(z: str, x: str, y: str) -> Tile:
    """Return the tile at z/x/y, or raise (400 not an integer, 404 no such tile)."""
    zoom = _digits(z, "z", 2)
    col = _digits(x, "x", 7)
    row = _digits(y, "y", 7)
    if zoom > MAX_ZOOM:
        raise TileNotFound(
            "tile_out_of_range",
            _("z phải từ 0 đến %(max)s.") % {"max": MAX_ZOOM},
            field="z",
        )
    for name, value in (("x", col), ("y", row)):
        if value >= 2**zoom:
            raise TileNotFound(
                "tile_out_of_range",
                _("%(name)s phải nhỏ hơn 2^z.") % {"name": name},
                field=name,
            )
    return Tile(zoom, col, row)


def envelope_lonlat(tile: Tile) -> tuple[float, float, float, float]:
    """Return the tile's (west, south, east, north) in degrees (WGS84), a hair wider.

    A Web-Mercator tile is a lon/lat rectangle too, so `location && box` in
    4326 selects the tile's points on the stored column's GiST index; the SQL
    then keeps those whose grid arithmetic puts them in the tile (EDGE_DEG
    wider, so that rounding never drops a point on an edge).
    """
    n = tile.scale

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return (
        tile.x / n * 360 - 180 - EDGE_DEG,
        lat(tile.y + 1) - EDGE_DEG,
        (tile.x + 1) / n * 360 - 180 + EDGE_DEG,
        lat(tile.y) + EDGE_DEG,
    )


# --- the hotspot grid -------------------------------------------------------------


@dataclass(frozen=True)
class CellRange:
    level: int
    cx: tuple[int, int]  # first, last (inclusive)
    cy: tuple[int, int]


def block_bits(tile: Tile) -> int:
    """Return log2 of the tile's blocks per side (fewer past the finest grid)."""
    level = min(max(tile.z + BLOCK_BITS, CELL_LEVELS[0]), CELL_LEVELS[-1])
    return level - tile.z


def cell_range(tile: Tile) -> CellRange:
    """Return the grid cells that are the tile's blocks (level z + 5, 6..20)."""
    level = tile.z + block_bits(tile)
    side = 2 ** (level - tile.z)
    return CellRange(
        level,
        (tile.x * side, (tile.x + 1) * side - 1),
        (tile.y * side, (tile.y + 1) * side - 1),
    )


def uses_raw_points(tile: Tile, count: int) -> bool:
    """Whether a hotspot tile holding `count` public hotspots shows them one by one."""
    if tile.z >= RAW_ALWAYS_ZOOM:
        return True
    return tile.z >= RAW_FROM_ZOOM and count <= RAW_MAX_POINTS


def raw_limit(tile: Tile) -> int:
    """The most points a tile built from rows sends one by one (-1: always blocks)."""
    if tile.z >= RAW_ALWAYS_ZOOM:
        return 2**62
    return RAW_MAX_POINTS if tile.z >= RAW_FROM_ZOOM else -1


# --- SQL ----------------------------------------------------------------------------

# (lon, lat) in degrees -> the tile's integer coordinates; parameters: 2^z, x,
# 2^z, y. Points sit inside the tile (0..4096): no buffer, so a point is drawn
# by one tile only and counts are never doubled at tile edges.
POINT = (
    "ST_MakePoint("
    "floor((maps_merc_fx({lon}) * %s - %s) * 4096), "
    "floor((maps_merc_fy({lat}) * %s - %s) * 4096))"
)


def point_sql(lon: str, lat: str, tile: Tile) -> tuple[str, list]:
    return POINT.format(lon=lon, lat=lat), [tile.scale, tile.x, tile.scale, tile.y]


def _grid(table: str, tile: Tile, facets: dict) -> tuple[str, list]:
    cells = cell_range(tile)
    # Column names from GRID_FACETS (code), values bound.
    names = [name for name in GRID_FACETS if name in facets]
    wanted = "".join(f" AND c.{name} = %s" for name in names)
    sql = f"""
        FROM {table} c
        WHERE c.level = %s AND c.cx BETWEEN %s AND %s
          AND c.cy BETWEEN %s AND %s AND c.n > 0{wanted}
    """
    return sql, [cells.level, *cells.cx, *cells.cy, *(facets[n] for n in names)]


def cells_sql(table: str, tile: Tile, facets: dict | None = None) -> tuple[str, list]:
    """Return SQL for (tile bytes, hotspot count) from a pre-counted grid.

    Without facets, from the plain grid (one row a block); with them, from the
    grid per (category, status, priority), summed per block.
    """
    grid, grid_params = _grid(table, tile, facets or {})
    if not facets:
        point, point_params = point_sql("c.sum_lon / c.n", "c.sum_lat / c.n", tile)
        inner = f'SELECT c.n AS "count", {point} AS geom {grid}'
    else:
        point, point_params = point_sql(
            "sum(c.sum_lon) / sum(c.n)", "sum(c.sum_lat) / sum(c.n)", tile
        )
        inner = f"""
            SELECT sum(c.n) AS "count", {point} AS geom {grid}
            GROUP BY c.cx, c.cy HAVING sum(c.n) > 0
        """
    sql = f"""
        SELECT ST_AsMVT(t, %s, 4096, 'geom'), coalesce(sum(t."count"), 0)
        FROM ({inner}) AS t
    """
    return sql, [HOTSPOTS, *point_params, *grid_params]


def cells_count_sql(
    table: str, tile: Tile, facets: dict | None = None
) -> tuple[str, list]:
    """Return SQL for the number of public hotspots in the tile (from a grid)."""
    grid, grid_params = _grid(table, tile, facets or {})
    return f"SELECT coalesce(sum(c.n), 0) {grid}", grid_params


def rows_sql(
    layer: str,
    inner: tuple[str, list],
    tile: Tile,
    *,
    properties: tuple[str, ...],
    limit: int,
    weight: str | None = None,
) -> tuple[str, list]:
    """Return SQL for (tile bytes, row count) from the rows of `inner`.

    `inner` (SQL, params) yields lon, lat and the `properties` of the rows
    around the tile (each property a column name or "expression AS name"); the
    rows in the tile are those whose block is in it, as in the grid. At most
    `limit` rows (-1: none) are sent one by one with their properties; more
    are summed per block into `count` (and `kg`, the sum of `weight`).
    """
    inner_sql, inner_params = inner
    point, point_params = point_sql("lon", "lat", tile)
    block_point, block_params = point_sql("avg(lon)", "avg(lat)", tile)
    blocks = 2 ** (tile.z + block_bits(tile))
    # The tile's own rows by the grid's arithmetic (floor of the Mercator
    # fraction × 2^z), so that tiles and grid cells split the points alike:
    # none counted twice or lost at a tile's edge.
    in_tile = (
        "floor(maps_merc_fx(lon) * %s) = %s AND floor(maps_merc_fy(lat) * %s) = %s"
    )
    in_tile_params = [tile.scale, tile.x, tile.scale, tile.y]
    kg = f", sum({weight})::float8 AS kg" if weight else ""
    aggregated = f"""
        SELECT ST_AsMVT(b, %s, 4096, 'geom'), coalesce(sum(b."count"), 0)
        FROM (
            SELECT count(*) AS "count"{kg}, {block_point} AS geom
            FROM ({inner_sql}) AS rows
            WHERE {in_tile}
            GROUP BY floor(maps_merc_fx(lon) * %s), floor(maps_merc_fy(lat) * %s)
        ) AS b
    """
    aggregated_params = [
        layer,
        *block_params,
        *inner_params,
        *in_tile_params,
        blocks,
        blocks,
    ]
    if limit < 0:
        return aggregated, aggregated_params
    columns = ", ".join(properties)
    sql = f"""
        WITH rows AS MATERIALIZED (
            SELECT * FROM ({inner_sql}) AS rows WHERE {in_tile}
        ),
        n AS (SELECT count(*) AS n FROM rows)
        SELECT CASE WHEN n.n <= %s THEN (
            SELECT ST_AsMVT(r, %s, 4096, 'geom')
            FROM (SELECT {columns}, {point} AS geom FROM rows) AS r
        ) ELSE (
            SELECT ST_AsMVT(b, %s, 4096, 'geom')
            FROM (
                SELECT count(*) AS "count"{kg}, {block_point} AS geom
                FROM rows
                GROUP BY floor(maps_merc_fx(lon) * %s), floor(maps_merc_fy(lat) * %s)
            ) AS b
        ) END, n.n
        FROM n
    """
    params = [
        *inner_params,
        *in_tile_params,
        limit,
        layer,
        *point_params,
        layer,
        *block_params,
        blocks,
        blocks,
    ]
    return sql, params


# --- heat ---------------------------------------------------------------------------
#
# The heat layer sums kg per heat grid cell from the heat rollups
# (maps.models.HotspotHeatCount / HotspotHeatTotal / EventHeatCount: rows per
# 0.005° base cell, size class and local day, kept by triggers), as
# maps.selectors.heat() does for the heatmap page, so a tile's cost follows the
# cells and days it shows, not the rows under them:
# - while a tile's blocks are at least as wide as the base cell (z ≤ 11), its
#   features are heat cells: the base cell doubled `heat_shift` times (the
#   widest cell not wider than a block: ~35 a tile's side), each drawn at its
#   centre with its `count` and `kg`. Aligned with the stored grid (no cell is
#   split between blocks, so no stripes), they are the cells heat() sums at the
#   same size. A cell belongs to the tile that holds its centre: every row is
#   in exactly one tile at each zoom.
# - finer (z ≥ 12): the rows themselves summed per block, as the other layers'
#   blocks (rows_sql), when the rollups count at most HEAT_RAW_MAX_ROWS in the
#   base cells that touch the tile, over every day (reading the rows by
#   location costs that much whatever the period); above that (Huế's centre holds ~60,000
#   hotspots in a z14 tile) the base cells, as above. Where a tile of cells
#   meets a tile of rows, the rows of a base cell across their edge show in
#   the tile of its centre and in the tile of their own position.

# The most rows (counted by the rollups in the base cells touching the tile) a
# heat tile sums from the rows themselves: at 1,000,000 hotspots on 2 cores
# that costs 0.5-2.5 µs per row counted (GiST scan, heap, blocks), ≤ ~20 ms.
HEAT_RAW_MAX_ROWS = 10_000
# Up to this many grid columns, the rollups are read column by column and day
# by day (`= ANY` on the leading index columns: one index descent each) rather
# than as one range over every day's rows.
HEAT_LIST_MAX_COLUMNS = 16


@dataclass(frozen=True)
class HeatCells:
    """The base heat cells whose cells (base >> shift) may lie in a tile."""

    shift: int
    gx: tuple[int, int]  # first, last base cell (inclusive)
    gy: tuple[int, int]


def heat_shift(tile: Tile, base_deg: float) -> int | None:
    """Return how often the base cell doubles to make the tile's heat cells.

    None: the tile's blocks are narrower than the base cell (the rows, or the
    base cells if too many, make the tile).
    """
    block = 360 / 2 ** (tile.z + block_bits(tile))
    if block < base_deg:
        return None
    shift = 0
    while base_deg * 2 ** (shift + 1) <= block:
        shift += 1
    return shift


def heat_cells(tile: Tile, base_deg: float, shift: int) -> HeatCells:
    """Return the base cells of every heat cell that touches the tile.

    A cell whose centre is in the tile touches it, so the tile's cells are
    among these (the SQL keeps those whose centre is in the tile).
    """
    west, south, east, north = envelope_lonlat(tile)
    cell = base_deg * 2**shift

    def span(low: float, high: float) -> tuple[int, int]:
        first, last = math.floor(low / cell), math.floor(high / cell)
        return first << shift, ((last + 1) << shift) - 1

    return HeatCells(shift, span(west, east), span(south, north))


def _cells_where(cells: HeatCells | None) -> tuple[str, list]:
    if cells is None:
        return "TRUE", []
    first, last = cells.gx
    if last - first < HEAT_LIST_MAX_COLUMNS:
        where, params = "r.gx = ANY(%s)", [list(range(first, last + 1))]
    else:
        where, params = "r.gx BETWEEN %s AND %s", [first, last]
    return where + " AND r.gy BETWEEN %s AND %s", [*params, *cells.gy]


# The days of a period in a per-day rollup `d`, clamped to the stored ones (an
# open bound is the first or last stored day: greatest/least skip a NULL), and
# the stored days outside it (generate_series of a NULL bound is empty).
# Parameters: start, end, start, end.
PERIOD_DAYS = """
    span AS (SELECT min(d.day) AS first, max(d.day) AS last FROM {days} d),
    inside AS (
        SELECT ARRAY(SELECT generate_series(
            greatest(%s::date, span.first), least(%s::date, span.last),
            interval '1 day')::date) AS days
        FROM span
    ),
    outside AS (
        SELECT ARRAY(
            SELECT generate_series(span.first, %s::date - 1, interval '1 day')::date
            UNION ALL
            SELECT generate_series(%s::date + 1, span.last, interval '1 day')::date
        ) AS days
        FROM span
    ),
    flip AS (
        SELECT cardinality(o.days) < cardinality(i.days) AS flip
        FROM inside i, outside o
    )
"""


def _hotspot_counts(
    days: str, total: str, start, end, cells: HeatCells | None
) -> tuple[str, list]:
    """SQL for (gx, gy, size_class_id, hotspots) rows that sum to the period's counts.

    No period: the all-days rollup. A period over chosen cells: its days' rows
    (`= ANY` on the per-day key, one index descent a day), or, when it holds
    more stored days than it leaves out, the all-days rows minus the days left
    out, so that a tile reads at most half of the stored days.
    """
    where, params = _cells_where(cells)
    columns = "r.gx, r.gy, r.size_class_id"
    if start is None and end is None:
        return f"SELECT {columns}, r.hotspots FROM {total} r WHERE {where}", params
    if cells is None:  # every cell (the heatmap page): one range of days
        return _day_range(f"SELECT {columns}, r.hotspots FROM {days} r", start, end)
    sql = f"""
        WITH {PERIOD_DAYS.format(days=days)}
        SELECT {columns}, r.hotspots FROM {days} r
        WHERE NOT (SELECT flip FROM flip)
          AND r.day = ANY((SELECT i.days FROM inside i)::date[]) AND {where}
        UNION ALL
        SELECT {columns}, r.hotspots FROM {total} r
        WHERE (SELECT flip FROM flip) AND {where}
        UNION ALL
        SELECT {columns}, -r.hotspots FROM {days} r
        WHERE (SELECT flip FROM flip)
          AND r.day = ANY((SELECT o.days FROM outside o)::date[]) AND {where}
    """
    return sql, [start, end, start, end, *params, *params, *params]


def _day_range(sql: str, start, end) -> tuple[str, list]:
    where, params = [], []
    if start is not None:
        where.append("r.day >= %s")
        params.append(start)
    if end is not None:
        where.append("r.day <= %s")
        params.append(end)
    return f"{sql} WHERE {' AND '.join(where) or 'TRUE'}", params


def heat_rollup_sql(
    source: str,
    *,
    days: str,
    total: str = "",
    sizes: str = "",
    start=None,
    end=None,
    cells: HeatCells | None = None,
) -> tuple[str, list]:
    """Return SQL for the heat cells (gx, gy, n, kg) of a source, from the rollups.

    The cells: the base cells (no `cells`), or those of `cells` shifted right
    cells.shift times (floor(x / 2^k) of the stored integers: the cells of the
    base cell doubled k times). source "hotspots": `days` and `total` the
    per-day and all-days hotspot rollups; the weight is the size class's mid
    kg (SizeClass.estimated_kg, from `sizes`): a count times a half-integer,
    exact in float. "cleanups": `days` the per-day event rollup, verified kg
    summed as numeric (exact). start/end: local days, inclusive (None: open).
    """
    shift = cells.shift if cells is not None else 0
    if source == "cleanups":
        if cells is None:
            rows, params = _day_range(f"SELECT r.* FROM {days} r", start, end)
        else:
            # Day by day even over every day: the day leads the rollup's key.
            where, params = _cells_where(cells)
            rows = f"""
                WITH {PERIOD_DAYS.format(days=days)}
                SELECT r.* FROM {days} r
                WHERE r.day = ANY((SELECT i.days FROM inside i)::date[]) AND {where}
            """
            params = [start, end, start, end, *params]
        sql = f"""
            SELECT r.gx >> %s AS gx, r.gy >> %s AS gy,
                   sum(r.events) AS n, sum(r.verified_kg) AS kg
            FROM ({rows}) AS r
            GROUP BY 1, 2 HAVING sum(r.events) > 0
        """
        return sql, [shift, shift, *params]
    rows, params = _hotspot_counts(days, total, start, end, cells)
    # Counted per size first, weighed after: the join runs once a cell and
    # size, not once a rollup row (a day each).
    sql = f"""
        SELECT r.gx, r.gy, sum(r.n) AS n,
               sum(r.n * (s.min_kg + s.max_kg)::float8 / 2.0) AS kg
        FROM (
            SELECT r.gx >> %s AS gx, r.gy >> %s AS gy, r.size_class_id,
                   sum(r.hotspots) AS n
            FROM ({rows}) AS r
            GROUP BY 1, 2, 3
        ) AS r
        JOIN {sizes} s ON s.id = r.size_class_id
        GROUP BY r.gx, r.gy HAVING sum(r.n) > 0
    """
    return sql, [shift, shift, *params]


def _heat_mvt(
    tile: Tile, cells_from: str, *, shift: int, base_deg: float
) -> tuple[str, list, list]:
    """SQL (mvt, n) of the heat cells (gx, gy, n, kg) whose centre is in the tile.

    Returns the SQL and its parameters before and after `cells_from`.
    """
    point, point_params = point_sql("c.lon", "c.lat", tile)
    sql = f"""
        SELECT ST_AsMVT(t, %s, 4096, 'geom') AS mvt,
               coalesce(sum(t."count"), 0) AS n
        FROM (
            SELECT c."count", c.kg, {point} AS geom
            FROM (
                SELECT r.n::bigint AS "count", r.kg::float8 AS kg,
                       (r.gx + 0.5::float8) * %s::float8 AS lon,
                       (r.gy + 0.5::float8) * %s::float8 AS lat
                FROM {cells_from} AS r
                OFFSET 0  -- test each cell's centre, not each rollup row's
            ) AS c
            WHERE floor(maps_merc_fx(c.lon) * %s) = %s
              AND floor(maps_merc_fy(c.lat) * %s) = %s
        ) AS t
    """
    cell = base_deg * 2**shift
    head = [HEAT, *point_params, cell, cell]
    return sql, head, [tile.scale, tile.x, tile.scale, tile.y]


def heat_cells_sql(
    tile: Tile,
    rollup: tuple[str, list],
    *,
    shift: int,
    base_deg: float,
    everything: tuple[str, list] | None = None,
) -> tuple[str, list]:
    """Return SQL for (tile bytes, row count): the heat cells with their centre in it.

    `rollup`: heat_rollup_sql over heat_cells(tile, base_deg, shift): cells of
    the base cell doubled `shift` times, as maps.selectors.heat() sums them;
    a cell's centre in float8, as Python computes it. The count: the rows in
    the tile's cells.

    everything: the same base cells over every day. Given, the count is theirs
    (what reading the tile's rows by location costs, whatever the period) and
    the bytes are NULL when it is at most HEAT_RAW_MAX_ROWS: the caller builds
    that tile from the rows.
    """
    rollup_sql, rollup_params = rollup
    if everything is None:
        mvt, head, tail = _heat_mvt(
            tile, f"({rollup_sql})", shift=shift, base_deg=base_deg
        )
        return mvt, [*head, *rollup_params, *tail]
    everything_sql, everything_params = everything
    mvt, head, tail = _heat_mvt(tile, "cells", shift=shift, base_deg=base_deg)
    sql = f"""
        WITH cells AS MATERIALIZED ({rollup_sql}),
        n AS (SELECT coalesce(sum(e.n), 0) AS n FROM ({everything_sql}) AS e)
        SELECT CASE WHEN n.n <= %s THEN NULL
                    ELSE (SELECT h.mvt FROM ({mvt}) AS h) END,
               n.n
        FROM n
    """
    params = [
        *rollup_params,
        *everything_params,
        HEAT_RAW_MAX_ROWS,
        *head,
        *tail,
    ]
    return sql, params


def areas_sql(table: str, tile: Tile) -> tuple[str, list]:
    """Return SQL for (tile bytes, area count): outlines simplified for the zoom.

    Clipped to the tile (plus a 64-unit buffer, so lines join across tiles)
    and simplified in degrees to about one tile unit (360° / 2^z / 4096)
    before the transform: the work is proportional to what the tile shows.
    """
    tolerance = 360 / tile.scale / EXTENT
    sql = f"""
        WITH env AS (
            SELECT ST_TileEnvelope(%s, %s, %s) AS m,
                   ST_Transform(ST_TileEnvelope(%s, %s, %s, margin => %s), 4326) AS d
        )
        SELECT ST_AsMVT(t, %s, 4096, 'geom'), count(*)
        FROM (
            SELECT a.id, a.name, a.code, a.level,
                   ST_AsMVTGeom(
                       ST_Transform(
                           ST_SimplifyPreserveTopology(
                               ST_ClipByBox2D(a.geom, env.d), %s
                           ),
                           3857
                       ),
                       env.m, 4096, 64, true
                   ) AS geom
            FROM {table} a, env
            WHERE a.geom && env.d
        ) AS t
        WHERE t.geom IS NOT NULL
    """
    address = [tile.z, tile.x, tile.y]
    params = [*address, *address, 64 / EXTENT, AREAS, tolerance]
    return sql, params


# --- hexagons ------------------------------------------------------------------------
#
# Which H3 resolution a tile shows: the one asked for, at most HEX_ZOOM_CAPS's
# for the zoom, so that a cell stays ≥ ~8 px on a 512 px tile and no tile
# exceeds ~300 KB. At Huế (16.5° N) a cell is ~2.4 km across (res 7), ~0.9 km
# (8), ~0.35 km (9); a 512 px z10 tile is 37.5 km wide (13.6 px a km). Measured
# with every cell of a tile holding data (the worst case, ~75 bytes a cell,
# 15-50 ms to build): z9 / res 7 1,094 cells, 88 KB; z10 / res 8 1,861, 140 KB;
# z11 / res 9 3,185, 237 KB; below z9, res 7 over the service envelope, at most
# ~3,800 cells, 281 KB. Refused by the caps: z9 / res 8 (7,152 cells, 525 KB)
# and z10 / res 9 (12,351 cells, 909 KB).
HEX_ZOOM_CAPS = ((10, 7), (11, 8))  # (below this zoom, at most this resolution)
HEX_RESOLUTION_MAX = 9
# Rows are read from the cell rollups by ranges of H3 integers: a cell's
# descendants at a finer resolution are one contiguous range of indexes (H3 puts
# the base cell and the digits of coarser resolutions in the higher bits), so
# the tile asks for the descendants of a few dozen coarse cells covering it
# (never for every cell of a resolution). The coarse cells are those whose edge
# is at most 1/HEX_COVER_PARTS of the tile's width.
HEX_COVER_PARTS = 8
M_PER_DEG = 111_195.0  # metres per degree of latitude (the 6,371 km sphere)


def hexagon_resolution(tile: Tile, requested: int) -> int:
    """Return the H3 resolution a hexagon tile shows at its zoom."""
    for below_zoom, cap in HEX_ZOOM_CAPS:
        if tile.z < below_zoom:
            return min(requested, cap)
    return min(requested, HEX_RESOLUTION_MAX)


def _edge_m(resolution: int) -> float:
    return h3.average_hexagon_edge_length(resolution, "m")


def _grow(box, metres: float) -> tuple[float, float, float, float]:
    west, south, east, north = box
    lat = min(max(abs(south), abs(north)), 85.0)
    d_lat = metres / M_PER_DEG
    d_lon = metres / (M_PER_DEG * math.cos(math.radians(lat)))
    return (west - d_lon, south - d_lat, east + d_lon, north + d_lat)


def _clipped(tile: Tile, within) -> tuple[float, float, float, float] | None:
    west, south, east, north = envelope_lonlat(tile)
    if within is not None:
        west, south = max(west, within[0]), max(south, within[1])
        east, north = min(east, within[2]), min(north, within[3])
    if west >= east or south >= north:
        return None
    return (west, south, east, north)


def hexagon_ranges(
    tile: Tile, resolution: int, *, within=None
) -> list[tuple[int, int]]:
    """Return the (first, last) H3 integers at `resolution` to read for the tile.

    Every cell of that resolution that overlaps the tile (cut to `within`, the
    service envelope, where all rows lie) is in one range. The coarse cells are
    found by their centres in the tile widened by 1.5 × (coarse edge + cell
    edge): a cell's centre lies within its edge of anything it overlaps, and
    within ~1.1 coarse edges of its coarse ancestor's centre (measured: 0.96
    two resolutions apart, 1.06 three); the 1.5 leaves room for cells larger
    than the average.
    """
    box = _clipped(tile, within)
    if box is None:
        return []
    west, _south, east, _north = envelope_lonlat(tile)
    width_m = (east - west) * M_PER_DEG * math.cos(math.radians(box[1]))
    coarse = resolution
    while coarse > 0 and _edge_m(coarse - 1) <= width_m / HEX_COVER_PARTS:
        coarse -= 1
    margin = 1.5 * (_edge_m(coarse) + _edge_m(resolution))
    west, south, east, north = _grow(box, margin)
    polygon = h3.LatLngPoly(
        [(south, west), (south, east), (north, east), (north, west)]
    )
    ranges = []
    for parent in sorted(
        h3.str_to_int(c) for c in h3.polygon_to_cells(polygon, coarse)
    ):
        last = basic_int.cell_to_children_size(parent, resolution) - 1
        ranges.append(
            (
                basic_int.child_pos_to_cell(parent, resolution, 0),
                basic_int.child_pos_to_cell(parent, resolution, last),
            )
        )
    return ranges


def hexagons_near(
    tile: Tile, resolution: int, cells: Sequence[CellCounts]
) -> list[CellCounts]:
    """Return the cells whose centre is near enough the tile to overlap it."""
    west, south, east, north = _grow(envelope_lonlat(tile), 1.5 * _edge_m(resolution))
    near = []
    for counts in cells:
        lat, lng = h3.cell_to_latlng(counts.cell)
        if west <= lng <= east and south <= lat <= north:
            near.append(counts)
    return near


def _array(values) -> str:
    """Return numbers or H3 hex strings as a PostgreSQL array literal.

    psycopg2 sends a Python list as ARRAY[...], one expression a value: for a
    few thousand cells, parsing those is most of the query (4-8 ms a column);
    the literal is parsed in ~0.5 ms. Only values that need no quoting.
    """
    return "{" + ",".join(map(str, values)) + "}"


def hexagons_sql(
    tile: Tile,
    resolution: int,
    cells: Sequence[CellCounts],
    gaps: Mapping[str, int],
) -> tuple[str, list]:
    """Return SQL for (tile bytes, cell count): one polygon a cell, with its counts.

    The outlines (maps.hexagons.outline_wkb, EPSG:3857) travel as one bytea with
    each cell's offset and length, and are clipped to the tile (64-unit buffer,
    so outlines join across tiles); a cell outside the tile and its buffer is
    left out. `gaps`: stored coverage gaps per cell (hex string).
    """
    sql = """
        SELECT ST_AsMVT(t, %s, 4096, 'geom'), count(*)
        FROM (
            SELECT c.cell, %s::int AS resolution, c.hotspots, c.open_hotspots,
                   c.cleanups, c.verified_kg, c.gaps,
                   ST_AsMVTGeom(
                       ST_GeomFromWKB(substring(%s::bytea FROM c.start FOR c.size), 3857),
                       ST_TileEnvelope(%s, %s, %s), 4096, 64, true
                   ) AS geom
            FROM unnest(%s::text[], %s::int[], %s::int[], %s::int[], %s::float8[],
                        %s::int[], %s::int[], %s::int[])
                AS c(cell, hotspots, open_hotspots, cleanups, verified_kg, gaps,
                     start, size)
        ) AS t
        WHERE t.geom IS NOT NULL
    """
    properties = [c.properties() for c in cells]
    outlines = [outline_wkb(h3.str_to_int(c.cell)) for c in cells]
    starts, start = [], 1  # substring counts from 1
    for outline in outlines:
        starts.append(start)
        start += len(outline)
    params = [
        HEXAGONS,
        resolution,
        b"".join(outlines),
        tile.z,
        tile.x,
        tile.y,
        _array(p["cell"] for p in properties),
        _array(p["hotspots"] for p in properties),
        _array(p["open_hotspots"] for p in properties),
        _array(p["cleanups"] for p in properties),
        _array(repr(float(p["verified_kg"])) for p in properties),
        _array(gaps.get(c.cell, 0) for c in cells),
        _array(starts),
        _array(len(outline) for outline in outlines),
    ]
    return sql, params


# --- TileJSON -----------------------------------------------------------------------


def tilejson(spec: LayerSpec, *, tiles_url: str, bounds) -> dict:
    """Return the layer's TileJSON 3.0.0 (tiles_url: absolute, with {z}/{x}/{y})."""
    west, south, east, north = bounds
    return {
        "tilejson": "3.0.0",
        "name": str(spec.title),
        "description": str(spec.description),
        "version": "1.0.0",
        "scheme": "xyz",
        "tiles": [tiles_url],
        "minzoom": spec.minzoom,
        "maxzoom": spec.maxzoom,
        "bounds": [west, south, east, north],
        "center": [(west + east) / 2, (south + north) / 2, 10],
        "vector_layers": [
            {
                "id": spec.name,
                "description": str(spec.description),
                "minzoom": spec.minzoom,
                "maxzoom": spec.maxzoom,
                "fields": {name: str(text) for name, text in spec.fields.items()},
            }
        ],
        "attribution": "Chủ nhật xanh · Hue-S",
    }
