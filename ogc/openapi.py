"""The OpenAPI 3.0 document of /ogc/ (the landing page's `service-desc`).

Written by hand, as the OGC API – Features Part 1 OpenAPI fragments describe
the paths: /ogc/ is not a DRF API and stays out of /api/schema/. GDAL's OAPIF
driver reads the `limit` parameter's maximum from it.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from hotspots.models import PUBLIC_STATUSES, Category

from . import params

JSON = "application/json"
GEOJSON = "application/geo+json"


def _parameter(name: str, description, schema: dict, *, where="query", **extra) -> dict:
    found = {
        "name": name,
        "in": where,
        "required": where == "path",
        "description": str(description),
        "schema": schema,
    }
    found.update(extra)
    return found


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/parameters/{name}"}


def _json_response(description, schema: str, media: str = JSON) -> dict:
    return {
        "description": str(description),
        "content": {media: {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


ERRORS = {
    "400": {"$ref": "#/components/responses/BadRequest"},
    "404": {"$ref": "#/components/responses/NotFound"},
}


def _get(
    operation_id: str, summary, parameters: list, ok: dict, *, not_found=True
) -> dict:
    responses = {"200": ok, "400": ERRORS["400"]}
    if not_found:
        responses["404"] = ERRORS["404"]
    return {
        "get": {
            "operationId": operation_id,
            "summary": str(summary),
            "parameters": [_ref("f"), *parameters],
            "responses": responses,
        }
    }


def document(request) -> dict:
    """Return the document, its server the /ogc/ root of this request's host."""
    root = request.build_absolute_uri(reverse("ogc:landing")).rstrip("/")
    link = {
        "type": "object",
        "required": ["href"],
        "properties": {
            "href": {"type": "string"},
            "rel": {"type": "string"},
            "type": {"type": "string"},
            "title": {"type": "string"},
            "templated": {"type": "boolean"},
        },
    }
    links = {"type": "array", "items": {"$ref": "#/components/schemas/link"}}
    feature = {
        "type": "object",
        "required": ["type", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"oneOf": [{"type": "integer"}, {"type": "string"}]},
            "geometry": {"type": "object", "nullable": True},
            "properties": {"type": "object", "nullable": True},
            "links": links,
        },
    }
    feature_collection = {
        "type": "object",
        "required": ["type", "features"],
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            "features": {
                "type": "array",
                "items": {"$ref": "#/components/schemas/featureGeoJSON"},
            },
            "links": links,
            "timeStamp": {"type": "string", "format": "date-time"},
            "numberMatched": {"type": "integer", "minimum": 0},
            "numberReturned": {"type": "integer", "minimum": 0},
        },
    }
    collection = {
        "type": "object",
        "required": ["id", "links"],
        "properties": {
            "id": {"type": "string"},
            "title": {"type": "string"},
            "description": {"type": "string"},
            "itemType": {"type": "string"},
            "crs": {"type": "array", "items": {"type": "string"}},
            "extent": {"type": "object"},
            "links": links,
        },
    }
    schemas = {
        "link": link,
        "exception": {
            "type": "object",
            "required": ["code"],
            "properties": {
                "code": {"type": "string"},
                "description": {"type": "string"},
            },
        },
        "landingPage": {
            "type": "object",
            "required": ["links"],
            "properties": {
                "title": {"type": "string"},
                "description": {"type": "string"},
                "links": links,
            },
        },
        "confClasses": {
            "type": "object",
            "required": ["conformsTo"],
            "properties": {
                "conformsTo": {"type": "array", "items": {"type": "string"}}
            },
        },
        "collection": collection,
        "collections": {
            "type": "object",
            "required": ["links", "collections"],
            "properties": {
                "links": links,
                "collections": {
                    "type": "array",
                    "items": {"$ref": "#/components/schemas/collection"},
                },
            },
        },
        "featureGeoJSON": feature,
        "featureCollectionGeoJSON": feature_collection,
        "queryables": {"type": "object"},
        "openapi": {"type": "object"},
    }
    parameters = {
        "f": _parameter(
            "f",
            _("Định dạng trả về: chỉ có json (GeoJSON cho các đối tượng)."),
            {"type": "string", "enum": list(params.FORMATS)},
        ),
        "collectionId": _parameter(
            "collectionId",
            _("Mã tập dữ liệu (xem /collections)."),
            {"type": "string"},
            where="path",
        ),
        "featureId": _parameter(
            "featureId",
            _("Mã số đối tượng."),
            {"type": "string"},
            where="path",
        ),
        "bbox": _parameter(
            "bbox",
            _(
                "Chỉ các đối tượng giao với hộp minlon,minlat,maxlon,maxlat "
                "(CRS84); hộp được cắt theo vùng phục vụ."
            ),
            {
                "type": "array",
                "minItems": 4,
                "maxItems": 4,
                "items": {"type": "number"},
            },
            style="form",
            explode=False,
        ),
        "bbox-crs": _parameter(
            "bbox-crs",
            _("Hệ toạ độ của bbox: chỉ CRS84."),
            {"type": "string", "format": "uri", "enum": [params.CRS84]},
        ),
        "datetime": _parameter(
            "datetime",
            _(
                "Thời điểm RFC 3339 hoặc khoảng a/b, ../b, a/.. (hai đầu tính cả); "
                "điểm nóng: thời điểm báo cáo; sự kiện: thời điểm bắt đầu. Một "
                "ngày (2024-06-02) là cả ngày theo giờ Huế."
            ),
            {"type": "string"},
        ),
        "limit": _parameter(
            "limit",
            _("Số đối tượng tối đa mỗi trang; lớn hơn %(max)s được coi là %(max)s.")
            % {"max": params.LIMIT_MAX},
            {
                "type": "integer",
                "minimum": 1,
                "maximum": params.LIMIT_MAX,
                "default": params.LIMIT_DEFAULT,
            },
            style="form",
            explode=False,
        ),
        "cursor": _parameter(
            "cursor",
            _("Không tự tạo: lấy từ liên kết next của trang trước."),
            {"type": "string"},
        ),
        "category": _parameter(
            "category",
            _("Điểm nóng: loại."),
            {"type": "string", "enum": list(Category.values)},
        ),
        "status": _parameter(
            "status",
            _("Điểm nóng: trạng thái."),
            {"type": "string", "enum": [str(s) for s in PUBLIC_STATUSES]},
        ),
        "priority": _parameter(
            "priority", _("Điểm nóng: ưu tiên."), {"type": "boolean"}
        ),
        "area": _parameter(
            "area",
            _("Điểm nóng, sự kiện: mã số (id) địa bàn."),
            {"type": "integer", "minimum": 0},
        ),
        "campaign": _parameter(
            "campaign", _("Sự kiện: mã chiến dịch."), {"type": "string"}
        ),
        "code": _parameter(
            "code", _("Địa bàn: mã đơn vị hành chính."), {"type": "string"}
        ),
        "parent": _parameter(
            "parent",
            _("Địa bàn: mã số (id) đơn vị cấp trên."),
            {"type": "integer", "minimum": 0},
        ),
    }
    filters = ["category", "status", "priority", "area", "campaign", "code", "parent"]
    item_parameters = [
        _ref(name)
        for name in (
            "collectionId",
            "bbox",
            "bbox-crs",
            "datetime",
            "limit",
            "cursor",
            *filters,
        )
    ]
    paths = {
        "/": _get(
            "getLandingPage",
            _("Trang đầu"),
            [],
            _json_response(_("Các liên kết của API."), "landingPage"),
            not_found=False,
        ),
        "/conformance": _get(
            "getConformanceDeclaration",
            _("Các lớp tuân thủ"),
            [],
            _json_response(_("Các lớp tuân thủ được hỗ trợ."), "confClasses"),
            not_found=False,
        ),
        "/api": _get(
            "getAPIDefinition",
            _("Tài liệu này"),
            [],
            _json_response(
                _("Định nghĩa OpenAPI 3.0."),
                "openapi",
                "application/vnd.oai.openapi+json;version=3.0",
            ),
            not_found=False,
        ),
        "/collections": _get(
            "getCollections",
            _("Các tập dữ liệu"),
            [],
            _json_response(_("Các tập dữ liệu và phạm vi của chúng."), "collections"),
            not_found=False,
        ),
        "/collections/{collectionId}": _get(
            "describeCollection",
            _("Một tập dữ liệu"),
            [_ref("collectionId")],
            _json_response(_("Mô tả tập dữ liệu."), "collection"),
        ),
        "/collections/{collectionId}/queryables": _get(
            "getQueryables",
            _("Các thuộc tính dùng để lọc"),
            [_ref("collectionId")],
            _json_response(
                _("JSON Schema của các thuộc tính lọc."),
                "queryables",
                "application/schema+json",
            ),
        ),
        "/collections/{collectionId}/items": _get(
            "getFeatures",
            _("Các đối tượng của tập dữ liệu, từng trang"),
            item_parameters,
            _json_response(
                _("Một trang GeoJSON; theo liên kết next để xem trang sau."),
                "featureCollectionGeoJSON",
                GEOJSON,
            ),
        ),
        "/collections/{collectionId}/items/{featureId}": _get(
            "getFeature",
            _("Một đối tượng"),
            [_ref("collectionId"), _ref("featureId")],
            _json_response(_("Một đối tượng GeoJSON."), "featureGeoJSON", GEOJSON),
        ),
    }
    responses = {
        "BadRequest": _json_response(_("Tham số không hợp lệ."), "exception"),
        "NotFound": _json_response(_("Không tìm thấy."), "exception"),
    }
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "Chủ nhật xanh – OGC API Features",
            "version": "1.0.0",
            "description": str(
                _(
                    "Dữ liệu công khai (không có thông tin cá nhân), toạ độ WGS84 "
                    "theo thứ tự kinh độ, vĩ độ."
                )
            ),
        },
        "servers": [{"url": root}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": parameters,
            "responses": responses,
        },
    }
