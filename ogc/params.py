"""The query parameters of /ogc/: one parser each, an OGC exception naming it.

Geometry and numbers go through the project's parsers (geo.spatial.parse_bbox,
config.api's query parsers), so `bbox` accepts exactly what `in_bbox` accepts on
the REST API: four finite numbers in range, min before max, clipped to the
service area (a box wholly outside it matches nothing).
"""

import datetime as dt
from dataclasses import dataclass

from django.contrib.gis.geos import Polygon
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext_lazy as _

from config.api import ApiError
from config.errors import ClientError
from geo.spatial import parse_bbox

from .errors import OgcError

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
LIMIT_DEFAULT = 100
LIMIT_MAX = 1000
# `f`: the one encoding served (GeoJSON for features, JSON for the rest).
FORMATS = ("json", "geojson")
# What every items request may carry besides a collection's queryables.
ITEMS_PARAMETERS = ("f", "bbox", "bbox-crs", "datetime", "limit", "cursor")
OUTSIDE = object()  # a bbox wholly outside the service area: nothing matches


def check_format(params) -> None:
    """Refuse an `f` other than json (a bad parameter value: 400)."""
    value = params.get("f")
    if value in (None, "") or value in FORMATS:
        return
    raise OgcError(
        _("f: định dạng “%(value)s” không được hỗ trợ (chỉ có json).")
        % {"value": value[:20]}
    )


def refuse_unknown(params, known) -> None:
    """Refuse a parameter the API definition does not name (/req/core/query-param-unknown)."""
    for name in params:
        if name not in known:
            raise OgcError(
                _("Tham số “%(name)s” không được hỗ trợ ở đây.") % {"name": name[:40]}
            )


def reject_nul(params) -> None:
    """Refuse a NUL byte in any parameter: PostgreSQL cannot take one in text."""
    for name, values in params.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            raise OgcError(_("Tham số chứa ký tự không hợp lệ."))


def limit(params) -> int:
    """Return `limit`: default 100; above 1000 it is 1000 (the spec lets a
    server clamp); not a positive integer is a 400."""
    value = params.get("limit")
    if value in (None, ""):
        return LIMIT_DEFAULT
    digits = value.lstrip("0")
    if not (value.isascii() and value.isdigit()) or not digits:
        raise OgcError(_("limit phải là một số nguyên dương."))
    if len(digits) > 12:  # int() of thousands of digits raises; it is huge
        return LIMIT_MAX
    return min(int(digits), LIMIT_MAX)


def bbox(params) -> Polygon | object | None:
    """Return the `bbox` (CRS84) as a WGS84 polygon, OUTSIDE, or None (absent)."""
    crs = params.get("bbox-crs")
    if crs not in (None, "", CRS84):
        raise OgcError(
            _("bbox-crs: chỉ hỗ trợ %(crs)s (kinh độ, vĩ độ WGS84).") % {"crs": CRS84}
        )
    value = params.get("bbox")
    if value in (None, ""):
        return None
    if not value.isascii():
        # float() reads "١٠٧" as 107: numbers here are ASCII, as the spec's are.
        raise OgcError(_("bbox phải gồm bốn số: minlon,minlat,maxlon,maxlat."))
    try:
        box = parse_bbox(value, field="bbox")
    except ClientError as exc:
        raise OgcError.from_client(exc) from None
    return OUTSIDE if box is None else box


@dataclass(frozen=True)
class Interval:
    """A `datetime` filter: instants, both ends included; None is open."""

    start: dt.datetime | None
    end: dt.datetime | None  # included
    end_before: dt.datetime | None = None  # excluded (a whole day's end)


def _bad_datetime() -> OgcError:
    return OgcError(
        _(
            "datetime phải là thời điểm RFC 3339 (2024-06-02T08:00:00Z) hoặc "
            "khoảng thời gian (a/b, ../b, a/..)."
        )
    )


def _instant(text: str) -> tuple[dt.datetime, dt.datetime | None]:
    """Return (start, end-excluded or None) for an RFC 3339 date-time or a date.

    A date is the whole day in Huế (settings.TIME_ZONE), as `since`/`until` on
    the REST API; a date-time without an offset is read as UTC (RFC 3339 wants
    one; GDAL and QGIS always send it).
    """
    try:
        moment = parse_datetime(text)
        day = None if moment else parse_date(text)
    except ValueError:
        raise _bad_datetime() from None
    if moment is not None:
        if timezone.is_naive(moment):
            moment = moment.replace(tzinfo=dt.UTC)
        # In UTC: PostgreSQL refuses offsets past ±15:59, RFC 3339 allows ±23:59
        # (and one near year 1 or 9999 overflows: a 400, see datetime()).
        return moment.astimezone(dt.UTC), None
    if day is None:
        raise _bad_datetime()
    zone = timezone.get_default_timezone()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=zone)
    if day == dt.date.max:  # its next day does not exist in Python
        return start, dt.datetime.max.replace(tzinfo=dt.UTC)
    return start, start + dt.timedelta(days=1)


def datetime(params) -> Interval | None:
    """Return the `datetime` filter: an instant, a closed or a half-open interval."""
    try:
        return _interval(params)
    except OverflowError:  # comparing instants near year 1 or 9999 across offsets
        raise _bad_datetime() from None


def _interval(params) -> Interval | None:
    value = params.get("datetime")
    if value in (None, ""):
        return None
    if len(value) > 80:
        raise _bad_datetime()
    parts = value.split("/")
    if len(parts) == 1:
        start, day_end = _instant(parts[0])
        if day_end is not None:  # a date: the whole day
            return Interval(start, None, day_end)
        return Interval(start, start)
    if len(parts) != 2:
        raise _bad_datetime()
    first, last = (part if part not in ("", "..") else None for part in parts)
    if first is None and last is None:
        raise _bad_datetime()
    start = _instant(first)[0] if first else None
    end = end_before = None
    if last:
        end, end_before = _instant(last)
        if end_before is not None:
            end = None
    if start and (end or end_before) and start > (end or end_before):
        raise OgcError(_("datetime: thời điểm đầu phải trước thời điểm cuối."))
    return Interval(start, end, end_before)


def filter_datetime(queryset, field: str, interval: Interval | None):
    """Keep the rows whose `field` lies in the interval."""
    if interval is None:
        return queryset
    if interval.start is not None:
        queryset = queryset.filter(**{f"{field}__gte": interval.start})
    if interval.end is not None:
        queryset = queryset.filter(**{f"{field}__lte": interval.end})
    if interval.end_before is not None:
        queryset = queryset.filter(**{f"{field}__lt": interval.end_before})
    return queryset


def client_errors(call, *args, **kwargs):
    """Call a project parser, turning its error into an OGC exception."""
    try:
        return call(*args, **kwargs)
    except (ApiError, ClientError) as exc:
        raise OgcError.from_client(exc) from None
