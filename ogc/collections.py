"""The collections of /ogc/: what each one is, its queryables, items and extent.

Four kinds, all public and read through the apps' public read paths:

- `hotspots`: exactly the public hotspot list of GET /api/v1/hotspots/ for an
  anonymous client (hotspots.selectors.hotspot_list + HotspotFilter), its
  features written by PostGIS (hotspots.selectors.hotspot_feature_page) and
  paged with the list's signed keyset cursor: a page deep in a box is an index
  range scan, never an OFFSET, and nothing counts every hotspot (numberMatched
  only when the rollups answer it: no bbox and no datetime).
- `events`: the public cleanup events of GET /api/v1/events/
  (events.cleanups.selectors.event_list, EventFeatureSerializer), keyset-paged
  on (started_at, id).
- `areas-<level>`: the administrative areas of one level (geo's public fields).
- `coverage-<campaign>-<level>`: the campaign's coverage numbers per area
  (maps.selectors.area_metrics, the numbers of /api/v1/coverage/).

Whoever asks, the rows are those an anonymous visitor may see: a signed-in
organiser's session never widens them.
"""

import datetime as dt
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.gis.geos import GEOSGeometry
from django.core import signing
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework.utils.encoders import JSONEncoder

from config.api import query_choice, query_int
from events.campaigns.selectors import campaign_by_slug, campaign_list
from events.cleanups.serializers import EventFeatureSerializer
from events.models import Campaign
from geo.geojson import geometry
from geo.selectors import area_levels
from hotspots import pagination as hotspot_pagination
from hotspots.apis import feature_urls
from hotspots.filters import HotspotFilter
from hotspots.models import PUBLIC_STATUSES, Category
from hotspots.selectors import hotspot_feature_page, hotspot_list
from maps.coverage import row_properties
from maps.selectors import (
    area_metrics,
    area_outlines_geojson,
    public_hotspot_total,
    public_map_filter,
)

from . import params, selectors
from .errors import OgcError

HOTSPOTS = "hotspots"
EVENTS = "events"
AREAS = "areas"
COVERAGE = "coverage"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
CURSOR = signing.Signer(salt="ogc.items.cursor")
ID = re.compile(r"[A-Za-z0-9_-]{1,200}")
# hotspots.filters.HotspotFilter's parameters that are queryables here.
HOTSPOT_FILTERS = ("category", "status", "priority", "area")
PUBLIC_STATUS_VALUES = [str(status) for status in PUBLIC_STATUSES]


@dataclass(frozen=True)
class Collection:
    id: str
    kind: str
    title: str
    description: str
    level: str | None = None
    campaign: Campaign | None = None
    # The tile layer (maps.tiles) showing the same data, and its parameters.
    tiles: tuple[str, dict] | None = None
    filters: tuple[str, ...] = field(default=())
    temporal: bool = False  # whether `datetime` filters it

    @property
    def parameters(self) -> tuple[str, ...]:
        """Every query parameter its items accept."""
        names = [n for n in params.ITEMS_PARAMETERS if n != "datetime" or self.temporal]
        return (*names, *self.filters)


@dataclass(frozen=True)
class Items:
    features: list[str]  # GeoJSON Feature text, in the collection's order
    next_cursor: str | None  # None on the last page
    matched: int | None = None  # numberMatched, when it is cheap


def _hotspots() -> Collection:
    return Collection(
        HOTSPOTS,
        HOTSPOTS,
        _("Điểm nóng ô nhiễm nhựa"),
        _(
            "Các điểm ô nhiễm do người dân báo cáo đã được xác minh (đã xác "
            "minh, đã dọn, tái xuất hiện). Không có thông tin cá nhân."
        ),
        tiles=("hotspots", {}),
        filters=HOTSPOT_FILTERS,
        temporal=True,
    )


