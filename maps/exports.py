"""Public open-data exports: /exports/<dataset>.<fmt>, by URL, typed.

Datasets: hotspots (public statuses, public fields), events (public event fields
of a campaign), coverage (maps.selectors.area_metrics with outlines).
Coordinates lon/lat in WGS84 (EPSG:4326, which KML requires); times local
(Asia/Ho_Chi_Minh). Nothing personal: no reporter, contact, participant name or
note; an entrant's name only with its publish consent.

Every URL answers GET and HEAD without a query string (the current campaign,
its coverage level), so GDAL, QGIS and spreadsheets open them by URL.

Formats, and how each is written so that memory stays flat at any size:
- CSV (UTF-8 with BOM) and GeoJSON (RFC 7946: no `crs`, a top-level `id`,
  counter-clockwise rings, 6 decimals) are streamed, chunk by chunk from a
  server-side cursor; the hotspots' GeoJSON features are written by PostGIS. No
  row cap. HEAD answers their headers without writing them. The CSV is for
  people and GIS alike: readable headers, a label column beside each code,
  `lon`/`lat`, `?sep=semicolon` (decimal comma) for spreadsheets in a
  Vietnamese locale; `<dataset>.csvt` beside it gives GDAL the column types
  and the point columns (GDAL fetches it by itself when it opens the CSV).
- GeoPackage, KML and Excel are files, written once per data version into the
  export cache (maps.export_files) and served whole or by byte range: GDAL's
  /vsicurl/ reads a GeoPackage or a workbook by ranges. The hotspots'
  GeoPackage and KML are written by GDAL (ogr2ogr) reading PostGIS (no row
  cap); Excel, and the GeoPackage/KML of events and coverage (a few hundred
  rows), are built in memory (openpyxl, geopandas/pyogrio) and keep the
  MAX_ROWS cap (Excel itself opens at most 1,048,576 rows). GeoPackage columns
  are typed: integers, reals, booleans, timestamps.

maps.selectors reads the rows (the hotspot export is one SQL query); this module
lays them out as columns and writes the files.
"""

import datetime as dt
import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import islice

import geopandas as gpd
import pandas as pd
import pyogrio
from django.conf import settings
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from shapely.geometry import shape

from config.api import ApiError, query_choice
from events.models import EventStatus, WeightMethod
from events.tables import Table, csv_chunks, to_xlsx
from geo import geojson
from hotspots.models import Category, Status

from . import export_files, selectors
from .coverage import METRICS
from .params import campaign_param, coverage_params

# Rows at most in the formats built in memory (see the module's docstring).
MAX_ROWS = 100_000
GIS_DRIVERS = {"gpkg": "GPKG", "kml": "KML"}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": geojson.MEDIA_TYPE,
    "gpkg": "application/geopackage+sqlite3",
    "kml": "application/vnd.google-earth.kml+xml",
}
CSVT_CONTENT_TYPE = "text/plain; charset=utf-8"
FILE_FORMATS = ("xlsx", "gpkg", "kml")  # written to the cache, served by range
SEPARATORS = {"comma": (",", "."), "semicolon": (";", ",")}
CHUNK_ROWS = selectors.EXPORT_CHUNK_ROWS

Row = Sequence

# Column kinds: how a GeoPackage types them and what GDAL's .csvt calls them.
INTEGER, REAL, TEXT, DATETIME, BOOLEAN = "integer", "real", "text", "datetime", "bool"
CSVT_TYPES = {
    INTEGER: "Integer",
    REAL: "Real",
    TEXT: "String",
    DATETIME: "DateTime",
    BOOLEAN: "Integer(Boolean)",
}


@dataclass(frozen=True)
class Column:
    """A column: machine key (GIS formats), header (people's formats), kind, and
    for a code the labels of its values (people's formats add a label column)."""

    key: str
    label: str
    kind: str = TEXT
    choices: Mapping | None = None


