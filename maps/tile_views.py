"""Vector tiles and their TileJSON: /tiles/<layer>/<z>/<x>/<y>.mvt, /tiles/<layer>.json.

Plain Django views (no DRF: a tile is bytes from one query, and DRF's request
wrapping would be most of a cached tile's time). Errors in the API's one shape,
{"error": {"code", "message", "field"}}.

Caching: the ETag is the layer's data version (maps.models.LayerVersion, bumped
by database triggers on any write the layer shows; for the hexagons, a composite
of those versions, the campaign's window and the stored gap analysis) with the
tile address and the normalised filter; If-None-Match answers 304 before any
tile is built, and built tiles are kept in Django's cache under their ETag.
Public layers are `Cache-Control: public`; the heat is `private` (IOC and
organisers only).
"""

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, JsonResponse
from django.urls import reverse
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.access import HEATMAP_ROLES, has_any_role
from config.api import ApiError, query_choice, query_date
from config.errors import ClientError

from . import analysis, selectors, tiles
from .params import analysis_params

MVT = "application/vnd.mapbox-vector-tile"
CACHE_SECONDS = 3600  # a version-keyed tile never goes stale, only unused
# The public map's filter parameters (hotspots.filters.PublicMapFilter).
HOTSPOT_FILTERS = ("category", "status", "priority", "area", "since", "until")
HEAT_PARAMS = ("source", "since", "until")


@dataclass(frozen=True)
class Query:
    """A tile request's parameters: what builds the tile and what names it."""

    build: Callable[[tiles.Tile], bytes]
    params: list[tuple[str, str]] = field(default_factory=list)  # normalised
    # The data version, when the layer's own (selectors.layer_version) is not it.
    version: Callable[[], int | str] | None = None


def _error(exc: ClientError | ApiError) -> JsonResponse:
    if isinstance(exc, ApiError):
        code, message, status = exc.machine_code, str(exc.detail), exc.status_code
    else:
        code, message, status = exc.code, str(exc.message), exc.status
    body = {"error": {"code": code, "message": message, "field": exc.field}}
    return JsonResponse(body, status=status)


def _given(request, names) -> list[tuple[str, str]]:
    return sorted((n, request.GET[n]) for n in names if request.GET.get(n, "") != "")


def _hotspots(request) -> Query:
    params = _given(request, HOTSPOT_FILTERS)
    if not params:
        return Query(selectors.hotspot_tile)
    filters = selectors.public_map_filter(dict(params))
    filters.api_queryset()  # a bad value is a 400 naming it
    return Query(lambda tile: selectors.hotspot_tile(tile, filters), params)


def _heat(request) -> Query:
    params = _given(request, HEAT_PARAMS)
    source = query_choice(request.GET, "source", selectors.HEAT_SOURCES) or "hotspots"
    start = query_date(request.GET, "since")
    end = query_date(request.GET, "until")
    return Query(
        lambda tile: selectors.heat_tile(tile, source=source, start=start, end=end),
        params,
    )


def _hexagons(request) -> Query:
    # The hexagon page's and the analysis APIs' parser: a bad campaign or
    # resolution is a 400 naming it. The campaign is named by its slug in the
    # normalised parameters, so a TileJSON fetched for "the current campaign"
    # keeps its tiles on that campaign.
    params = analysis_params(request.GET)
    return Query(
        lambda tile: analysis.hexagon_tile(tile, params),
        [("campaign", params.campaign.slug), ("resolution", str(params.resolution))],
        version=lambda: analysis.hexagon_version(params),
    )


# The layers served and how a request becomes a tile builder.
LAYER_QUERIES: dict[str, Callable] = {
    tiles.HOTSPOTS: _hotspots,
    tiles.EVENTS: lambda request: Query(selectors.event_tile),
    tiles.AREAS: lambda request: Query(selectors.area_tile),
    tiles.HEAT: _heat,
    tiles.HEXAGONS: _hexagons,
}


