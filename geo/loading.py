"""Load administrative areas from any vector file GDAL reads (GeoJSON, Shapefile,
GeoPackage, KML, ...), in any coordinate system, in one transaction."""

import codecs
import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException, OGRGeometry
from django.contrib.gis.gdal.field import OFTString
from django.contrib.gis.gdal.libgdal import lgdal
from django.contrib.gis.gdal.prototypes import ds as capi
from django.contrib.gis.gdal.srs import SpatialReference
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.db import connection, transaction
from django.db.models import Q

from .models import AdminArea
from .names import NameFix, clean, mojibake
from .services import (
    area_link_parents,
    area_linked_models,
    area_refresh_derived,
    area_upsert,
    nfc,
)
from .spatial import WGS84


class LoadError(Exception):
    """A file, layer, field or conflict problem; nothing was loaded."""


# An overlap above this share of the smaller of two areas of one level (and
# overlapping validity windows) is a conflict: the same ground counted twice.
OVERLAP_MAX = 0.01
# Names shown per kind of problem (the count says how many in all).
MAX_LISTED = 20


@dataclass
class LoadReport:
    features: int = 0
    created: int = 0
    updated: int = 0
    replaced: int = 0  # existing areas deleted by --replace
    repaired: int = 0
    skipped: int = 0
    linked: int = 0
    without_parent: int = 0
    children_repointed: int = 0
    links_dropped: int = 0  # row links to the replaced areas (redone by relinking)
    assumed_wgs84: bool = False
    skipped_reasons: list[str] = field(default_factory=list)
    renamed: list[str] = field(default_factory=list)  # name fixes, described
    misdecoded: list[str] = field(default_factory=list)  # names that look wrong
    notes: list[str] = field(default_factory=list)
    area_ids: list[int] = field(default_factory=list)


@dataclass
class _Feature:
    index: int
    name: str
    code: str
    name_en: str
    geom: MultiPolygon


