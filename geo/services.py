"""Write paths for administrative areas."""

import unicodedata
from collections.abc import Iterable

from django.contrib.gis.geos import MultiPolygon
from django.db import connection, transaction

from .models import AdminArea


def nfc(text: str | None) -> str:
    """Return the text stripped and in Unicode NFC (Vietnamese diacritics kept)."""
    return unicodedata.normalize("NFC", (text or "").strip())


@transaction.atomic
def area_upsert(
    *,
    name: str,
    level: str,
    geom: MultiPolygon,
    code: str = "",
    name_en: str = "",
    approximate: bool = False,
    source: str = "",
) -> tuple[AdminArea, bool]:
    """Create or update an area, keyed by (level, code), or (level, name) without a code.

    The geometry must already be a valid MultiPolygon in WGS84. Derived fields
    (area, subdivided parts) are refreshed by area_refresh_derived.
    """
    name, code, name_en = nfc(name), nfc(code), nfc(name_en)
    lookup = {"level": level, "code": code} if code else {"level": level, "name": name}
    area = AdminArea.objects.filter(**lookup).first()
    created = area is None
    if created:
        area = AdminArea(**lookup)
    area.name = name
    area.name_en = name_en
    area.geom = geom
    area.approximate = approximate
    area.source = source
    area.full_clean(exclude=["parent"])
    area.save()
    return area, created


def area_refresh_derived(area_ids: Iterable[int]) -> None:
    """Recompute area (km², on the spheroid) and the subdivided parts of the areas.

    Raw SQL because the ORM cannot express ST_Subdivide as a set-returning insert;
    parameters are bound, never formatted in.
    """
    ids = list(area_ids)
    if not ids:
        return
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE geo_adminarea SET area_km2 = ST_Area(geom::geography) / 1e6 "
            "WHERE id = ANY(%s)",
            [ids],
        )
        cursor.execute("DELETE FROM geo_adminareapart WHERE area_id = ANY(%s)", [ids])
        cursor.execute(
            "INSERT INTO geo_adminareapart (area_id, geom) "
            "SELECT id, (ST_Dump(ST_Subdivide(geom, 255))).geom FROM geo_adminarea "
            "WHERE id = ANY(%s)",
            [ids],
        )


def area_link_parents(*, level: str, parent_level: str) -> tuple[int, int]:
    """Link each area of `level` to the `parent_level` area that covers most of it.

    Return (linked, without_parent).
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            WITH best AS (
                SELECT DISTINCT ON (c.id) c.id AS child_id, p.id AS parent_id
                FROM geo_adminarea c
                JOIN geo_adminarea p
                  ON p.level = %(parent_level)s AND p.id <> c.id
                 AND ST_Intersects(c.geom, p.geom)
                WHERE c.level = %(level)s
                ORDER BY c.id,
                         ST_Area(ST_Intersection(c.geom, p.geom)::geography) DESC,
                         p.id
            )
            UPDATE geo_adminarea a SET parent_id = best.parent_id
            FROM best WHERE a.id = best.child_id
            """,
            {"level": level, "parent_level": parent_level},
        )
        linked = cursor.rowcount
    total = AdminArea.objects.filter(level=level).count()
    return linked, total - linked
