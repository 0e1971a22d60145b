"""GeoJSON as RFC 7946 wants it, for every output of the platform.

RFC 7946: positions are (lon, lat) in WGS84 with no ``crs`` member, polygon exterior
rings run counter-clockwise and holes clockwise (section 3.1.6), and six decimals
(about 0.1 m) are all the precision a position needs (section 11.2).

Two ways in, one rule:

- in SQL, wrap a geometry in :class:`ForcePolygonCCW` (``ST_ForcePolygonCCW``) before
  ``ST_AsGeoJSON(…, PRECISION)`` or Django's ``AsGeoJSON(…, precision=PRECISION)``;
- in Python, :func:`geometry` turns a GEOS geometry into the RFC 7946 dict;
- in DRF, :class:`GeometryField` and :class:`FeatureSerializer` (a feature with
  its ``id`` at the top level, RFC 7946 section 3.2, and among the properties,
  where clients already read it), and :func:`as_geojson` for the media type.
"""

from django.contrib.gis.db.models.functions import GeoFunc
from django.contrib.gis.geos import GEOSGeometry
from rest_framework_gis.fields import GeometryField as GisGeometryField
from rest_framework_gis.serializers import GeoFeatureModelSerializer
from shapely import wkb
from shapely.geometry import mapping, shape
from shapely.geometry.polygon import orient

PRECISION = 6  # decimals of a position (RFC 7946 section 11.2)
MEDIA_TYPE = "application/geo+json"  # RFC 7946 section 12


class ForcePolygonCCW(GeoFunc):
    """``ST_ForcePolygonCCW``: exterior rings counter-clockwise, holes clockwise.

    Points and lines pass unchanged, so it can wrap any geometry column.
    """

    function = "ST_ForcePolygonCCW"
    arity = 1


def _round(coordinates):
    if isinstance(coordinates, (int, float)):
        return round(float(coordinates), PRECISION)
    return [_round(part) for part in coordinates]


def _oriented(shape):
    kind = shape.geom_type
    if kind == "Polygon":
        return orient(shape, sign=1.0)
    if kind == "MultiPolygon":
        return type(shape)([orient(part, sign=1.0) for part in shape.geoms])
    if kind == "GeometryCollection":
        return type(shape)([_oriented(part) for part in shape.geoms])
    return shape


def geometry(geom: GEOSGeometry | None) -> dict | None:
    """Return ``geom`` as an RFC 7946 geometry dict (CCW exteriors, 6 decimals)."""
    if geom is None:
        return None
    shape = _oriented(wkb.loads(bytes(geom.wkb)))
    data = mapping(shape)
    if data["type"] == "GeometryCollection":
        return {
            "type": "GeometryCollection",
            "geometries": [geometry_from_mapping(part) for part in data["geometries"]],
        }
    return geometry_from_mapping(data)


def geometry_from_mapping(data: dict) -> dict:
    """Return a GeoJSON-like mapping with lists for positions, rounded."""
    return {"type": data["type"], "coordinates": _round(data["coordinates"])}


def geometry_from_geojson(data: dict | None) -> dict | None:
    """Return a GeoJSON geometry dict (e.g. PostGIS's ST_AsGeoJSON) made RFC 7946:
    counter-clockwise exteriors, 6 decimals."""
    if data is None:
        return None
    oriented = mapping(_oriented(shape(data)))
    if oriented["type"] == "GeometryCollection":
        return {
            "type": "GeometryCollection",
            "geometries": [geometry_from_mapping(p) for p in oriented["geometries"]],
        }
    return geometry_from_mapping(oriented)


class GeometryField(GisGeometryField):
    """A DRF geometry field that writes RFC 7946 geometry (see :func:`geometry`)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("precision", PRECISION)
        super().__init__(**kwargs)

    def to_representation(self, value):
        if value is None or isinstance(value, dict):
            return value
        return geometry(value)


class FeatureSerializer(GeoFeatureModelSerializer):
    """A GeoJSON Feature with ``id`` at the top level and among the properties.

    Subclasses keep ``id_field = False`` in their Meta (so "id" stays a property,
    as the API has always sent it) and get the top-level one from here.
    """

    def to_representation(self, instance):
        feature = super().to_representation(instance)
        return {"type": feature.pop("type"), "id": instance.pk, **feature}


def as_geojson(response):
    """Label a DRF response `application/geo+json` (errors keep application/json)."""
    response.content_type = MEDIA_TYPE
    return response