def load_areas(
    path: str | Path,
    *,
    level: str,
    name_field: str,
    code_field: str | None = None,
    name_en_field: str | None = None,
    parent_level: str | None = None,
    layer: str | None = None,
    approximate: bool = False,
    encoding: str | None = None,
    valid_from: dt.date | None = None,
    valid_to: dt.date | None = None,
    replace: bool = False,
    progress: Callable[[int], object] | None = None,
) -> LoadReport:
    """Load every feature of the layer as an area of `level`; all or nothing.

    The rules (each refusal names the areas and loads nothing):
    - A feature updates the existing area of the level with the same code and
      the same name (or, without codes, the same name); its geometry and
      validity are replaced. An existing area with the feature's code but
      another name is a conflict, never renamed (names compared after the
      same normalisation, so a fixed letter is not a conflict).
    - A feature overlapping another existing area of the level whose validity
      window overlaps the file's by more than OVERLAP_MAX of the smaller area
      is a conflict.
    - With `replace`, conflicts are not refused: every existing area of the
      level whose window overlaps the file's and that no feature updates is
      deleted; areas of other levels pointing at one as their parent are
      re-pointed to the new area covering most of them (refused if none
      covers them). Links of rows to areas are redone by the caller
      (areas_relink), in the same transaction.
    """
    path = Path(path)
    if not path.exists():
        raise LoadError(f"File not found: {path}")
    if valid_from and valid_to and valid_to <= valid_from:
        raise LoadError(
            f"--valid-to ({valid_to}) must be after --valid-from ({valid_from})"
        )
    report = LoadReport()
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise LoadError(f"Unknown encoding '{encoding}' (--encoding)") from exc
        if not _is_shapefile(path):
            report.notes.append(
                f"--encoding applies to Shapefiles (.dbf text); {path.suffix} "
                "files name their own encoding: ignored"
            )
            encoding = None
    try:
        with _text_encoding(path, encoding):
            source = DataSource(str(path), encoding=encoding or "utf-8")
    except GDALException as exc:
        raise LoadError(f"Cannot read {path} as a vector file: {exc}") from exc
    lyr = _pick_layer(source, layer, path)
    fields = list(lyr.fields)
    for option, name in (
        ("--name-field", name_field),
        ("--code-field", code_field),
        ("--name-en-field", name_en_field),
    ):
        if name and name not in fields:
            raise LoadError(
                f"Field '{name}' ({option}) is not in layer '{lyr.name}'; "
                f"its fields are: {', '.join(fields) or '(none)'}"
            )
    transform_to = SpatialReference(WGS84)
    source_srs = lyr.srs
    if source_srs is None:
        # GeoJSON without a crs is WGS84 by definition (RFC 7946).
        report.assumed_wgs84 = True
    features: list[_Feature] = []
    seen: dict[str, int] = {}  # key -> the feature that has it
    with _text_encoding(path, encoding):
        for index, feature in enumerate(lyr, start=1):
            report.features += 1
            raw = _raw(feature, name_field)
            if why := mojibake(raw):
                report.misdecoded.append(f"feature {index} {raw!r}: {why}")
            name, changes = clean(raw)
            if not name:
                raise LoadError(f"Feature {index} has an empty '{name_field}'")
            if changes:
                report.renamed.append(
                    f"feature {index}: {NameFix(raw, name, tuple(changes)).describe()}"
                )
            ogr = feature.geom
            if ogr is None:
                raise LoadError(f"Feature {index} ({name}) has no geometry")
            geom, repaired = _to_multipolygon(ogr, source_srs, transform_to, name)
            report.repaired += repaired
            code = _text(feature, code_field)
            key = f"code '{code}'" if code else f"name '{name}'"
            if key in seen:
                raise LoadError(
                    f"Features {seen[key]} and {index} have the same {key} at level "
                    f"'{level}'; use --code-field with a field that is unique"
                )
            seen[key] = index
            features.append(
                _Feature(index, name, code, _text(feature, name_en_field), geom)
            )
    with transaction.atomic():
        existing = list(_existing(level, valid_from, valid_to))
        matched = _match(features, existing, level)
        taken = _taken(features, existing, level)
        if taken:
            raise LoadError(
                f"{len(taken)} codes or names are held by '{level}' areas of "
                "another validity window: "
                + "; ".join(taken[:MAX_LISTED])
                + ". A code is unique within a level: load these units under "
                "another level label, or with the other window's dates"
            )
        conflicts = _code_conflicts(features, existing, matched)
        conflicts += _overlaps(features, matched, level, valid_from, valid_to)
        if conflicts and not replace:
            raise LoadError(_refusal(conflicts, level))
        kept = set(matched.values())
        doomed = [a for a in existing if a.pk not in kept] if replace else []
        report.replaced = len(doomed)
        touched: list[int] = []
        if replace:
            # Deleted first, so that the new areas may take their codes; their
            # children (areas of other levels) are re-pointed below.
            doomed_ids = [a.pk for a in doomed]
            orphans = list(
                AdminArea.objects.filter(parent_id__in=doomed_ids)
                .exclude(id__in=doomed_ids)
                .values_list("id", flat=True)
            )
            report.links_dropped = _links_to(doomed_ids)
            AdminArea.objects.filter(id__in=doomed_ids).delete()
        for number, feat in enumerate(features, start=1):
            pk = matched.get(feat.index)
            area, created = area_upsert(
                name=feat.name,
                level=level,
                geom=feat.geom,
                code=feat.code,
                name_en=feat.name_en,
                approximate=approximate,
                source=path.name,
                valid_from=valid_from,
                valid_to=valid_to,
                into=next((a for a in existing if a.pk == pk), None),
                lookup=False,
            )
            touched.append(area.id)
            if created:
                report.created += 1
            else:
                report.updated += 1
            if progress:
                progress(number)
        area_refresh_derived(touched)
        if replace and orphans:
            report.children_repointed = _repoint_children(orphans, touched)
        if parent_level:
            report.linked, report.without_parent = area_link_parents(
                level=level, parent_level=parent_level
            )
        report.area_ids = touched
    return report


def _existing(level: str, valid_from, valid_to):
    """The areas of the level whose validity window overlaps [valid_from, valid_to)."""
    queryset = AdminArea.objects.filter(level=level).defer("geom")
    if valid_to is not None:
        queryset = queryset.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lt=valid_to)
        )
    if valid_from is not None:
        queryset = queryset.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gt=valid_from)
        )
    return queryset.order_by("id")


def _match(features, existing, level) -> dict[int, int]:
    """{feature index: the existing area it updates}: same code and same name, or
    (without a code) the same name; names compared normalised."""
    by_code = {a.code: a for a in existing if a.code}
    by_name = {clean(a.name)[0]: a for a in existing if not a.code}
    matched = {}
    for feat in features:
        if feat.code:
            area = by_code.get(feat.code)
            if area is not None and clean(area.name)[0] == feat.name:
                matched[feat.index] = area.pk
        elif (area := by_name.get(feat.name)) is not None:
            matched[feat.index] = area.pk
    return matched


