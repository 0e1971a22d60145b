"""Write paths for administrative areas."""

import datetime as dt
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.contrib.gis.db.models import PointField
from django.contrib.gis.geos import MultiPolygon
from django.db import connection, connections, transaction
from django.db.models import DateTimeField, ManyToManyField, QuerySet

from .models import AdminArea, AdminAreaPart
from .spatial import WGS84


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
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    into: AdminArea | None = None,
    lookup: bool = True,
) -> tuple[AdminArea, bool]:
    """Create or update an area, keyed by (level, code), or (level, name) without a code.

    The geometry must already be a valid MultiPolygon in WGS84. Derived fields
    (area, subdivided parts) are refreshed by area_refresh_derived. `into` names
    the area to update (geo.loading matches by code and name); with
    lookup=False and no `into`, a new area is created.
    """
    name, code, name_en = nfc(name), nfc(code), nfc(name_en)
    lookup_by = (
        {"level": level, "code": code} if code else {"level": level, "name": name}
    )
    area = into
    if area is None and lookup:
        area = AdminArea.objects.filter(**lookup_by).first()
    created = area is None
    if created:
        area = AdminArea(**lookup_by)
    area.name = name
    area.code = code
    area.name_en = name_en
    area.geom = geom
    area.approximate = approximate
    area.source = source
    area.valid_from = valid_from
    area.valid_to = valid_to
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


@dataclass(frozen=True)
class AreaLinks:
    """What areas_assign_bulk changed: stale links removed, missing links inserted."""

    removed: int
    inserted: int


def areas_assign_bulk(
    rows: QuerySet,
    *,
    field: str = "areas",
    point: str = "location",
    level: str | None = None,
    on: str | None = None,
) -> AreaLinks:
    """Link every row of the queryset to the areas that contain its point.

    `field` names the rows' many-to-many field to AdminArea and `point` their
    PointField (WGS84). In one transaction, the rows' stale links are removed and
    the missing ones inserted (links already right are left alone), so this also
    re-links rows after boundaries change. A row gets the same areas as
    geo.selectors.areas_containing gives for its point (a point on a shared
    boundary belongs to both areas); a row outside every area gets none.
    With `level`, only the links to areas of that level are redone (boundaries of
    one level loaded or reloaded); the other levels' links stay as they are.
    With `on` (the rows' DateTimeField that dates them: a hotspot's created_at,
    an event's started_at), a row is linked only to the areas not ended by its
    day in the site's time zone — as geo.selectors.areas_containing(point, on=day)
    links a row when it is written.

    Raw SQL because the ORM cannot express INSERT ... SELECT: one join of the
    rows on the subdivided, GiST-indexed parts, however many rows. The table and
    column names come from the models' metadata, never from input; the
    queryset's own parameters stay bound. For a very large batch, select the rows
    by a range (`pk__range`): a range scans faster than a list of ids.
    """
    model = rows.model
    links = model._meta.get_field(field)
    if not isinstance(links, ManyToManyField) or links.related_model is not AdminArea:
        raise ValueError(f"{model.__name__}.{field} is not a many-to-many to AdminArea")
    location = model._meta.get_field(point)
    if not isinstance(location, PointField) or location.srid != WGS84:
        raise ValueError(f"{model.__name__}.{point} is not a WGS84 PointField")
    if on is not None:
        dated = model._meta.get_field(on)
        if not isinstance(dated, DateTimeField):
            raise ValueError(f"{model.__name__}.{on} is not a DateTimeField")
        dates = (on,)
    else:
        dates = ()
    selected = rows.order_by().values_list("pk", point, *dates).query.clone()
    # As a subquery the geometry is selected as is (not cast for the driver).
    selected.subquery = True
    sql, params = selected.get_compiler(using=rows.db).as_sql()
    db = connections[rows.db]
    quote = db.ops.quote_name
    through = quote(links.remote_field.through._meta.db_table)
    row_id, area_id = quote(links.m2m_column_name()), quote(links.m2m_reverse_name())
    parts = quote(AdminAreaPart._meta.db_table)
    areas = quote(AdminArea._meta.db_table)
    # Limited to one level: only links to (and parts of) that level's areas.
    if level is None:
        of_level, level_params = "", []
    else:
        of_level = f" AND t.{area_id} IN (SELECT id FROM {areas} WHERE level = %s)"
        level_params = [level]
    if level is None and on is None:
        parts_of_level = parts
        columns, not_ended, tz_params = "r(id, point)", "", []
    else:
        parts_of_level = (
            f"(SELECT q.*, a.valid_to FROM {parts} q JOIN {areas} a "
            "ON a.id = q.area_id"
            + ("" if level is None else " WHERE a.level = %s")
            + ")"
        )
        columns = "r(id, point)" if on is None else "r(id, point, dated)"
        not_ended = (
            ""
            if on is None
            else " AND (p.valid_to IS NULL OR p.valid_to > "
            "(r.dated AT TIME ZONE %s)::date)"
        )
        tz_params = [] if on is None else [settings.TIME_ZONE]
    with transaction.atomic(using=rows.db), db.cursor() as cursor:
        # The links the rows should have, computed once (DISTINCT: a point on the
        # seam of two parts of one area hits both); then only the difference is
        # written — re-running after a reload touches the links that changed,
        # not all millions of them (their indexes and foreign-key checks are
        # most of the cost).
        cursor.execute("DROP TABLE IF EXISTS geo_wanted_links")
        cursor.execute(
            "CREATE TEMP TABLE geo_wanted_links ON COMMIT DROP AS "
            f"SELECT DISTINCT r.id AS row_id, p.area_id FROM ({sql}) AS {columns} "
            f"JOIN {parts_of_level} p ON ST_Intersects(p.geom, r.point){not_ended}",
            [*params, *level_params, *tz_params],
        )
        cursor.execute("ANALYZE geo_wanted_links")
        cursor.execute(
            f"DELETE FROM {through} t WHERE t.{row_id} IN "
            f"(SELECT r.id FROM ({sql}) AS {columns}){of_level} "
            "AND NOT EXISTS (SELECT 1 FROM geo_wanted_links w "
            f"WHERE w.row_id = t.{row_id} AND w.area_id = t.{area_id})",
            [*params, *level_params],
        )
        removed = cursor.rowcount
        cursor.execute(
            f"INSERT INTO {through} ({row_id}, {area_id}) "
            "SELECT w.row_id, w.area_id FROM geo_wanted_links w "
            f"WHERE NOT EXISTS (SELECT 1 FROM {through} t "
            f"WHERE t.{row_id} = w.row_id AND t.{area_id} = w.area_id)"
        )
        inserted = cursor.rowcount
        cursor.execute("DROP TABLE geo_wanted_links")
    return AreaLinks(removed=removed, inserted=inserted)


