"""The open-data exports by URL (maps.exports writes them) and their page.

The exports are DRF views only for their plumbing: the one error shape
(config.api), and their description in /api/schema/. They need no
authentication and ignore Accept (the URL names the format).
"""

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import permissions, serializers
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from . import exports

DATASET_NAMES = list(exports.DATASETS)
FORMAT_NAMES = list(exports.CONTENT_TYPES)


class FirstRenderer(BaseContentNegotiation):
    """Use the view's (only) renderer whatever Accept says: errors are JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


ERROR = inline_serializer(
    "ExportError",
    {
        "error": inline_serializer(
            "ExportErrorBody",
            {
                "code": serializers.CharField(),
                "message": serializers.CharField(),
                "field": serializers.CharField(allow_null=True),
            },
        )
    },
)

FEATURE_COLLECTION = {
    "type": "object",
    "required": ["type", "features"],
    "properties": {
        "type": {"type": "string", "enum": ["FeatureCollection"]},
        "name": {"type": "string"},
        "features": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["type", "id", "properties", "geometry"],
                "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"type": "integer"},
                    "properties": {"type": "object"},
                    "geometry": {"type": "object", "nullable": True},
                },
            },
        },
    },
}

COMMON_PARAMETERS = [
    OpenApiParameter(
        "campaign",
        str,
        description=_(
            "Slug của chiến dịch (events, coverage); mặc định chiến dịch hiện tại."
        ),
    ),
    OpenApiParameter(
        "level",
        str,
        description=_("Cấp địa bàn (coverage); mặc định cấp của chiến dịch."),
    ),
    OpenApiParameter(
        "lang",
        str,
        enum=["vi", "en"],
        description=_("Ngôn ngữ của tiêu đề cột và nhãn (mặc định Accept-Language)."),
    ),
]

EXPORT_PARAMETERS = [
    OpenApiParameter(
        "dataset", str, OpenApiParameter.PATH, enum=DATASET_NAMES, description=""
    ),
    OpenApiParameter(
        "fmt", str, OpenApiParameter.PATH, enum=FORMAT_NAMES, description=""
    ),
    *COMMON_PARAMETERS,
    OpenApiParameter(
        "sep",
        str,
        enum=list(exports.SEPARATORS),
        description=_(
            "CSV: semicolon = dấu chấm phẩy và dấu phẩy thập phân (bảng tính "
            "tiếng Việt)."
        ),
    ),
]

ERRORS = {
    (400, "application/json"): OpenApiResponse(
        ERROR, description=_("Tham số không hợp lệ (trường ghi trong field).")
    ),
    (404, "text/html"): OpenApiResponse(
        OpenApiTypes.STR, description=_("Không có dữ liệu hoặc định dạng này.")
    ),
    416: OpenApiResponse(description=_("Khoảng byte (Range) nằm ngoài tệp.")),
}


def _file_responses(status: int, description: str) -> dict:
    responses = {}
    for fmt, content_type in exports.CONTENT_TYPES.items():
        media = content_type.split(";")[0]
        if fmt == "geojson":
            kind = FEATURE_COLLECTION
        elif fmt in ("csv", "kml"):
            kind = OpenApiTypes.STR
        else:
            kind = OpenApiTypes.BINARY
        responses[(status, media)] = OpenApiResponse(kind, description=description)
    return responses


class PublicFileApi(APIView):
    """Anonymous, any Accept: the answer is a file (errors as JSON)."""

    authentication_classes = []
    permission_classes = [permissions.AllowAny]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = FirstRenderer


class ExportApi(PublicFileApi):
    """One dataset in one format, as an attachment; GET and HEAD."""

    @extend_schema(
        operation_id="export",
        summary="Open-data export (CSV, Excel, GeoJSON, GeoPackage, KML)",
        description=(
            "Public fields only, WGS84 lon/lat, local times (Asia/Ho_Chi_Minh). "
            "Works without a query string (current campaign). Excel, GeoPackage "
            "and KML answer HEAD with Content-Length and byte ranges (206) with "
            "`Accept-Ranges: bytes`, so GDAL `/vsicurl/` and QGIS open them by URL; "
            "CSV and GeoJSON are streamed. GeoJSON follows RFC 7946."
        ),
        parameters=EXPORT_PARAMETERS,
        responses={
            **_file_responses(200, "The export (Content-Disposition: attachment)."),
            **_file_responses(206, "One byte range (Excel, GeoPackage, KML)."),
            **ERRORS,
        },
        tags=["exports"],
    )
    def get(self, request, dataset: str, fmt: str):
        return exports.export_response(request, dataset, fmt)

    def head(self, request, dataset: str, fmt: str):
        return exports.export_response(request, dataset, fmt)


class ExportTypesApi(PublicFileApi):
    """GDAL's `.csvt` beside a CSV export: the type of each column."""

    @extend_schema(
        operation_id="export_csvt",
        summary="Column types of a CSV export (GDAL .csvt)",
        description=(
            "One line: Integer, Real, String, DateTime, Integer(Boolean), and "
            "CoordX/CoordY for lon/lat, so GDAL reads the CSV as typed points."
        ),
        parameters=[
            OpenApiParameter(
                "dataset",
                str,
                OpenApiParameter.PATH,
                enum=DATASET_NAMES,
                description="",
            ),
            *COMMON_PARAMETERS,
        ],
        responses={
            (200, "text/plain"): OpenApiResponse(OpenApiTypes.STR),
            (400, "application/json"): ERRORS[(400, "application/json")],
            (404, "text/html"): ERRORS[(404, "text/html")],
        },
        tags=["exports"],
    )
    def get(self, request, dataset: str):
        return exports.csvt_response(request, dataset)

    def head(self, request, dataset: str):
        return exports.csvt_response(request, dataset)


def _link(dataset: str, fmt: str, **params) -> str:
    params.setdefault("lang", get_language() or "vi")
    query = "&".join(f"{key}={value}" for key, value in params.items())
    return reverse("exports:export", args=[dataset, fmt]) + "?" + query


def page(request):
    """The exports page: every dataset, which format for whom, and the URLs."""
    datasets = [
        ("hotspots", _("Điểm nóng công khai")),
        ("events", _("Sự kiện dọn dẹp của chiến dịch hiện tại")),
        ("coverage", _("Độ phủ theo địa bàn (chiến dịch hiện tại)")),
    ]
    rows = [
        {
            "name": dataset,
            "title": title,
            "links": [
                ("XLSX", _link(dataset, "xlsx")),
                (_("CSV (dấu ;)"), _link(dataset, "csv", sep="semicolon")),
                ("CSV", _link(dataset, "csv")),
                ("GeoPackage", _link(dataset, "gpkg")),
                ("GeoJSON", _link(dataset, "geojson")),
                ("KML", _link(dataset, "kml")),
            ],
            "url": request.build_absolute_uri(
                reverse("exports:export", args=[dataset, "gpkg"])
            ),
        }
        for dataset, title in datasets
    ]
    return render(request, "maps/exports.html", {"datasets": rows})
