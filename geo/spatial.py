"""The geometry gate: every user-supplied geometry passes here before GEOS, GDAL or
PostGIS sees it. It also names the SRIDs the platform uses.

Checks, in order: parses as GeoJSON (a dict or a JSON string), no ``crs`` member and
no SRID of the client's choosing, the expected type, numbers only and finite, 2D
positions, (lon, lat) within WGS84 ranges, inside the service envelope, at most
``GEOMETRY_MAX_VERTICES`` positions, closed rings, and finally a valid geometry.
Each violation raises :class:`GeometryError` with a stable machine code.
"""

import json
import math
from collections.abc import Iterable
from numbers import Real
from typing import Any

from django.conf import settings
from django.contrib.gis.geos import (
    GEOSGeometry,
    LinearRing,
    LineString,
    MultiLineString,
    MultiPoint,
    MultiPolygon,
    Point,
    Polygon,
)
from django.utils.translation import gettext_lazy as _

from config.api import NotFinite, ascii_float
from config.errors import ClientError

WGS84 = 4326  # storage SRID everywhere
UTM48N = 32648  # metric projection for Huế when a planar measure is needed

GEOMETRY_TYPES = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
)


class GeometryError(ClientError, ValueError):
    """A geometry (or coordinate) a client sent that the platform refuses."""

    def __init__(self, code: str, message, field: str = "geometry"):
        super().__init__(code, message, field)


def envelope() -> tuple[float, float, float, float]:
    """Return the service envelope (lon_min, lat_min, lon_max, lat_max)."""
    return tuple(settings.SERVICE_ENVELOPE)  # type: ignore[return-value]


def parse_coordinate(
    value: Any, *, axis: str, field: str | None = None, allow_string: bool = True
) -> float:
    """Return a finite float for a longitude (axis="lon") or latitude (axis="lat").

    ``value`` may be a string from a query parameter or a form (allow_string), in
    config.api's one number grammar (ASCII digits, no padding, bounded length), or
    a JSON number.
    """
    field = field or axis
    if value is None or value == "":
        raise GeometryError(
            "required", _("Thiếu tham số %(field)s.") % {"field": field}, field
        )
    if isinstance(value, bool):
        raise GeometryError("not_a_number", _not_number(field), field)
    if isinstance(value, str) and allow_string:
        try:
            number = ascii_float(value)
        except NotFinite:
            number = math.nan
        except ValueError:
            raise GeometryError("not_a_number", _not_number(field), field) from None
    elif isinstance(value, Real):
        try:
            number = float(value)
        except OverflowError:  # an integer too large for a float (JSON allows it)
            number = math.inf
    else:
        raise GeometryError("not_a_number", _not_number(field), field)
    if not math.isfinite(number):
        raise GeometryError(
            "not_finite",
            _("%(field)s phải là một số hữu hạn.") % {"field": field},
            field,
        )
    limit = 180.0 if axis == "lon" else 90.0
    if not -limit <= number <= limit:
        raise GeometryError(
            "out_of_range",
            _("%(field)s phải nằm trong khoảng từ -%(limit)s đến %(limit)s.")
            % {"field": field, "limit": int(limit)},
            field,
        )
    return number


def point_from_lonlat(
    lon: Any, lat: Any, *, lon_field: str = "lon", lat_field: str = "lat"
) -> Point:
    """Return a WGS84 point from a longitude and a latitude, through the gate."""
    x = parse_coordinate(lon, axis="lon", field=lon_field)
    y = parse_coordinate(lat, axis="lat", field=lat_field)
    _check_envelope([(x, y)], field=f"{lon_field},{lat_field}")
    return Point(x, y, srid=WGS84)


def parse_geometry(
    value: Any,
    *,
    expected: Iterable[str] = GEOMETRY_TYPES,
    field: str = "geometry",
) -> GEOSGeometry:
    """Return a valid WGS84 GEOS geometry from client GeoJSON, or raise GeometryError."""
    expected = tuple(expected)
    data = _load(value, field)
    if "crs" in data:
        raise GeometryError(
            "crs_not_allowed",
            _(
                "Không chấp nhận thành phần 'crs': toạ độ phải là WGS84 (kinh độ, vĩ độ)."
            ),
            field,
        )
    if "srid" in data or "SRID" in data:
        raise GeometryError(
            "srid_not_allowed", _("Không chấp nhận SRID do người dùng cung cấp."), field
        )
    geom_type = data.get("type")
    if geom_type not in expected:
        raise GeometryError(
            "wrong_type",
            _("Kiểu hình học phải là %(expected)s.")
            % {"expected": " / ".join(expected)},
            field,
        )
    coords = data.get("coordinates")
    budget = [settings.GEOMETRY_MAX_VERTICES]
    builder = _BUILDERS[geom_type]
    geom = builder(coords, field, budget)
    geom.srid = WGS84
    if not geom.valid:
        raise GeometryError(
            "invalid_geometry",
            _("Hình học không hợp lệ: %(reason)s") % {"reason": geom.valid_reason},
            field,
        )
    return geom


def strip_along(line: LineString, *, half_width_m: float) -> Polygon:
    """Return the strip of ground within ``half_width_m`` metres of a gated line.

    Measured in UTM 48N (metres, fine for Huế); flat ends, so the strip is as long
    as the line. GEOS's buffer is always a valid polygon, returned in WGS84.
    """
    metric = line.transform(UTM48N, clone=True)
    strip = metric.buffer_with_style(half_width_m, quadsegs=4, end_cap_style=2)
    strip.transform(WGS84)
    return strip