def _code_conflicts(features, existing, matched) -> list[str]:
    by_code = {a.code: a for a in existing if a.code}
    lines = []
    for feat in features:
        if feat.code and feat.index not in matched and feat.code in by_code:
            area = by_code[feat.code]
            lines.append(
                f"code {feat.code}: the file names it '{feat.name}' (feature "
                f"{feat.index}), the existing area is '{area.name}' (id {area.pk}) "
                "— an area is never renamed by its code"
            )
    return lines


def _overlaps(features, matched, level, valid_from, valid_to) -> list[str]:
    """Describe each (feature, existing area) pair of the level overlapping by more
    than OVERLAP_MAX of the smaller, windows overlapping; the area a feature
    updates is not compared with it.

    Raw SQL: the shares are measured on the spheroid (geography, m²) in one
    statement per feature, on the GiST index of the areas' geometries.
    """
    lines = []
    table = connection.ops.quote_name(AdminArea._meta.db_table)
    with connection.cursor() as cursor:
        for feat in features:
            cursor.execute(
                f"""
                WITH f AS (SELECT ST_GeomFromEWKB(%(geom)s) AS g)
                SELECT a.id, a.name, a.code, a.valid_from, a.valid_to,
                       ST_Area(ST_Intersection(a.geom, f.g)::geography)
                         / NULLIF(LEAST(ST_Area(a.geom::geography),
                                        ST_Area(f.g::geography)), 0) AS share
                FROM {table} a, f
                WHERE a.level = %(level)s AND ST_Intersects(a.geom, f.g)
                  AND a.id IS DISTINCT FROM %(self)s
                  AND (%(vto)s::date IS NULL OR a.valid_from IS NULL
                       OR a.valid_from < %(vto)s::date)
                  AND (%(vfrom)s::date IS NULL OR a.valid_to IS NULL
                       OR a.valid_to > %(vfrom)s::date)
                ORDER BY share DESC NULLS LAST, a.id
                """,
                {
                    "geom": bytes(feat.geom.ewkb),
                    "level": level,
                    "self": matched.get(feat.index),
                    "vfrom": valid_from,
                    "vto": valid_to,
                },
            )
            for pk, name, code, a_from, a_to, share in cursor.fetchall():
                if share is None or share <= OVERLAP_MAX:
                    continue
                lines.append(
                    f"'{feat.name}'{_code(feat.code)} (feature {feat.index}) overlaps "
                    f"'{name}'{_code(code)} (id {pk}{_window(a_from, a_to)}) by "
                    f"{share:.1%} of the smaller"
                )
    return lines


def _code(code: str) -> str:
    return f" [code {code}]" if code else ""


def _window(valid_from, valid_to) -> str:
    if valid_from is None and valid_to is None:
        return ""
    return f", valid {valid_from or '…'} to {valid_to or '…'}"


def _refusal(conflicts: list[str], level: str) -> str:
    shown = conflicts[:MAX_LISTED]
    more = len(conflicts) - len(shown)
    tail = f"; and {more} more" if more else ""
    return (
        f"{len(conflicts)} conflicts with the existing '{level}' areas: "
        + "; ".join(shown)
        + tail
        + ". Use --replace to replace the level's areas whole, or --valid-from/"
        "--valid-to if the file is another period's units"
    )


def _taken(features, existing, level) -> list[str]:
    """Codes (or, without codes, names) the file uses that an area of the level
    outside the file's validity window holds: one code per level, so even
    --replace (which replaces the window's areas) cannot take them."""
    inside = {a.pk for a in existing}
    codes = [f.code for f in features if f.code]
    names = [f.name for f in features if not f.code]
    others = (
        AdminArea.objects.filter(level=level)
        .exclude(id__in=inside)
        .filter(Q(code__in=codes) | Q(code="", name__in=names))
        .defer("geom")
        .order_by("id")
    )
    return [
        f"{f'code {a.code}' if a.code else 'name'} '{a.name}' (id {a.pk}"
        f"{_window(a.valid_from, a.valid_to)}) is held by an area of another "
        "validity window"
        for a in others
    ]


def _links_to(area_ids: list[int]) -> int:
    """Count the rows' links to these areas (they go with the areas)."""
    total = 0
    for model, name, _dated in area_linked_models():
        links = model._meta.get_field(name)
        total += links.remote_field.through.objects.filter(
            **{f"{links.m2m_reverse_field_name()}__in": area_ids}
        ).count()
    return total


