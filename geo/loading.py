"""Load administrative areas from any vector file GDAL reads (GeoJSON, Shapefile,
GeoPackage, KML, ...), in any coordinate system, in one transaction."""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.gis.gdal import DataSource, GDALException, OGRGeometry
from django.contrib.gis.gdal.srs import SpatialReference
from django.contrib.gis.geos import GEOSGeometry, MultiPolygon, Polygon
from django.db import transaction

from .services import area_link_parents, area_refresh_derived, area_upsert, nfc
from .spatial import WGS84


class LoadError(Exception):
    """A file, layer or field problem; nothing was loaded."""


@dataclass
class LoadReport:
    features: int = 0
    created: int = 0
    updated: int = 0
    repaired: int = 0
    skipped: int = 0
    linked: int = 0
    without_parent: int = 0
    assumed_wgs84: bool = False
    skipped_reasons: list[str] = field(default_factory=list)


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
    progress: Callable[[int], object] | None = None,
) -> LoadReport:
    """Load every feature of the layer as an area of `level`; all or nothing."""
    path = Path(path)
    if not path.exists():
        raise LoadError(f"File not found: {path}")
    try:
        source = DataSource(str(path))
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
    report = LoadReport()
    transform_to = SpatialReference(WGS84)
    source_srs = lyr.srs
    if source_srs is None:
        # GeoJSON without a crs is WGS84 by definition (RFC 7946).
        report.assumed_wgs84 = True
    touched: list[int] = []
    seen: dict[int, int] = {}  # area id -> the feature that wrote it
    with transaction.atomic():
        for index, feature in enumerate(lyr, start=1):
            report.features += 1
            name = nfc(str(feature.get(name_field) or ""))
            if not name:
                raise LoadError(f"Feature {index} has an empty '{name_field}'")
            ogr = feature.geom
            if ogr is None:
                raise LoadError(f"Feature {index} ({name}) has no geometry")
            geom, repaired = _to_multipolygon(ogr, source_srs, transform_to, name)
            report.repaired += repaired
            area, created = area_upsert(
                name=name,
                level=level,
                geom=geom,
                code=_text(feature, code_field),
                name_en=_text(feature, name_en_field),
                approximate=approximate,
                source=path.name,
            )
            if area.id in seen:
                key = f"code '{area.code}'" if area.code else f"name '{area.name}'"
                raise LoadError(
                    f"Features {seen[area.id]} and {index} have the same {key} at level "
                    f"'{level}'; use --code-field with a field that is unique"
                )
            seen[area.id] = index
            touched.append(area.id)
            if created:
                report.created += 1
            else:
                report.updated += 1
            if progress:
                progress(index)
        area_refresh_derived(touched)
        if parent_level:
            report.linked, report.without_parent = area_link_parents(
                level=level, parent_level=parent_level
            )
    return report


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


def _text(feature, name: str | None) -> str:
    if not name:
        return ""
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