@dataclass(frozen=True)
class Dataset:
    """Columns and the rows, read when written.

    `chunks()` yields lists of rows (plain values in the columns' order),
    `geometry(row)` is a row's GeoJSON geometry, `feature_id(row)` its id and
    `placemark(row)` its KML name. The hotspots also have `features()` (GeoJSON
    Feature texts from PostGIS, in chunks) and `write_file(path, driver, names)`
    (GDAL from PostGIS): those never hold the rows. `key` names the parameters
    the rows depend on (the export cache's key).
    """

    name: str
    filename: str
    key: str
    columns: list[Column]
    chunks: Callable[[], Iterable[list[Row]]]
    geometry: Callable[[Row], dict | None]
    feature_id: Callable[[Row], int]
    placemark: Callable[[Row], str]
    count: Callable[[], int]
    features: Callable[[], Iterable[list[str]]] | None = None
    write_file: Callable[[str, str, Mapping[str, str]], None] | None = None
    names: Mapping[str, str] = field(default_factory=dict)

    @property
    def keys(self) -> list[str]:
        return [column.key for column in self.columns]


def _local(value: dt.datetime | None) -> dt.datetime | None:
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None, microsecond=0)


def _check_size(count: int) -> None:
    if count > MAX_ROWS:
        raise ApiError(
            _(
                "Quá nhiều dòng để xuất (%(count)s, tối đa %(max)s). "
                "Hãy lọc theo chiến dịch hoặc dùng API."
            )
            % {"count": count, "max": MAX_ROWS},
            code="too_many_rows",
        )


def _point(row: Row) -> dict:
    """Return the Point of a row whose last two values are lon, lat."""
    return {"type": "Point", "coordinates": [row[-2], row[-1]]}


def _yes_no() -> dict[bool, str]:
    return {True: _("Có"), False: _("Không")}


def _lon_lat() -> list[Column]:
    # `lon`/`lat` as the headers too: names GIS tools recognise as coordinates.
    return [Column("lon", "lon", REAL), Column("lat", "lat", REAL)]


def _labels(choices) -> dict[str, str]:
    return {value: str(label) for value, label in choices}


def hotspots_dataset(params) -> Dataset:
    """Return the public hotspots (verified, cleaned, reopened), newest first."""
    categories = _labels(Category.choices)
    columns = [
        Column("id", _("Mã"), INTEGER),
        Column("category", _("Loại"), TEXT, categories),
        Column("size", _("Cỡ"), TEXT, selectors.size_labels()),
        Column("status", _("Trạng thái"), TEXT, _labels(Status.choices)),
        Column("priority", _("Ưu tiên"), BOOLEAN, _yes_no()),
        Column("score", _("Điểm ưu tiên"), REAL),
        Column("confirmations", _("Số xác nhận"), INTEGER),
        Column("recurrence", _("Số lần tái xuất hiện"), INTEGER),
        Column("created_at", _("Báo cáo lúc"), DATETIME),
        Column("district", _("Quận / huyện"), TEXT),
        *_lon_lat(),
    ]
    assert [c.key for c in columns] == list(selectors.HOTSPOT_EXPORT_KEYS)
    return Dataset(
        name="hotspots",
        filename="hotspots",
        key="",
        columns=columns,
        chunks=selectors.public_hotspot_export,
        geometry=_point,
        feature_id=lambda row: row[0],
        placemark=lambda row: " – ".join(
            part for part in (categories.get(row[1], row[1]), row[9]) if part
        ),
        count=selectors.public_hotspot_count,
        features=selectors.public_hotspot_features,
        write_file=lambda path, driver, names: selectors.public_hotspot_export_file(
            path, driver=driver, layer="hotspots", names=names
        ),
        names=categories,
    )


def _event_row(event: dict) -> list:
    return [
        event["id"],
        event["title"],
        event["entrant_id"],
        event["entrant"],
        event["status"],
        _local(event["started_at"]),
        _local(event["ended_at"]),
        event["participants"],
        event["weight_kg"],
        event["weight_method"],
        event["plastic_kg"],
        event["water_hyacinth_kg"],
        event["other_kg"],
        event["bags"],
        "; ".join(event["places"]),
        round(event["lon"], 6),
        round(event["lat"], 6),
    ]


