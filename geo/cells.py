"""H3 cells of points: the keys of the hexagon layers, stored with each row.

Every hotspot and cleanup event keeps the H3 cell of its location at each
configured resolution (``settings.HEX_RESOLUTIONS``, default 7, 8 and 9: about
5.2, 0.74 and 0.11 km² a cell) in an indexed BIGINT column ``h3_<res>``, set in
the transaction that writes the location. The maps' hexagon rollups count rows
per stored cell, so no request has to compute the cell of every point.

A cell is stored as h3's 64-bit integer index (``h3.str_to_int`` of the hex
string): its top bit is always 0, so it fits a signed BIGINT. The columns exist
for 7, 8 and 9 (the resolutions maps.hexagons allows); another resolution needs
a migration.
"""

from collections.abc import Iterable, Sequence

import h3
from django.conf import settings
from django.contrib.gis.db.models import PointField
from django.contrib.gis.geos import Point
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, transaction
from django.db.models import QuerySet
from h3.api import basic_int

from .spatial import WGS84

# The resolutions with a column (h3_7, h3_8, h3_9 on hotspots and events).
COLUMNS = (7, 8, 9)
RESOLUTIONS_DEFAULT = COLUMNS
# Rows read, computed and written back per round trip by assign_bulk.
BATCH_SIZE = 50_000


def resolutions() -> tuple[int, ...]:
    """Return the resolutions whose cells every row stores (some of COLUMNS)."""
    configured = tuple(getattr(settings, "HEX_RESOLUTIONS", RESOLUTIONS_DEFAULT))
    if not set(configured) <= set(COLUMNS):
        raise ImproperlyConfigured(
            f"HEX_RESOLUTIONS must be among {COLUMNS} (the h3_<res> columns)"
        )
    return configured


def field_name(resolution: int) -> str:
    """Return the name of the column that stores a resolution's cell."""
    return f"h3_{resolution}"


def cells_for(lon: float, lat: float) -> dict[int, int]:
    """Return {resolution: cell as an int64} of the point (WGS84 lon, lat)."""
    return {
        res: h3.str_to_int(h3.latlng_to_cell(lat, lon, res)) for res in resolutions()
    }


def set_cells(row, point: Point) -> None:
    """Set the cell fields (h3_<res>) of a model instance for a WGS84 point."""
    for res, cell in cells_for(point.x, point.y).items():
        setattr(row, field_name(res), cell)


def cells_many(lons: Sequence[float], lats: Sequence[float]) -> dict[int, list[int]]:
    """Return {resolution: [cell of each point]} for many points, in their order.

    h3's integer API gives the same index as str_to_int(latlng_to_cell(...))
    without building a string per point (about 0.5 µs a point).
    """
    to_cell = basic_int.latlng_to_cell
    return {
        res: [to_cell(lat, lon, res) for lon, lat in zip(lons, lats, strict=True)]
        for res in resolutions()
    }


def assign_bulk(
    rows: QuerySet, *, point: str = "location", batch_size: int = BATCH_SIZE
) -> int:
    """Store the cells of every row of the queryset; return the rows updated.

    The points are read in batches through a server-side cursor, the cells
    computed in Python, and each batch written back with one
    UPDATE ... FROM unnest(ids, cells...). Raw SQL because the ORM has no
    bulk update from arrays (bulk_update builds a CASE per row). Table and
    column names come from the model's metadata; the queryset's parameters stay
    bound. Rows whose cells are already right are written anyway (re-runnable).
    """
    model = rows.model
    location = model._meta.get_field(point)
    if not isinstance(location, PointField) or location.srid != WGS84:
        raise ValueError(f"{model.__name__}.{point} is not a WGS84 PointField")
    columns = [model._meta.get_field(field_name(res)).column for res in resolutions()]
    selected = rows.order_by().values_list("pk", point).query.clone()
    selected.subquery = True
    sql, params = selected.get_compiler(using=rows.db).as_sql()
    db = connections[rows.db]
    quote = db.ops.quote_name
    table = quote(model._meta.db_table)
    pk = quote(model._meta.pk.column)
    assignments = ", ".join(f"{quote(c)} = u.c{i}" for i, c in enumerate(columns))
    arrays = ", ".join("%s::bigint[]" for _ in columns)
    names = ", ".join(f"c{i}" for i in range(len(columns)))
    # The id range keeps the planner on the primary key: without it, it hashes
    # the batch and scans the whole table for every batch.
    update = (
        f"UPDATE {table} AS t SET {assignments} "
        f"FROM unnest(%s::bigint[], {arrays}) AS u(id, {names}) "
        f"WHERE t.{pk} = u.id AND t.{pk} BETWEEN %s AND %s"
    )
    updated = 0
    with transaction.atomic(using=rows.db):
        with db.chunked_cursor() as reader:
            reader.execute(
                f"SELECT r.id, ST_X(r.point), ST_Y(r.point) "
                f"FROM ({sql}) AS r(id, point) ORDER BY r.id",
                params,
            )
            while batch := reader.fetchmany(batch_size):
                updated += _write(db, update, batch)
    return updated


def _write(db, update: str, batch: Iterable[tuple[int, float, float]]) -> int:
    # The batch is in id order: its first and last ids bound it.
    ids, lons, lats = zip(*batch, strict=True)
    cells = cells_many(lons, lats)
    with db.cursor() as cursor:
        cursor.execute(
            update,
            [list(ids), *(cells[res] for res in resolutions()), ids[0], ids[-1]],
        )
        return cursor.rowcount