def _repoint_children(orphans: list[int], new_ids: list[int]) -> int:
    """Point each orphaned child at the new area that covers most of it.

    Refuse (LoadError: the transaction rolls back) if one intersects none of
    them: a parent link is never lost silently.
    """
    table = connection.ops.quote_name(AdminArea._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH best AS (
                SELECT DISTINCT ON (c.id) c.id AS child_id, p.id AS parent_id
                FROM {table} c
                JOIN {table} p ON p.id = ANY(%(new)s) AND ST_Intersects(c.geom, p.geom)
                WHERE c.id = ANY(%(orphans)s)
                ORDER BY c.id,
                         ST_Area(ST_Intersection(c.geom, p.geom)::geography) DESC,
                         p.id
            )
            UPDATE {table} a SET parent_id = best.parent_id
            FROM best WHERE a.id = best.child_id
            RETURNING a.id
            """,
            {"new": new_ids, "orphans": orphans},
        )
        done = {row[0] for row in cursor.fetchall()}
    lost = [pk for pk in orphans if pk not in done]
    if lost:
        names = ", ".join(
            f"'{a.name}' ({a.level}, id {a.pk})"
            for a in AdminArea.objects.filter(id__in=lost[:MAX_LISTED]).defer("geom")
        )
        raise LoadError(
            f"{len(lost)} areas of other levels had a replaced area as their parent "
            f"and no new area covers them: {names}"
        )
    return len(done)


def feature_count(path: str | Path, layer: str | None = None) -> int:
    try:
        source = DataSource(str(path))
        return len(_pick_layer(source, layer, Path(path)))
    except (GDALException, LoadError):
        return 0


def _pick_layer(source: DataSource, layer: str | None, path: Path):
    names = [lyr.name for lyr in source]
    if layer is None:
        if not names:
            raise LoadError(f"{path} has no layers")
        return source[0]
    if layer not in names:
        raise LoadError(
            f"Layer '{layer}' is not in {path}; its layers are: {', '.join(names)}"
        )
    return source[layer]


def _is_shapefile(path: Path) -> bool:
    return path.suffix.lower() in (".shp", ".dbf")


@contextmanager
def _text_encoding(path: Path, encoding: str | None) -> Iterator[None]:
    """Read a Shapefile's text as bytes, for DataSource to decode as `encoding`.

    GDAL recodes DBF text to UTF-8 from the .cpg (or the DBF's language id, or
    else ISO-8859-1); with --encoding, SHAPE_ENCODING="" turns that off for this
    thread so Django decodes the bytes as told (overriding a .cpg).
    """
    if not (encoding and _is_shapefile(path)):
        yield
        return
    lgdal.CPLSetThreadLocalConfigOption(b"SHAPE_ENCODING", b"")
    try:
        yield
    finally:
        lgdal.CPLSetThreadLocalConfigOption(b"SHAPE_ENCODING", None)


def _raw(feature, name: str) -> str:
    """Return a field's text, undecodable bytes as U+FFFD (then reported as
    mis-decoded) rather than an exception: GDAL hands a Shapefile's bytes over
    as they are when it knows no encoding for them."""
    index = feature.index(name)
    if not isinstance(feature[index], OFTString):
        value = feature.get(name)
        return "" if value is None else str(value)
    raw = capi.get_field_as_string(feature.ptr, index)
    return "" if raw is None else raw.decode(feature.encoding, errors="replace")


def _text(feature, name: str | None) -> str:
    if not name:
        return ""
    if isinstance(feature[feature.index(name)], OFTString):
        return nfc(_raw(feature, name))
    value = feature.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return nfc(str(value))


def _to_multipolygon(
    ogr: OGRGeometry,
    source_srs: SpatialReference | None,
    target: SpatialReference,
    name: str,
) -> tuple[MultiPolygon, int]:
    """Return (2D WGS84 MultiPolygon, 1 if it had to be repaired else 0)."""
    ogr = ogr.clone()
    if ogr.is_3d:
        ogr.set_3d(False)
    if source_srs is not None:
        ogr.srs = source_srs
        ogr.transform(target)
    geom = GEOSGeometry(ogr.wkb, srid=WGS84)
    repaired = 0
    if not geom.valid:
        geom = geom.make_valid()
        repaired = 1
    polygons = _polygons(geom)
    if not polygons:
        raise LoadError(f"Area '{name}' has no polygon (type {ogr.geom_name})")
    multi = MultiPolygon(polygons, srid=WGS84)
    if not multi.valid:
        # Parts from make_valid may touch along an edge: merge them.
        merged = multi.unary_union
        multi = MultiPolygon(_polygons(merged), srid=WGS84)
        repaired = 1
    return multi, repaired


def _polygons(geom: GEOSGeometry) -> list[Polygon]:
    if isinstance(geom, Polygon):
        return [geom] if not geom.empty else []
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        out: list[Polygon] = []
        for part in geom:
            out.extend(_polygons(part))
        return out
    return []