def _events() -> Collection:
    return Collection(
        EVENTS,
        EVENTS,
        _("Sự kiện dọn dẹp"),
        _(
            "Các buổi dọn dẹp của đội thi; tên đội chỉ khi đội đồng ý công "
            "bố. Không có thông tin cá nhân."
        ),
        tiles=("events", {}),
        filters=("campaign", "area"),
        temporal=True,
    )


def _areas(level: str) -> Collection:
    return Collection(
        f"{AREAS}-{level}",
        AREAS,
        _("Địa bàn hành chính cấp %(level)s") % {"level": level},
        _("Ranh giới các đơn vị hành chính cấp %(level)s.") % {"level": level},
        level=level,
        tiles=("areas", {}),
        filters=("code", "parent"),
    )


def _coverage(campaign: Campaign, level: str) -> Collection:
    return Collection(
        f"{COVERAGE}-{campaign.slug}-{level}",
        COVERAGE,
        _("Độ phủ %(campaign)s theo địa bàn cấp %(level)s")
        % {"campaign": campaign.name, "level": level},
        _(
            "Số điểm nóng, số sự kiện, khối lượng đã xác minh và số "
            "đội tham gia của chiến dịch, theo từng địa bàn."
        ),
        level=level,
        campaign=campaign,
        tiles=("hexagons", {"campaign": campaign.slug}),
    )


def catalog() -> dict[str, Collection]:
    """Return the collections, by id (two small queries: levels, campaigns)."""
    levels = area_levels()
    found = [_hotspots(), _events(), *(_areas(level) for level in levels)]
    for campaign in campaign_list():
        found += [_coverage(campaign, level) for level in levels]
    return {collection.id: collection for collection in found}


def get(collection_id: str) -> Collection:
    """Return the collection with this id, or raise a 404 (without building
    the whole catalog: an items page of hotspots or events costs no query)."""
    found = None
    if not ID.fullmatch(collection_id):  # slugs and levels: ASCII, no NUL
        pass
    elif collection_id == HOTSPOTS:
        found = _hotspots()
    elif collection_id == EVENTS:
        found = _events()
    elif collection_id.startswith(f"{AREAS}-"):
        level = collection_id.removeprefix(f"{AREAS}-")
        if level in area_levels():
            found = _areas(level)
    elif collection_id.startswith(f"{COVERAGE}-"):
        rest = collection_id.removeprefix(f"{COVERAGE}-")
        for level in area_levels():
            slug = rest.removesuffix(f"-{level}")
            if slug != rest and (campaign := campaign_by_slug(slug)) is not None:
                found = _coverage(campaign, level)
                break
    if found is None:
        raise OgcError(
            _("Không có tập dữ liệu “%(id)s”.") % {"id": collection_id[:80]},
            code="NotFound",
            status=404,
        )
    return found


# --- queryables (JSON Schema) -------------------------------------------------------


def queryables(collection: Collection) -> dict:
    """Return the properties a client may filter on, as JSON Schema members."""
    geometry_type = {
        HOTSPOTS: "Point",
        EVENTS: "Point",
    }.get(collection.kind, "MultiPolygon")
    members: dict[str, dict] = {
        "geometry": {
            "title": _("Hình học (lọc bằng bbox)"),
            "format": f"geometry-{geometry_type.lower()}",
            "x-ogc-role": "primary-geometry",
        }
    }
    if collection.kind == HOTSPOTS:
        members.update(
            created_at=_instant(_("Thời điểm báo cáo (lọc bằng datetime)")),
            category={
                "title": _("Loại"),
                "type": "string",
                "enum": list(Category.values),
            },
            status={
                "title": _("Trạng thái"),
                "type": "string",
                "enum": PUBLIC_STATUS_VALUES,
            },
            priority={"title": _("Ưu tiên"), "type": "boolean"},
            area={
                "title": _("Mã số (id) địa bàn chứa điểm"),
                "type": "integer",
                "minimum": 0,
            },
        )
    elif collection.kind == EVENTS:
        members.update(
            started_at=_instant(_("Thời điểm bắt đầu (lọc bằng datetime)")),
            campaign={
                "title": _("Chiến dịch (mã)"),
                "type": "string",
                "enum": [c.slug for c in campaign_list()],
            },
            area={
                "title": _("Mã số (id) địa bàn chứa sự kiện"),
                "type": "integer",
                "minimum": 0,
            },
        )
    elif collection.kind == AREAS:
        members.update(
            code={"title": _("Mã đơn vị hành chính"), "type": "string"},
            parent={
                "title": _("Mã số (id) đơn vị cấp trên"),
                "type": "integer",
                "minimum": 0,
            },
        )
    return {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "type": "object",
        "title": collection.title,
        "properties": members,
        "additionalProperties": False,
    }