@dataclass(frozen=True)
class Relinked:
    """What areas_relink did for one model."""

    model: str  # "app_label.Model"
    rows: int
    links: AreaLinks
    linked: int = 0  # rows now linked to at least one area (of the level)


# The field that dates a linked row, first found wins: an event is dated by when
# it happened, a hotspot by when it was reported (areas_assign_bulk's `on`).
DATED_BY = ("started_at", "created_at")


def area_linked_models() -> list[tuple[type, str, str | None]]:
    """Return (model, field name, dating field) of every many-to-many to AdminArea
    with a WGS84 `location` point (hotspots, cleanup events…), found in the app
    registry so geo needs to import no app."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        names = {f.name: f for f in model._meta.fields}
        for field in model._meta.many_to_many:
            if field.related_model is AdminArea and isinstance(
                names.get("location"), PointField
            ):
                dated = next(
                    (n for n in DATED_BY if isinstance(names.get(n), DateTimeField)),
                    None,
                )
                found.append((model, field.name, dated))
    return found


def areas_relink(*, level: str | None = None) -> list[Relinked]:
    """Re-link every row of every area-linked model to the areas containing it
    (of `level`, or of every level), in one transaction: one join per model."""
    done = []
    with transaction.atomic():
        for model, field, dated in area_linked_models():
            rows = model._default_manager.all()
            links = areas_assign_bulk(rows, field=field, level=level, on=dated)
            links_field = model._meta.get_field(field)
            through = links_field.remote_field.through
            column = links_field.m2m_field_name()
            linked = through.objects.all()
            if level is not None:
                linked = linked.filter(
                    **{f"{links_field.m2m_reverse_field_name()}__level": level}
                )
            linked = linked.values(column).distinct().count()
            done.append(Relinked(model._meta.label, rows.count(), links, linked))
    return done
