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
"""

import math
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from config.errors import ClientError

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
# HEXAGONS = "hexagons": H3 coverage and gaps from the rollups, added with
# them (a LayerSpec below, a selector, a branch in maps.tile_views.LAYER_TILES).


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