def _load(value: Any, field: str) -> dict:
    if isinstance(value, (str, bytes)):
        if len(value) > 2_000_000:
            raise GeometryError("too_large", _("Dữ liệu hình học quá lớn."), field)
        try:
            value = json.loads(value, parse_constant=_reject_constant)
        except (ValueError, RecursionError):
            raise GeometryError(
                "malformed", _("Không đọc được GeoJSON."), field
            ) from None
    if not isinstance(value, dict):
        raise GeometryError(
            "malformed", _("Hình học phải là một đối tượng GeoJSON."), field
        )
    return value


def _reject_constant(name: str):
    raise ValueError(name)


def _not_number(field: str):
    return _("%(field)s phải là một số.") % {"field": field}


def _position(value: Any, field: str, budget: list[int]) -> tuple[float, float]:
    if not isinstance(value, (list, tuple)):
        raise GeometryError(
            "malformed", _("Toạ độ phải là một mảng [kinh độ, vĩ độ]."), field
        )
    if len(value) != 2:
        raise GeometryError(
            "not_2d", _("Mỗi toạ độ phải có đúng hai số: [kinh độ, vĩ độ]."), field
        )
    budget[0] -= 1
    if budget[0] < 0:
        raise GeometryError(
            "too_many_vertices",
            _("Hình học có quá nhiều đỉnh (tối đa %(max)s).")
            % {"max": settings.GEOMETRY_MAX_VERTICES},
            field,
        )
    x = parse_coordinate(value[0], axis="lon", field=field, allow_string=False)
    y = parse_coordinate(value[1], axis="lat", field=field, allow_string=False)
    _check_envelope([(x, y)], field=field)
    return x, y


def _positions(value: Any, field: str, budget: list[int], minimum: int) -> list:
    if not isinstance(value, (list, tuple)) or len(value) < minimum:
        raise GeometryError(
            "malformed",
            _("Cần ít nhất %(n)s toạ độ.") % {"n": minimum},
            field,
        )
    return [_position(item, field, budget) for item in value]


def _ring(value: Any, field: str, budget: list[int]) -> LinearRing:
    points = _positions(value, field, budget, 4)
    if points[0] != points[-1]:
        raise GeometryError(
            "ring_not_closed",
            _("Vòng đa giác phải khép kín (điểm đầu = điểm cuối)."),
            field,
        )
    return LinearRing(points)


def _polygon(value: Any, field: str, budget: list[int]) -> Polygon:
    if not isinstance(value, (list, tuple)) or not value:
        raise GeometryError("malformed", _("Đa giác cần ít nhất một vòng."), field)
    return Polygon(*[_ring(ring, field, budget) for ring in value])


def _list(value: Any, field: str) -> list:
    if not isinstance(value, (list, tuple)) or not value:
        raise GeometryError(
            "malformed", _("Danh sách toạ độ rỗng hoặc sai dạng."), field
        )
    return list(value)


_BUILDERS = {
    "Point": lambda c, f, b: Point(*_position(c, f, b)),
    "MultiPoint": lambda c, f, b: MultiPoint(
        [Point(*_position(p, f, b)) for p in _list(c, f)]
    ),
    "LineString": lambda c, f, b: LineString(_positions(c, f, b, 2)),
    "MultiLineString": lambda c, f, b: MultiLineString(
        [LineString(_positions(line, f, b, 2)) for line in _list(c, f)]
    ),
    "Polygon": _polygon,
    "MultiPolygon": lambda c, f, b: MultiPolygon(
        [_polygon(p, f, b) for p in _list(c, f)]
    ),
}


def _check_envelope(points: list[tuple[float, float]], *, field: str) -> None:
    lon_min, lat_min, lon_max, lat_max = envelope()
    for x, y in points:
        if not (lon_min <= x <= lon_max and lat_min <= y <= lat_max):
            raise GeometryError(
                "outside_service_area",
                _(
                    "Vị trí (%(lon)s, %(lat)s) nằm ngoài vùng phục vụ. Toạ độ phải theo "
                    "thứ tự (kinh độ, vĩ độ)."
                )
                % {"lon": round(x, 6), "lat": round(y, 6)},
                field,
            )


def parse_bbox(value: Any, *, field: str = "in_bbox") -> Polygon | None:
    """Return the WGS84 box "minlon,minlat,maxlon,maxlat" clipped to the service
    envelope, or None when it lies wholly outside (nothing can match there).

    A map's viewport may reach past the envelope, so the box is clipped rather
    than refused; numbers, ranges and order are still checked.
    """
    parts = str(value or "").split(",")
    if len(parts) != 4:
        raise GeometryError(
            "malformed",
            _("%(field)s phải có dạng minlon,minlat,maxlon,maxlat.") % {"field": field},
            field,
        )
    x0 = parse_coordinate(parts[0], axis="lon", field=field)
    y0 = parse_coordinate(parts[1], axis="lat", field=field)
    x1 = parse_coordinate(parts[2], axis="lon", field=field)
    y1 = parse_coordinate(parts[3], axis="lat", field=field)
    if x0 >= x1 or y0 >= y1:
        raise GeometryError(
            "bbox_reversed",
            _("%(field)s: giá trị nhỏ nhất phải nhỏ hơn giá trị lớn nhất.")
            % {"field": field},
            field,
        )
    lon_min, lat_min, lon_max, lat_max = envelope()
    x0, y0, x1, y1 = (
        max(x0, lon_min),
        max(y0, lat_min),
        min(x1, lon_max),
        min(y1, lat_max),
    )
    if x0 >= x1 or y0 >= y1:
        return None
    box = Polygon.from_bbox((x0, y0, x1, y1))
    box.srid = WGS84
    return box
