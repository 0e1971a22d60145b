"""Public open-data exports: /exports/<dataset>.<fmt>.

Datasets: hotspots (public statuses, public fields), events (public event fields
of a campaign), coverage (maps.selectors.area_metrics with outlines).
Coordinates lon/lat in WGS84 (EPSG:4326, which KML requires); times local
(Asia/Ho_Chi_Minh). Nothing personal: no reporter, contact, participant name or
note; an entrant's name only with its publish consent.

Formats, and how each is written so that memory stays flat at any size:
- CSV (UTF-8 with BOM, events.tables' cells) and GeoJSON are streamed, chunk by
  chunk from a server-side cursor; the hotspots' GeoJSON features are written
  by PostGIS. No row cap.
- GeoPackage and KML of the hotspots are written by GDAL (ogr2ogr) reading
  PostGIS into a temporary file, which is then streamed. No row cap.
- Excel, and GeoPackage/KML of events and coverage (a few hundred rows), are
  built in memory (openpyxl, geopandas/pyogrio) and keep the MAX_ROWS cap
  (Excel itself opens at most 1,048,576 rows).

maps.selectors reads the rows (the hotspot export is one SQL query); this module
lays them out as columns and writes the files.
"""

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import islice

import geopandas as gpd
import pyogrio
from django.http import FileResponse, HttpResponse, JsonResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from shapely.geometry import shape

from config.api import ApiError
from events.tables import Table, csv_chunks, to_xlsx

from . import selectors
from .coverage import METRICS
from .params import campaign_param, coverage_params

# Rows at most in the formats built in memory (see the module's docstring).
MAX_ROWS = 100_000
GIS_DRIVERS = {"gpkg": "GPKG", "kml": "KML"}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "kml": "application/vnd.google-earth.kml+xml",
}
# The GeoJSON header GDAL wrote when it wrote these files: CRS84 is WGS84 in
# lon/lat order, as RFC 7946 assumes.
CRS84 = {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}
CHUNK_ROWS = selectors.EXPORT_CHUNK_ROWS

Row = Sequence


@dataclass(frozen=True)
class Dataset:
    """Machine column keys, readable labels, and the rows, read when written.

    `chunks()` yields lists of rows (plain values in the keys' order) and
    `geometry(row)` is a row's GeoJSON geometry. The hotspots also have
    `features()` (GeoJSON Feature texts from PostGIS, in chunks) and
    `write_file(path, driver)` (GDAL from PostGIS): those never hold the rows.
    """

    name: str
    filename: str
    keys: list[str]
    labels: list[str]
    chunks: Callable[[], Iterable[list[Row]]]
    geometry: Callable[[Row], dict | None]
    count: Callable[[], int]
    features: Callable[[], Iterable[list[str]]] | None = None
    write_file: Callable[[str, str], None] | None = None


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


def hotspots_dataset(params) -> Dataset:
    """Return the public hotspots (verified, cleaned, reopened), newest first."""
    labels = {
        "id": _("Mã"),
        "category": _("Loại"),
        "size": _("Cỡ"),
        "status": _("Trạng thái"),
        "priority": _("Ưu tiên"),
        "score": _("Điểm ưu tiên"),
        "confirmations": _("Số xác nhận"),
        "recurrence": _("Số lần tái xuất hiện"),
        "created_at": _("Báo cáo lúc"),
        "district": _("Quận / huyện"),
        "lon": _("Kinh độ"),
        "lat": _("Vĩ độ"),
    }
    keys = list(selectors.HOTSPOT_EXPORT_KEYS)
    return Dataset(
        name="hotspots",
        filename="hotspots",
        keys=keys,
        labels=[labels[key] for key in keys],
        chunks=selectors.public_hotspot_export,
        geometry=_point,
        count=selectors.public_hotspot_count,
        features=selectors.public_hotspot_features,
        write_file=lambda path, driver: selectors.public_hotspot_export_file(
            path, driver=driver, layer="hotspots"
        ),
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
        ("id", _("Mã sự kiện")),
        ("title", _("Tên sự kiện")),
        ("entrant_id", _("Mã đội")),
        ("entrant", _("Đội thi")),
        ("status", _("Trạng thái")),
        ("started_at", _("Bắt đầu")),
        ("ended_at", _("Kết thúc")),
        ("participants", _("Số người tham gia")),
        ("weight_kg", _("Tổng khối lượng khai báo (kg)")),
        ("weight_method", _("Cách xác định khối lượng")),
        ("plastic_kg", _("Nhựa (kg)")),
        ("water_hyacinth_kg", _("Bèo lục bình (kg)")),
        ("other_kg", _("Rác khác (kg)")),
        ("bags", _("Số bao")),
        ("area", _("Địa bàn")),
        ("lon", _("Kinh độ")),
        ("lat", _("Vĩ độ")),
    ]

    def chunks() -> Iterator[list[list]]:
        events = selectors.campaign_event_export(campaign)
        while batch := [_event_row(event) for event in islice(events, CHUNK_ROWS)]:
            yield batch

    return Dataset(
        name="events",
        filename=f"events-{campaign.slug}",
        keys=[key for key, _label in columns],
        labels=[str(label) for _key, label in columns],
        chunks=chunks,
        geometry=_point,
        count=lambda: selectors.campaign_event_count(campaign),
    )


