"""OGC API – Features at /ogc/: thin JSON views over ogc.collections.

Plain Django views, not DRF: the documents are the OGC API's own (described by
/ogc/api, not by /api/schema/), errors are OGC exception documents, and a page
of features is text PostGIS wrote. Read-only and anonymous: GET and HEAD only,
the rows an anonymous visitor may see, whoever is signed in.
"""

import datetime as dt
import functools
import json

from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from config.api import ApiError
from config.errors import ClientError

from . import collections, openapi, params
from .errors import NOT_ALLOWED, NOT_FOUND, OgcError, response

JSON = "application/json"
GEOJSON = "application/geo+json"
SCHEMA_JSON = "application/schema+json"
OPENAPI_JSON = "application/vnd.oai.openapi+json;version=3.0"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]


def ogc_view(view):
    """GET/HEAD only, the client's language, `f` checked, errors as OGC JSON."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        # API clients ask with Accept-Language (a chosen language cookie wins),
        # as on /api/; pages stay Vietnamese-first (config.middleware).
        translation.activate(translation.get_language_from_request(request))
        request.LANGUAGE_CODE = translation.get_language()
        if request.method not in ("GET", "HEAD"):
            error = OgcError(_("Chỉ hỗ trợ GET và HEAD."), code=NOT_ALLOWED, status=405)
            answer = response(error)
            answer["Allow"] = "GET, HEAD"
            return answer
        try:
            params.reject_nul(request.GET)
            params.check_format(request.GET)
            return view(request, *args, **kwargs)
        except (ApiError, ClientError) as exc:
            return response(OgcError.from_client(exc))
        except OgcError as exc:
            return response(exc)

    return wrapped


def _json(body: dict, content_type: str = JSON) -> JsonResponse:
    return JsonResponse(
        body, content_type=content_type, json_dumps_params={"ensure_ascii": False}
    )


def _url(request, name: str, *args) -> str:
    return request.build_absolute_uri(reverse(f"ogc:{name}", args=args))


def _link(href: str, rel: str, type_: str, title) -> dict:
    return {"href": href, "rel": rel, "type": type_, "title": str(title)}


@ogc_view
def landing(request):
    params.refuse_unknown(request.GET, ("f",))
    return _json(
        {
            "title": _("Chủ nhật xanh – OGC API Features"),
            "description": _(
                "Dữ liệu công khai của nền tảng Chủ nhật xanh: điểm nóng ô nhiễm "
                "nhựa, sự kiện dọn dẹp, địa bàn và độ phủ chiến dịch. Toạ độ WGS84 "
                "(kinh độ, vĩ độ)."
            ),
            "links": [
                _link(_url(request, "landing"), "self", JSON, _("Trang này")),
                _link(
                    _url(request, "api"),
                    "service-desc",
                    OPENAPI_JSON,
                    _("Định nghĩa API (OpenAPI 3.0)"),
                ),
                _link(
                    _url(request, "api-docs"),
                    "service-doc",
                    "text/html",
                    _("Tài liệu API"),
                ),
                _link(
                    _url(request, "conformance"),
                    "conformance",
                    JSON,
                    _("Các lớp tuân thủ"),
                ),
                _link(_url(request, "collections"), "data", JSON, _("Các tập dữ liệu")),
            ],
        }
    )


@ogc_view
def conformance(request):
    params.refuse_unknown(request.GET, ("f",))
    return _json({"conformsTo": CONFORMANCE})


def _collection(request, collection, cache: dict) -> dict:
    cid = collection.id
    return {
        "id": cid,
        "title": str(collection.title),
        "description": str(collection.description),
        "itemType": "feature",
        "crs": [params.CRS84],
        "extent": collections.extent(collection, cache),
        "links": [
            _link(_url(request, "collection", cid), "self", JSON, collection.title),
            _link(
                _url(request, "items", cid),
                "items",
                GEOJSON,
                _("Các đối tượng (GeoJSON)"),
            ),
            _link(
                _url(request, "queryables", cid),
                "http://www.opengis.net/def/rel/ogc/1.0/queryables",
                SCHEMA_JSON,
                _("Các thuộc tính dùng để lọc"),
            ),
            *collections.tile_links(collection, request),
        ],
    }


@ogc_view
def collection_list(request):
    params.refuse_unknown(request.GET, ("f",))
    cache: dict = {}
    return _json(
        {
            "links": [
                _link(_url(request, "collections"), "self", JSON, _("Các tập dữ liệu"))
            ],
            "collections": [
                _collection(request, collection, cache)
                for collection in collections.catalog().values()
            ],
        }
    )


@ogc_view
def collection_detail(request, collection_id: str):
    params.refuse_unknown(request.GET, ("f",))
    collection = collections.get(collection_id)
    return _json(_collection(request, collection, {}))


@ogc_view
def queryables(request, collection_id: str):
    params.refuse_unknown(request.GET, ("f",))
    collection = collections.get(collection_id)
    body = collections.queryables(collection)
    body["$id"] = _url(request, "queryables", collection.id)
    return _json(body, SCHEMA_JSON)


def _time_stamp() -> str:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return now.isoformat().replace("+00:00", "Z")


@ogc_view
def items(request, collection_id: str):
    collection = collections.get(collection_id)
    params.refuse_unknown(request.GET, collection.parameters)
    size = params.limit(request.GET)
    page = collections.items(collection, request, size=size)
    links = [
        _link(request.build_absolute_uri(), "self", GEOJSON, _("Trang này")),
        _link(
            _url(request, "collection", collection.id),
            "collection",
            JSON,
            collection.title,
        ),
    ]
    if page.next_cursor is not None:
        query = request.GET.copy()
        query["cursor"] = page.next_cursor
        href = request.build_absolute_uri(f"{request.path}?{query.urlencode()}")
        links.append(_link(href, "next", GEOJSON, _("Trang sau")))
    head = {
        "type": "FeatureCollection",
        "timeStamp": _time_stamp(),
        "numberReturned": len(page.features),
    }
    if page.matched is not None:
        head["numberMatched"] = page.matched
    head["links"] = links
    text = json.dumps(head, ensure_ascii=False)
    body = f'{text[:-1]}, "features": [{",".join(page.features)}]}}'
    answer = HttpResponse(body.encode(), content_type=GEOJSON)
    if page.next_cursor is not None:
        answer["Link"] = f'<{links[-1]["href"]}>; rel="next"'
    return answer


def _feature_id(value: str) -> int | None:
    # Ids are bigints: 18 digits stay below 2**63 (a longer one would make
    # PostgreSQL raise "out of range", a 500).
    if not (value.isascii() and value.isdigit()) or len(value) > 18:
        return None
    return int(value)


@ogc_view
def item(request, collection_id: str, feature_id: str):
    collection = collections.get(collection_id)
    params.refuse_unknown(request.GET, ("f",))
    pk = _feature_id(feature_id)
    text = collections.item(collection, request, pk) if pk is not None else None
    if text is None:
        raise OgcError(
            _("Không có đối tượng “%(id)s” trong tập dữ liệu này.")
            % {"id": feature_id[:40]},
            code=NOT_FOUND,
            status=404,
        )
    feature = json.loads(text)
    feature["links"] = [
        _link(
            request.build_absolute_uri(request.path),
            "self",
            GEOJSON,
            _("Đối tượng này"),
        ),
        _link(
            _url(request, "collection", collection.id),
            "collection",
            JSON,
            collection.title,
        ),
    ]
    return _json(feature, GEOJSON)


@ogc_view
def api(request):
    params.refuse_unknown(request.GET, ("f",))
    return _json(openapi.document(request), OPENAPI_JSON)


@ogc_view
def not_found(request, rest: str = ""):
    raise OgcError(_("Không có tài nguyên này."), code=NOT_FOUND, status=404)