def events_dataset(params) -> Dataset:
    """Return a campaign's cleanup events with their public fields only."""
    campaign = campaign_param(params)
    columns = [
        Column("id", _("Mã sự kiện"), INTEGER),
        Column("title", _("Tên sự kiện")),
        Column("entrant_id", _("Mã đội"), INTEGER),
        Column("entrant", _("Đội thi")),
        Column("status", _("Trạng thái"), TEXT, _labels(EventStatus.choices)),
        Column("started_at", _("Bắt đầu"), DATETIME),
        Column("ended_at", _("Kết thúc"), DATETIME),
        Column("participants", _("Số người tham gia"), INTEGER),
        Column("weight_kg", _("Tổng khối lượng khai báo (kg)"), REAL),
        Column(
            "weight_method",
            _("Cách xác định khối lượng"),
            TEXT,
            _labels(WeightMethod.choices),
        ),
        Column("plastic_kg", _("Nhựa (kg)"), REAL),
        Column("water_hyacinth_kg", _("Bèo lục bình (kg)"), REAL),
        Column("other_kg", _("Rác khác (kg)"), REAL),
        Column("bags", _("Số bao"), INTEGER),
        Column("area", _("Địa bàn")),
        *_lon_lat(),
    ]

    def chunks() -> Iterator[list[list]]:
        events = selectors.campaign_event_export(campaign)
        while batch := [_event_row(event) for event in islice(events, CHUNK_ROWS)]:
            yield batch

    return Dataset(
        name="events",
        filename=f"events-{campaign.slug}",
        key=f"campaign={campaign.pk}",
        columns=columns,
        chunks=chunks,
        geometry=_point,
        feature_id=lambda row: row[0],
        placemark=lambda row: " – ".join(part for part in (row[1], row[14]) if part),
        count=lambda: selectors.campaign_event_count(campaign),
    )


def coverage_dataset(params) -> Dataset:
    """Return area_metrics rows (the coverage page's numbers) with outlines."""
    campaign, level = coverage_params(params)
    metrics = selectors.area_metrics(campaign=campaign, level=level)
    outlines = selectors.area_outlines_geojson(level=level, campaign=campaign)
    columns = [
        Column("area_id", _("Mã địa bàn (nội bộ)"), INTEGER),
        Column("name", _("Địa bàn")),
        Column("code", _("Mã")),
        Column("level", _("Cấp")),
        Column("approximate", _("Ranh giới gần đúng"), BOOLEAN, _yes_no()),
        *[
            Column(
                key,
                str(label),
                REAL if key in ("priority_cleaned_share", "verified_kg") else INTEGER,
            )
            for key, label in METRICS.items()
        ],
    ]
    rows = []
    for row in metrics:
        share = row.priority_cleaned_share
        rows.append(
            [
                row.area_id,
                row.name,
                row.code,
                row.level,
                row.approximate,
                *[
                    round(share, 4)
                    if key == "priority_cleaned_share" and share is not None
                    else getattr(row, key)
                    for key in METRICS
                ],
            ]
        )
    return Dataset(
        name="coverage",
        filename=f"coverage-{campaign.slug}-{level}",
        key=f"campaign={campaign.pk};level={level}",
        columns=columns,
        chunks=lambda: [rows],
        # by area_id; RFC 7946 rings (PostGIS wrote them in the stored order)
        geometry=lambda row: geojson.geometry_from_geojson(outlines.get(row[0])),
        feature_id=lambda row: row[0],
        placemark=lambda row: row[1],
        count=lambda: len(rows),
    )


DATASETS: dict[str, Callable[..., Dataset]] = {
    "hotspots": hotspots_dataset,
    "events": events_dataset,
    "coverage": coverage_dataset,
}


# --- request parameters -------------------------------------------------------------


def check_params(params) -> None:
    """Refuse a NUL byte in any parameter (the database driver cannot take one)."""
    for name, values in params.lists():
        if "\x00" in name or any("\x00" in value for value in values):
            raise ApiError(
                _("Tham số chứa ký tự không hợp lệ."), code="invalid", field=name[:40]
            )


def _choice(params, name: str, choices) -> str | None:
    """An export's choice parameter: absent is None, blank is a 400 (the schema
    lists the choices)."""
    return query_choice(params, name, choices, blank_is_absent=False)


def language(request) -> str:
    """Return the language of an export's headers and labels.

    `?lang=vi|en` first (the pages' links carry it), then the language switch's
    cookie, then Accept-Language (as the APIs do), else Vietnamese.
    """
    codes = [code for code, _name in settings.LANGUAGES]
    chosen = _choice(request.GET, "lang", codes)
    if chosen:
        return chosen
    if request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) or request.META.get(
        "HTTP_ACCEPT_LANGUAGE"
    ):
        return translation.get_language_from_request(request)
    return settings.LANGUAGE_CODE


