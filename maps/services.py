"""Writes the maps make themselves: rebuilding derived tables."""

from django.db import connection, transaction

from hotspots.models import Hotspot

from .models import HotspotTileCell, HotspotTileFacet


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


@transaction.atomic
def tile_grid_rebuild() -> int:
    """Recount both hotspot grids from the public hotspots; return the cells.

    The triggers keep the grids current; this is for a database whose triggers
    were bypassed (a restore with triggers disabled) or whose rules changed.
    The tables are locked for the rebuild, so no write slips in between.
    """
    cells, facets = _table(HotspotTileCell), _table(HotspotTileFacet)
    with connection.cursor() as cursor:
        cursor.execute(f"LOCK TABLE {_table(Hotspot)} IN SHARE MODE")
        cursor.execute(f"DELETE FROM {cells}")
        cursor.execute(f"DELETE FROM {facets}")
        # maps_cells_apply: migration maps 0002_layer_versions.
        cursor.execute(
            "SELECT maps_cells_apply(array_agg(ROW(ST_X(location), ST_Y(location),"
            " 1, category, status, priority)::maps_cell_delta))"
            f" FROM {_table(Hotspot)} WHERE maps_public(status) HAVING count(*) > 0"
        )
        cursor.execute("SELECT maps_layer_bump('{hotspots}')")
        cursor.execute(f"SELECT count(*) FROM {cells}")
        return int(cursor.fetchone()[0])