def _layer(name: str) -> tiles.LayerSpec:
    if name not in LAYER_QUERIES:
        raise ClientError(
            "unknown_layer", _("Không có lớp bản đồ này."), field="layer", status=404
        )
    return tiles.LAYERS[name]


def _check_access(request, spec: tiles.LayerSpec) -> None:
    if spec.public:
        return
    if not request.user.is_authenticated:
        raise ClientError(
            "not_authenticated", _("Cần đăng nhập để xem lớp này."), status=401
        )
    if not has_any_role(request.user, HEATMAP_ROLES):
        raise ClientError(
            "permission_denied",
            _("Chỉ Trung tâm IOC và Ban Tổ chức xem được lớp này."),
            status=403,
        )


def _cache_control(response: HttpResponse, spec: tiles.LayerSpec) -> HttpResponse:
    scope = "public" if spec.public else "private"
    response["Cache-Control"] = f"{scope}, max-age={spec.max_age}"
    return response


def _etag(spec, version: int | str, tile: tiles.Tile, params) -> str:
    named = urlencode(params)
    if isinstance(version, str):
        # A composite version (several tables' versions, a stored analysis):
        # folded into the digest, so the ETag stays short and quotable.
        named, version = f"{named}|{version}", "c"
    digest = hashlib.blake2s(named.encode(), digest_size=6).hexdigest()
    return quote_etag(f"{spec.name}-{version}-{tile.z}-{tile.x}-{tile.y}-{digest}")


# Per process: layer -> (monotonic time it may be kept until, version).
_versions: dict[str, tuple[float, int]] = {}


def _layer_version(layer: str) -> int:
    """Return the layer's data version, read at most every TILE_VERSION_TTL_S.

    A cached tile then costs no database query. A write shows on the map up to
    that long later; a tile is still never cached under a version newer than
    its rows (the version is read before them).
    """
    ttl = settings.TILE_VERSION_TTL_S
    now = time.monotonic()
    kept = _versions.get(layer)
    if ttl > 0 and kept is not None and kept[0] > now:
        return kept[1]
    version = selectors.layer_version(layer)
    _versions[layer] = (now + ttl, version)
    return version


@require_http_methods(["GET", "HEAD"])
def tile(request, layer: str, z: str, x: str, y: str):
    """Serve one vector tile of a layer (see the module docstring for caching)."""
    try:
        spec = _layer(layer)
        address = tiles.tile_at(z, x, y)
        _check_access(request, spec)
        query = LAYER_QUERIES[layer](request)
    except (ClientError, ApiError) as exc:
        return _error(exc)
    # The version first, the rows after: a tile cached under a version never
    # holds rows older than that version.
    version = query.version() if query.version else _layer_version(layer)
    etag = _etag(spec, version, address, query.params)
    if etag in parse_etags(request.headers.get("If-None-Match", "")):
        response = HttpResponse(status=304)
    else:
        key = "tiles:" + etag
        data = cache.get(key)
        if data is None:
            data = query.build(address)
            cache.set(key, data, CACHE_SECONDS)
        response = HttpResponse(data, content_type=MVT)
    response["ETag"] = etag
    return _cache_control(response, spec)


@require_http_methods(["GET", "HEAD"])
def tilejson(request, layer: str):
    """Describe a layer as TileJSON 3.0.0; the filter parameters pass to its tiles."""
    try:
        spec = _layer(layer)
        _check_access(request, spec)
        query = LAYER_QUERIES[layer](request)
    except (ClientError, ApiError) as exc:
        return _error(exc)
    path = reverse("tiles:tile", args=[layer, 0, 0, 0]).removesuffix("/0/0/0.mvt")
    url = request.build_absolute_uri(path) + "/{z}/{x}/{y}.mvt"
    if query.params:
        url += "?" + urlencode(query.params)
    body = tiles.tilejson(spec, tiles_url=url, bounds=settings.SERVICE_ENVELOPE)
    response = JsonResponse(body, json_dumps_params={"ensure_ascii": False})
    return _cache_control(response, spec)