def separator(params) -> tuple[str, str]:
    """Return the CSV's (delimiter, decimal mark): `?sep=comma` (default) or
    `?sep=semicolon` (decimal comma, for Vietnamese-locale spreadsheets)."""
    return SEPARATORS[_choice(params, "sep", SEPARATORS) or "comma"]


# --- people's tables: CSV and Excel -----------------------------------------------


def _points(data: Dataset) -> bool:
    return data.keys[-2:] == ["lon", "lat"]


def people_header(data: Dataset, *, wkt: bool = False) -> list[str]:
    """Return the readable header: each column, and a label column beside a code;
    with `wkt` (CSV of points), a last `WKT` column."""
    header = []
    for column in data.columns:
        header.append(str(column.label))
        if column.choices is not None:
            header.append(_("%(column)s (tên)") % {"column": column.label})
    if wkt and _points(data):
        header.append("WKT")
    return header


def people_types(data: Dataset) -> list[str]:
    """Return GDAL's .csvt types of the CSV's columns (lon/lat, WKT: the point)."""
    types = []
    for column in data.columns:
        types.append(CSVT_TYPES[column.kind])
        if column.choices is not None:
            types.append("String")
    if _points(data):
        types.append("WKT")
    return types


def _people_row(columns: list[Column], row: Row, *, wkt: bool = False) -> list:
    cells = []
    for column, value in zip(columns, row, strict=True):
        if isinstance(value, bool):
            cells.append(int(value))  # 1/0: a number every spreadsheet reads
        else:
            cells.append(value)
        if column.choices is not None:
            cells.append(None if value is None else column.choices.get(value, value))
    if wkt:
        # GDAL's CSV driver reads a column named WKT as the geometry without any
        # open option (lon/lat only with one); dots whatever the separator.
        cells.append(f"POINT ({row[-2]!r} {row[-1]!r})")
    return cells


def _people_chunks(data: Dataset, *, wkt: bool = False) -> Iterator[list[list]]:
    wkt = wkt and _points(data)
    for rows in data.chunks():
        yield [_people_row(data.columns, row, wkt=wkt) for row in rows]


# --- GIS values ---------------------------------------------------------------------


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def _json_value(value):
    if isinstance(value, dt.datetime):
        return _aware(value).isoformat()  # RFC 3339, with the zone's offset
    if isinstance(value, Decimal):
        return float(value)
    return value


def _python_features(data: Dataset) -> Iterator[list[str]]:
    for rows in data.chunks():
        yield [
            json.dumps(
                {
                    "type": "Feature",
                    "id": data.feature_id(row),
                    "properties": {
                        key: _json_value(value)
                        for key, value in zip(data.keys, row, strict=True)
                    },
                    "geometry": data.geometry(row),
                },
                ensure_ascii=False,
            )
            for row in rows
        ]


def geojson_chunks(data: Dataset) -> Iterator[bytes]:
    """Yield a FeatureCollection piece by piece: the header, each chunk of
    features, the end. No `crs` member (RFC 7946: WGS84 lon/lat is implied)."""
    head = json.dumps({"type": "FeatureCollection", "name": data.name})
    yield f'{head[:-1]}, "features": [\n'.encode()
    separator_ = ""
    features = data.features() if data.features else _python_features(data)
    for chunk in features:
        if chunk:
            yield (separator_ + ",\n".join(chunk)).encode()
            separator_ = ",\n"
    yield b"\n]}\n"


def _rows(data: Dataset) -> list[Row]:
    """Return every row in memory (capped formats only)."""
    _check_size(data.count())
    return [row for rows in data.chunks() for row in rows]


INT32_MAX = 2**31 - 1


def _series(column: Column, values: list, *, utc: bool) -> pd.Series | list:
    if column.kind == INTEGER:
        # 32 bits where they fit: GDAL's KML writer types only those as int.
        small = all(v is None or abs(v) <= INT32_MAX for v in values)
        return pd.array(values, dtype="Int32" if small else "Int64")
    if column.kind == REAL:
        return pd.array(
            [None if v is None else float(v) for v in values], dtype="Float64"
        )
    if column.kind == BOOLEAN:
        return pd.array(values, dtype="boolean")
    if column.kind == DATETIME:
        # A GeoPackage stores UTC ("Z"); KML keeps the local time and offset.
        times = pd.to_datetime([None if v is None else _aware(v) for v in values])
        return times.tz_convert("UTC") if utc else times
    return values