def _instant(title) -> dict:
    return {
        "title": title,
        "type": "string",
        "format": "date-time",
        "x-ogc-role": "primary-instant",
    }


# --- extents ------------------------------------------------------------------------


def _rfc3339(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def _day(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=timezone.get_default_timezone())


def extent(collection: Collection, cache: dict) -> dict:
    """Return the collection's spatial (CRS84) and temporal extent.

    `cache` holds what several collections share (a level's box) for one
    response.
    """
    if collection.kind in (HOTSPOTS, EVENTS):
        box = list(settings.SERVICE_ENVELOPE)  # the service area bounds every point
    else:
        key = ("box", collection.level)
        if key not in cache:
            cache[key] = selectors.area_extent(collection.level)
        box = cache[key]
    found: dict = {}
    if box:
        found["spatial"] = {"bbox": [box], "crs": params.CRS84}
    interval = None
    if collection.kind == HOTSPOTS:
        interval = selectors.hotspot_time_extent()
    elif collection.kind == EVENTS:
        interval = selectors.event_time_extent()
    elif collection.kind == COVERAGE:
        campaign = collection.campaign
        end = _day(campaign.activity_end + dt.timedelta(days=1))
        interval = (_day(campaign.activity_start), end - dt.timedelta(seconds=1))
    if interval and any(interval):
        found["temporal"] = {
            "interval": [[_rfc3339(interval[0]), _rfc3339(interval[1])]],
            "trs": GREGORIAN,
        }
    return found


# --- items --------------------------------------------------------------------------


def _sign(collection: Collection, key: list) -> str:
    return CURSOR.sign_object([collection.id, *key])


def _unsign(collection: Collection, query) -> list | None:
    value = query.get("cursor")
    if value in (None, ""):
        return None
    try:
        found = CURSOR.unsign_object(value)
    except (signing.BadSignature, ValueError, TypeError):
        found = None
    if not isinstance(found, list) or not found or found[0] != collection.id:
        raise OgcError(
            _("cursor không hợp lệ: hãy dùng liên kết next của trang trước.")
        )
    return found[1:]


def _dumps(data: dict) -> str:
    return json.dumps(data, cls=JSONEncoder, ensure_ascii=False)


def items(collection: Collection, request, *, size: int) -> Items:
    """Return one page of the collection's items for the request's parameters."""
    query = request.GET
    box = params.bbox(query)
    interval = params.datetime(query) if collection.temporal else None
    return ITEMS[collection.kind](collection, request, query, box, interval, size)


def item(collection: Collection, request, pk: int) -> str | None:
    """Return one public item as GeoJSON text, or None (absent or not public)."""
    return ITEM[collection.kind](collection, request, pk)


def _hotspot_queryset(query):
    given = {n: query[n] for n in HOTSPOT_FILTERS if query.get(n, "") != ""}
    # The queryables' enum: a status no anonymous visitor sees is a 400, not
    # an empty page that looks like "none there".
    params.client_errors(query_choice, query, "status", PUBLIC_STATUS_VALUES)
    filters = HotspotFilter(given, queryset=hotspot_list(user=AnonymousUser()))
    return filters, params.client_errors(filters.api_queryset), given


def _hotspot_items(collection, request, query, box, interval, size) -> Items:
    after = params.client_errors(hotspot_pagination.cursor_param, query)
    # The box by ST_Intersects, not `&&` as the REST list's in_bbox: `&&`
    # compares float4-rounded boxes, so it also keeps points up to ~1e-5°
    # (~1 m) outside, which GDAL then drops on its side (at 1M hotspots, 12 of
    # 1,406 in a 500 m box). ST_Intersects' support function gives the planner
    # the same row estimate as `&&` (measured: the same plans, the list's
    # index walked for a city box, the GiST index for a small one).
    filters, queryset, given = _hotspot_queryset(query)
    if box is params.OUTSIDE:
        queryset = queryset.none()
    elif box is not None:
        queryset = queryset.filter(location__intersects=box)
    queryset = params.filter_datetime(queryset, "created_at", interval)
    page = hotspot_feature_page(
        queryset, after=after, size=size, urls=feature_urls(request)
    )
    matched = None
    if box is None and interval is None:
        # From the rollups (maps.selectors.public_hotspot_total), when they
        # answer exactly this filter; never a count over the hotspots.
        rollup_filter = public_map_filter(given)
        if set(rollup_filter.active()) == set(given):
            matched = public_hotspot_total(rollup_filter)
    cursor = None
    if page.next_key is not None:
        cursor = hotspot_pagination.cursor_for(page.next_key)
    return Items(page.features, cursor, matched)


def _hotspot_item(collection, request, pk: int) -> str | None:
    queryset = hotspot_list(user=AnonymousUser()).filter(pk=pk)
    page = hotspot_feature_page(
        queryset, after=None, size=1, urls=feature_urls(request)
    )
    return page.features[0] if page.features else None


def _event_features(request, events) -> list[str]:
    data = EventFeatureSerializer(events, many=True, context={"request": request}).data
    return [
        _dumps({"type": "Feature", "id": feature["properties"]["id"], **feature})
        for feature in data["features"]
    ]


def _event_items(collection, request, query, box, interval, size) -> Items:
    key = _unsign(collection, query)
    try:
        after = (
            selectors.EventKey(dt.datetime.fromisoformat(key[0]), int(key[1]))
            if key
            else None
        )
    except (TypeError, ValueError, IndexError):
        raise OgcError(
            _("cursor không hợp lệ: hãy dùng liên kết next của trang trước.")
        ) from None
    slugs = [campaign.slug for campaign in campaign_list()]
    campaign = params.client_errors(query_choice, query, "campaign", slugs)
    area = params.client_errors(query_int, query, "area")
    queryset = selectors.events(
        campaign=campaign, area=area, box=None if box is params.OUTSIDE else box
    )
    if box is params.OUTSIDE:
        queryset = queryset.none()
    queryset = params.filter_datetime(queryset, "started_at", interval)
    rows, last = selectors.event_page(queryset, after=after, size=size)
    cursor = _sign(collection, [last.started_at.isoformat(), last.id]) if last else None
    return Items(
        _event_features(request, rows), cursor, selectors.event_count(queryset)
    )


def _event_item(collection, request, pk: int) -> str | None:
    rows = list(selectors.events(campaign=None, area=None, ids=[pk]))
    return _event_features(request, rows)[0] if rows else None


def _area_filters(query) -> dict:
    code = query.get("code") or None
    if code is not None and len(code) > 40:
        raise OgcError(_("code quá dài."))
    return {"code": code, "parent": params.client_errors(query_int, query, "parent")}


def _area_items(collection, request, query, box, interval, size) -> Items:
    key = _unsign(collection, query)
    after = _int_key(key)
    filters = _area_filters(query)
    if box is params.OUTSIDE:
        return Items([], None, 0)
    rows = selectors.area_features(
        level=collection.level, after=after, size=size + 1, box=box, **filters
    )
    cursor = _sign(collection, [rows[size - 1]["id"]]) if len(rows) > size else None
    matched = selectors.area_count(level=collection.level, box=box, **filters)
    return Items([_dumps(row) for row in rows[:size]], cursor, matched)


def _area_item(collection, request, pk: int) -> str | None:
    rows = selectors.area_features(level=collection.level, pk=pk)
    return _dumps(rows[0]) if rows else None


def _int_key(key: list | None) -> int | None:
    if not key:
        return None
    if len(key) != 1 or not isinstance(key[0], int):
        raise OgcError(
            _("cursor không hợp lệ: hãy dùng liên kết next của trang trước.")
        )
    return key[0]


def _coverage_rows(collection, box) -> list:
    rows = area_metrics(campaign=collection.campaign, level=collection.level)
    if box is not None:
        inside = selectors.area_ids(level=collection.level, box=box)
        rows = [row for row in rows if row.area_id in inside]
    return sorted(rows, key=lambda row: row.area_id)


def _coverage_features(collection, rows) -> list[str]:
    outlines = area_outlines_geojson(level=collection.level)
    features = []
    for row in rows:
        outline = outlines.get(row.area_id)
        # The simplified outline, oriented and rounded by the one RFC 7946 rule.
        shape = geometry(GEOSGeometry(json.dumps(outline))) if outline else None
        features.append(
            _dumps(
                {
                    "type": "Feature",
                    "id": row.area_id,
                    "geometry": shape,
                    "properties": row_properties(row),
                }
            )
        )
    return features


def _coverage_items(collection, request, query, box, interval, size) -> Items:
    after = _int_key(_unsign(collection, query))
    if box is params.OUTSIDE:
        return Items([], None, 0)
    rows = _coverage_rows(collection, box)
    matched = len(rows)
    if after is not None:
        rows = [row for row in rows if row.area_id > after]
    cursor = _sign(collection, [rows[size - 1].area_id]) if len(rows) > size else None
    return Items(_coverage_features(collection, rows[:size]), cursor, matched)


def _coverage_item(collection, request, pk: int) -> str | None:
    rows = [row for row in _coverage_rows(collection, None) if row.area_id == pk]
    return _coverage_features(collection, rows)[0] if rows else None


ITEMS: dict[str, Callable] = {
    HOTSPOTS: _hotspot_items,
    EVENTS: _event_items,
    AREAS: _area_items,
    COVERAGE: _coverage_items,
}
ITEM: dict[str, Callable] = {
    HOTSPOTS: _hotspot_item,
    EVENTS: _event_item,
    AREAS: _area_item,
    COVERAGE: _coverage_item,
}


def tile_links(collection: Collection, request) -> list[dict]:
    """Return links to the vector tiles (TileJSON 3.0.0 and the MVT template)
    of the /tiles/ layer that shows the collection's data."""
    if collection.tiles is None:
        return []
    layer, extra = collection.tiles
    query = f"?{urlencode(extra)}" if extra else ""
    tilejson = request.build_absolute_uri(reverse("tiles:tilejson", args=[layer]))
    template = request.build_absolute_uri(
        reverse("tiles:tile", args=[layer, 0, 0, 0]).removesuffix("/0/0/0.mvt")
    )
    return [
        {
            "rel": "alternate",
            "type": "application/json",
            "title": _("TileJSON 3.0.0 của lớp bản đồ vector “%(layer)s”")
            % {"layer": layer},
            "href": tilejson + query,
        },
        {
            "rel": "alternate",
            "type": "application/vnd.mapbox-vector-tile",
            "title": _("Ô bản đồ vector (MVT, Web Mercator) “%(layer)s”")
            % {"layer": layer},
            "href": template + "/{z}/{x}/{y}.mvt" + query,
            "templated": True,
        },
    ]