def coverage_dataset(params) -> Dataset:
    """Return area_metrics rows (the coverage page's numbers) with outlines."""
    campaign, level = coverage_params(params)
    metrics = selectors.area_metrics(campaign=campaign, level=level)
    outlines = selectors.area_outlines_geojson(level=level, campaign=campaign)
    columns = [
        ("area_id", _("Mã địa bàn (nội bộ)")),
        ("name", _("Địa bàn")),
        ("code", _("Mã")),
        ("level", _("Cấp")),
        ("approximate", _("Ranh giới gần đúng")),
        *[(key, str(label)) for key, label in METRICS.items()],
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
        keys=[key for key, _label in columns],
        labels=[str(label) for _key, label in columns],
        chunks=lambda: [rows],
        geometry=lambda row: outlines.get(row[0]),  # by area_id
        count=lambda: len(rows),
    )


DATASETS: dict[str, Callable[..., Dataset]] = {
    "hotspots": hotspots_dataset,
    "events": events_dataset,
    "coverage": coverage_dataset,
}


@require_GET
def export(request, dataset: str, fmt: str):
    """Return the dataset in the format as an attachment (400 with the error shape)."""
    try:
        data = DATASETS[dataset](request.GET)
        response = WRITERS[fmt](data, fmt)
    except ApiError as exc:
        return JsonResponse(
            {
                "error": {
                    "code": exc.machine_code,
                    "message": str(exc.detail),
                    "field": exc.field,
                }
            },
            status=exc.status_code,
        )
    response["Content-Disposition"] = f'attachment; filename="{data.filename}.{fmt}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _csv_response(data: Dataset, fmt: str) -> StreamingHttpResponse:
    return StreamingHttpResponse(
        csv_chunks(data.labels, data.chunks()), content_type=CONTENT_TYPES[fmt]
    )


def _gis_value(value):
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Decimal):
        return float(value)
    return value


def _python_features(data: Dataset) -> Iterator[list[str]]:
    for rows in data.chunks():
        yield [
            json.dumps(
                {
                    "type": "Feature",
                    "properties": {
                        key: _gis_value(value)
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
    features, the end."""
    head = json.dumps(
        {"type": "FeatureCollection", "name": data.name, "crs": CRS84},
        ensure_ascii=False,
    )
    yield f'{head[:-1]}, "features": [\n'.encode()
    separator = ""
    features = data.features() if data.features else _python_features(data)
    for chunk in features:
        if chunk:
            yield (separator + ",\n".join(chunk)).encode()
            separator = ",\n"
    yield b"\n]}\n"


def _geojson_response(data: Dataset, fmt: str) -> StreamingHttpResponse:
    return StreamingHttpResponse(geojson_chunks(data), content_type=CONTENT_TYPES[fmt])


def _rows(data: Dataset) -> list[Row]:
    """Return every row in memory (capped formats only)."""
    _check_size(data.count())
    return [row for rows in data.chunks() for row in rows]


def _xlsx_response(data: Dataset, fmt: str) -> HttpResponse:
    body = to_xlsx(Table(data.name, data.labels, _rows(data)))
    return HttpResponse(body, content_type=CONTENT_TYPES[fmt])


def _frame(data: Dataset, rows: list[Row]) -> gpd.GeoDataFrame:
    columns = {
        key: [_gis_value(row[index]) for row in rows]
        for index, key in enumerate(data.keys)
    }
    geometries = []
    for row in rows:
        geometry = data.geometry(row)
        geometries.append(shape(geometry) if geometry else None)
    return gpd.GeoDataFrame(columns, geometry=geometries, crs="EPSG:4326")


def _gis_response(data: Dataset, fmt: str) -> FileResponse:
    """Write a GeoPackage or KML to a temporary file, then stream it.

    GDAL writes the hotspots from PostGIS itself; other datasets go through a
    GeoDataFrame. The file is unlinked while open: its bytes stay readable
    until the response closes it.
    """
    folder = tempfile.mkdtemp(prefix="export-")
    path = os.path.join(folder, f"{data.name}.{fmt}")  # GDAL creates the file
    try:
        if data.write_file is not None:
            data.write_file(path, GIS_DRIVERS[fmt])
        else:
            frame = _frame(data, _rows(data))
            pyogrio.write_dataframe(
                frame, path, layer=data.name, driver=GIS_DRIVERS[fmt]
            )
        stream = open(path, "rb")  # noqa: SIM115 — FileResponse closes it
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return FileResponse(stream, content_type=CONTENT_TYPES[fmt])


WRITERS: dict[str, Callable[[Dataset, str], HttpResponse | StreamingHttpResponse]] = {
    "csv": _csv_response,
    "xlsx": _xlsx_response,
    "geojson": _geojson_response,
    "gpkg": _gis_response,
    "kml": _gis_response,
}