def _frame(data: Dataset, rows: list[Row], *, named: bool) -> gpd.GeoDataFrame:
    columns = {}
    if named:  # KML's placemark name
        columns["Name"] = [data.placemark(row) for row in rows]
    for index, column in enumerate(data.columns):
        values = [row[index] for row in rows]
        columns[column.key] = _series(column, values, utc=not named)
    geometries = []
    for row in rows:
        geometry = data.geometry(row)
        geometries.append(shape(geometry) if geometry else None)
    return gpd.GeoDataFrame(columns, geometry=geometries, crs="EPSG:4326")


# --- writers ------------------------------------------------------------------------


def write_xlsx(data: Dataset, path: str) -> None:
    rows = [_people_row(data.columns, row) for row in _rows(data)]
    with open(path, "wb") as out:
        out.write(to_xlsx(Table(data.name, people_header(data), rows)))


def write_gis(data: Dataset, path: str, fmt: str) -> None:
    """Write a GeoPackage or KML: GDAL from PostGIS (hotspots), else pyogrio."""
    driver = GIS_DRIVERS[fmt]
    if data.write_file is not None:
        data.write_file(path, driver, data.names if fmt == "kml" else None)
        return
    frame = _frame(data, _rows(data), named=fmt == "kml")
    pyogrio.write_dataframe(frame, path, layer=data.name, driver=driver)


def write_stream(pieces: Iterable[bytes], path: str) -> None:
    with open(path, "wb") as out:
        for piece in pieces:
            out.write(piece)


def _csv_pieces(data: Dataset, params) -> Iterator[bytes]:
    delimiter, decimal = separator(params)
    return csv_chunks(
        people_header(data, wkt=True),
        _people_chunks(data, wkt=True),
        delimiter=delimiter,
        decimal=decimal,
    )


def _pieces(data: Dataset, fmt: str, params) -> Iterator[bytes]:
    if fmt == "csv":
        return _csv_pieces(data, params)
    return geojson_chunks(data)


def _write(data: Dataset, fmt: str, params) -> Callable[[str], None]:
    if fmt == "xlsx":
        return lambda path: write_xlsx(data, path)
    if fmt in GIS_DRIVERS:
        return lambda path: write_gis(data, path, fmt)
    return lambda path: write_stream(_pieces(data, fmt, params), path)


def export_response(request, dataset: str, fmt: str):
    """Answer GET or HEAD for one export (ApiError for a bad parameter).

    Excel, GeoPackage and KML come from the export cache, whole or by range.
    A plain GET of CSV or GeoJSON is streamed (the first byte at once, at any
    size); a HEAD or a range request of them is served from the cache too, so
    that GDAL's /vsicurl/ learns the size and reads ranges.
    """
    check_params(request.GET)
    lang = language(request)
    with translation.override(lang):
        data = DATASETS[dataset](request.GET)
        sep = _choice(request.GET, "sep", SEPARATORS) or "comma"
        if (
            fmt in FILE_FORMATS
            or request.method == "HEAD"
            or "Range" in request.headers
        ):
            key = export_files.cache_key(
                dataset, fmt, data.key, lang, sep, selectors.export_data_version()
            )
            path = export_files.cached_file(key, fmt, _write(data, fmt, request.GET))
            response = export_files.file_response(
                request, path, content_type=CONTENT_TYPES[fmt], etag=f'"{key}"'
            )
        else:
            response = StreamingHttpResponse(
                _pieces(data, fmt, request.GET), content_type=CONTENT_TYPES[fmt]
            )
            response["Accept-Ranges"] = "bytes"
    # The file name unquoted (a token: slugs only): GDAL 3.6's HTTP driver keeps
    # the quotes of a quoted one in the name, and then knows no driver for it.
    response["Content-Disposition"] = f"attachment; filename={data.filename}.{fmt}"
    response["Content-Language"] = lang
    response["X-Content-Type-Options"] = "nosniff"
    return response


def csvt_response(request, dataset: str) -> HttpResponse:
    """Answer GDAL's `<name>.csvt` beside a CSV: one line, each column's type."""
    check_params(request.GET)
    with translation.override(language(request)):
        data = DATASETS[dataset](request.GET)
        body = ",".join(people_types(data)) + "\n"
    response = HttpResponse(body, content_type=CSVT_CONTENT_TYPE)
    response["X-Content-Type-Options"] = "nosniff"
    return response
