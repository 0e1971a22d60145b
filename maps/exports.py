"""Public open-data exports: /exports/<dataset>.<fmt>.

Datasets: hotspots (public statuses, public fields), events (public event fields
of a campaign), coverage (maps.selectors.area_metrics with outlines).
Formats: CSV (UTF-8 with BOM) and Excel through events.campaigns.exports' writers;
GeoJSON, GeoPackage and KML through geopandas/pyogrio, written to a temporary
file and streamed. Coordinates lon/lat in WGS84 (EPSG:4326, which KML requires);
times local (Asia/Ho_Chi_Minh). Nothing personal: no reporter, contact,
participant name or note; an entrant's name only with its publish consent.

maps.selectors reads the rows (shaped by the columns: ST_X/ST_Y and the district
name computed in SQL, so a 100,000-row export is one query); this module lays
them out as columns and writes the files.
"""

import datetime as dt
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

import geopandas as gpd
import pyogrio
from django.http import FileResponse, HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from shapely.geometry import Point, shape

from config.api import ApiError
from events.tables import Table, to_csv, to_xlsx

from . import selectors
from .coverage import METRICS
from .params import campaign_param, coverage_params

MAX_ROWS = 100_000
GIS_DRIVERS = {"geojson": "GeoJSON", "gpkg": "GPKG", "kml": "KML"}
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "geojson": "application/geo+json",
    "gpkg": "application/geopackage+sqlite3",
    "kml": "application/vnd.google-earth.kml+xml",
}


@dataclass(frozen=True)
class Dataset:
    """Rows of plain values, machine column keys, readable labels, one geometry each."""

    name: str
    keys: list[str]
    labels: list[str]
    rows: list[list]
    geometries: list  # shapely geometries (or None), one per row
    filename: str


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


def hotspots_dataset(params) -> Dataset:
    """Return the public hotspots (verified, cleaned, reopened), newest first."""
    _check_size(selectors.public_hotspot_count())
    columns = [
        ("id", _("Mã")),
        ("category", _("Loại")),
        ("size", _("Cỡ")),
        ("status", _("Trạng thái")),
        ("priority", _("Ưu tiên")),
        ("score", _("Điểm ưu tiên")),
        ("confirmations", _("Số xác nhận")),
        ("recurrence", _("Số lần tái xuất hiện")),
        ("created_at", _("Báo cáo lúc")),
        ("district", _("Quận / huyện")),
        ("lon", _("Kinh độ")),
        ("lat", _("Vĩ độ")),
    ]
    out, geometries = [], []
    for row in selectors.public_hotspot_export():
        lon, lat = round(row["lon"], 6), round(row["lat"], 6)
        out.append(
            [
                row["id"],
                row["category"],
                row["size"],
                row["status"],
                row["priority"],
                round(row["score"], 2),
                row["confirmation_count"],
                row["recurrence_count"],
                _local(row["created_at"]),
                row["district"] or "",
                lon,
                lat,
            ]
        )
        geometries.append(Point(lon, lat))
    return _dataset("hotspots", columns, out, geometries, "hotspots")


def events_dataset(params) -> Dataset:
    """Return a campaign's cleanup events with their public fields only."""
    campaign = campaign_param(params)
    _check_size(selectors.campaign_event_count(campaign))
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
    rows, geometries = [], []
    for event in selectors.campaign_event_export(campaign):
        lon, lat = round(event["lon"], 6), round(event["lat"], 6)
        rows.append(
            [
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
                lon,
                lat,
            ]
        )
        geometries.append(Point(lon, lat))
    return _dataset("events", columns, rows, geometries, f"events-{campaign.slug}")


def coverage_dataset(params) -> Dataset:
    """Return area_metrics rows (the coverage page's numbers) with outlines."""
    campaign, level = coverage_params(params)
    metrics = selectors.area_metrics(campaign=campaign, level=level)
    outlines = selectors.area_outlines_geojson(level=level)
    columns = [
        ("area_id", _("Mã địa bàn (nội bộ)")),
        ("name", _("Địa bàn")),
        ("code", _("Mã")),
        ("level", _("Cấp")),
        ("approximate", _("Ranh giới gần đúng")),
        *[(key, str(label)) for key, label in METRICS.items()],
    ]
    rows, geometries = [], []
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
        outline = outlines.get(row.area_id)
        geometries.append(shape(outline) if outline else None)
    name = f"coverage-{campaign.slug}-{level}"
    return _dataset("coverage", columns, rows, geometries, name)


def _dataset(name, columns, rows, geometries, filename) -> Dataset:
    return Dataset(
        name=name,
        keys=[key for key, _label in columns],
        labels=[str(label) for _key, label in columns],
        rows=rows,
        geometries=geometries,
        filename=filename,
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
    filename = f"{data.filename}.{fmt}"
    if fmt in GIS_DRIVERS:
        response = _gis_response(data, fmt)
    else:
        table = Table(data.name, data.labels, data.rows)
        body = to_csv(table) if fmt == "csv" else to_xlsx(table)
        response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _gis_value(value):
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, Decimal):
        return float(value)
    return value


def _frame(data: Dataset) -> gpd.GeoDataFrame:
    columns = {
        key: [_gis_value(row[index]) for row in data.rows]
        for index, key in enumerate(data.keys)
    }
    return gpd.GeoDataFrame(columns, geometry=data.geometries, crs="EPSG:4326")


def _gis_response(data: Dataset, fmt: str) -> FileResponse:
    frame = _frame(data)
    handle, path = tempfile.mkstemp(suffix="." + fmt)
    os.close(handle)
    os.unlink(path)  # GDAL creates the file itself (GPKG refuses an empty one)
    try:
        pyogrio.write_dataframe(frame, path, layer=data.name, driver=GIS_DRIVERS[fmt])
        stream = open(path, "rb")  # noqa: SIM115 — FileResponse closes it
    finally:
        # Unlinked while open: the bytes stay readable until the response closes.
        if os.path.exists(path):
            os.unlink(path)
    return FileResponse(stream, content_type=CONTENT_TYPES[fmt])
