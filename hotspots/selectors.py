"""Read paths for hotspots."""

import datetime as dt
import json
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.contrib.gis.geos import Point
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import BooleanField, Prefetch, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import timezone
from django.utils.formats import date_format

from geo.models import AdminArea

from . import scoring
from .models import (
    PUBLIC_STATUSES,
    Action,
    Category,
    Hotspot,
    HotspotHistory,
    SizeClass,
    Status,
)
from .querysets import public_photos_prefetch

# The list's order; hotspots_list_keyset_idx matches it (the API's pages).
LIST_ORDER = ("-score", "-created_at", "id")


def hotspot_list(*, user) -> QuerySet[Hotspot]:
    """Return the hotspots the user may see, highest score first.

    Filter them with hotspots.filters.HotspotFilter (the public parameters).
    """
    return _with_relations(Hotspot.objects.visible_to(user), user).order_by(*LIST_ORDER)


def hotspot_get_for_user(*, pk: int, user) -> Hotspot | None:
    """Return the hotspot if the user may see it, else None."""
    return (
        _with_relations(Hotspot.objects.visible_to(user), user)
        .select_related("duplicate_of")
        .filter(pk=pk)
        .first()
    )


def hotspot_visible(*, hotspot: Hotspot, user) -> bool:
    """Return whether the user may see the whole hotspot (querysets.visible_to)."""
    return Hotspot.objects.visible_to(user).filter(pk=hotspot.pk).exists()


def _with_relations(queryset: QuerySet[Hotspot], user) -> QuerySet[Hotspot]:
    """Fetch what the serializers show in a fixed number of queries (no N+1)."""
    from accounts.roles import Role, has_role

    # Areas without their boundaries: serializers need names, not polygons.
    areas = Prefetch("areas", queryset=AdminArea.objects.defer("geom"))
    staff = has_role(user, Role.ORGANISER)
    # Organisers see photos awaiting review (marked); everyone else only public ones.
    photos = "photos" if staff else public_photos_prefetch()
    queryset = queryset.select_related("size_class").prefetch_related(photos, areas)
    if staff:  # the staff view adds these
        queryset = queryset.select_related("reporter").prefetch_related(
            "reporter_contacts", "history__actor"
        )
    return queryset


NEARBY_LIMIT = 20


def hotspot_score_breakdown(hotspot: Hotspot) -> list[scoring.ScorePart]:
    from .services import score_input

    return scoring.breakdown(score_input(hotspot), settings.HOTSPOT_SCORE)


def size_classes() -> list[SizeClass]:
    return list(SizeClass.objects.order_by("order", "min_kg"))


def hotspot_open_get(pk: int) -> Hotspot | None:
    """Return an open hotspot by id (anyone may confirm an open hotspot)."""
    return Hotspot.objects.open().select_related("size_class").filter(pk=pk).first()


# --- the list API's pages: keyset pagination, features written by PostGIS ------------
#
# GET /api/v1/hotspots/ pages through `hotspot_list` in its order, (score desc,
# created_at desc, id), which the btree index hotspots_list_keyset_idx matches
# exactly: a page is an index range scan that stops after `size` matches, with no
# OFFSET and no COUNT. The public features are written as GeoJSON text by PostGIS
# (json_build_object, ST_AsGeoJSON) in the page's one query: the ORM and DRF-gis
# would build ~20 Python objects per feature (~1.7 ms each) to write the same text.


class ListKey(NamedTuple):
    """Where a row sits in the list order: the last row of a page."""

    score: float
    created_at: dt.datetime
    id: int


@dataclass(frozen=True)
class ListPage:
    ids: list[int]
    next_key: ListKey | None  # None on the last page


@dataclass(frozen=True)
class FeaturePage:
    features: list[str]  # one GeoJSON Feature (text) per row, in list order
    next_key: ListKey | None


@dataclass(frozen=True)
class FeatureUrls:
    """Absolute URL parts of a feature: detail page `detail[0] + id + detail[1]`,
    and the media root photo names are joined to (FileSystemStorage's URLs)."""

    detail: tuple[str, str]
    media: str


def _after(key: ListKey) -> tuple[RawSQL, Q]:
    """Return the conditions for the rows after `key` in the list order.

    (score, created_at) <= (s, c) is a row comparison, which PostgreSQL turns
    into one index range condition (the ORM cannot write one); the rows tied on
    both keep only the ids after the key's, as the order's last column is
    ascending.
    """
    table = connection.ops.quote_name(Hotspot._meta.db_table)
    rows_from = RawSQL(
        f"({table}.score, {table}.created_at) <= (%s, %s)",
        (key.score, key.created_at),
        output_field=BooleanField(),
    )
    tied_before = Q(score=key.score, created_at=key.created_at, id__lte=key.id)
    return rows_from, ~tied_before


# What a page's query reads: the sort key (the cursor), then the public feature's
# columns (its geometries come out as EWKB, as GeoDjango selects them).
KEY_COLUMNS = ("score", "created_at", "id")
FEATURE_COLUMNS = (
    *KEY_COLUMNS,
    "location",
    "outline",
    "category",
    "size_class_id",
    "description",
    "status",
    "priority",
    "confirmation_count",
    "recurrence_count",
    "accuracy_m",
    "location_source",
    "duplicate_of_id",
    "updated_at",
)


def _page_rows(
    queryset: QuerySet[Hotspot],
    after: ListKey | None,
    size: int,
    columns: tuple[str, ...] = KEY_COLUMNS,
):
    """Return the page's rows (`columns`, the sort key first): `size` + 1 of them
    (the one more says whether there is a next page)."""
    queryset = queryset.prefetch_related(None).order_by(*LIST_ORDER)
    if after is not None:
        queryset = queryset.filter(*_after(after))
    return queryset.values_list(*columns)[: size + 1]


def _fetch_serial(alias: str, sql: str, params) -> list[tuple]:
    """Return the query's rows, planned without parallel workers.

    A page stops after a few hundred index entries; on 2 cores starting the
    workers a parallel plan asks for took 20-45 ms of a 5 ms scan (1M rows).
    SET LOCAL and the query go as one statement string: PostgreSQL runs them in
    one implicit transaction, which the setting ends with (no round trip for
    BEGIN/COMMIT; inside an atomic block it lasts to the block's end).
    """
    with connections[alias].cursor() as cursor:
        cursor.execute(f"SET LOCAL max_parallel_workers_per_gather = 0; {sql}", params)
        return cursor.fetchall()


def _next_key(rows: list[tuple], size: int) -> ListKey | None:
    if len(rows) <= size:
        return None
    return ListKey(*rows[size - 1][-3:])  # the query's last three columns


def hotspot_list_page(
    queryset: QuerySet[Hotspot], *, after: ListKey | None, size: int
) -> ListPage:
    """Return one page of the (filtered) list's ids, in list order."""
    page = _page_rows(queryset, after, size)
    try:
        sql, params = page.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (queryset.none())
        return ListPage(ids=[], next_key=None)
    rows = _fetch_serial(page.db, sql, params)  # KEY_COLUMNS: score, created_at, id
    return ListPage(ids=[row[2] for row in rows[:size]], next_key=_next_key(rows, size))


def _iso(column: str) -> str:
    """Return SQL writing a timestamptz as DRF does (datetime.isoformat() in the
    current time zone, microseconds only when not zero, "Z" for UTC)."""
    local = f"({column} AT TIME ZONE consts.zone)"
    offset = f"extract(epoch FROM {local} - ({column} AT TIME ZONE 'UTC'))::int"
    return (
        f"to_char({local}, 'YYYY-MM-DD\"T\"HH24:MI:SS')"
        f" || CASE to_char({local}, 'US') WHEN '000000' THEN ''"
        f" ELSE '.' || to_char({local}, 'US') END"
        f" || CASE WHEN {offset} = 0 THEN 'Z'"
        f" ELSE CASE WHEN {offset} < 0 THEN '-' ELSE '+' END"
        f" || to_char(make_interval(secs => abs({offset})), 'HH24:MI') END"
    )


# The public feature (hotspots.serializers.HotspotFeatureSerializer's fields, in
# its order), plus the RFC 7946 feature id; outlines counter-clockwise
# (geo.geojson, RFC 7946 section 3.1.6). Areas largest first, as the
# serializer sorts them; photos in HotspotPhoto's order. The page's rows are read
# once (MATERIALIZED); areas and photos are gathered for the whole page in one
# join each (~20 % faster than a subquery per feature).
FEATURE_SQL = f"""
WITH consts AS (
    SELECT %s::jsonb AS category_labels, %s::jsonb AS status_labels,
        %s::text AS zone, %s::text AS media,
        %s::text AS detail_start, %s::text AS detail_end
),
page AS MATERIALIZED ({{page}}),
areas AS (
    SELECT ha.hotspot_id, json_agg(json_build_object(
        'id', a.id, 'name', a.name, 'code', a.code, 'level', a.level
    ) ORDER BY a.area_km2 DESC, a.id) AS list
    FROM hotspots_hotspot_areas AS ha
    JOIN geo_adminarea AS a ON a.id = ha.adminarea_id
    WHERE ha.hotspot_id IN (SELECT id FROM page)
    GROUP BY ha.hotspot_id
),
photos AS (
    SELECT p.hotspot_id, json_agg(json_build_object(
        'url', consts.media || p.image,
        'thumbnail_url', consts.media || p.thumbnail,
        'width', p.width,
        'height', p.height
    ) ORDER BY p.created_at, p.id) AS list
    FROM hotspots_hotspotphoto AS p, consts
    WHERE p.hotspot_id IN (SELECT id FROM page) AND NOT p.pending
    GROUP BY p.hotspot_id
)
SELECT json_build_object(
    'type', 'Feature',
    'id', h.id,
    'geometry', ST_AsGeoJSON(ST_GeomFromEWKB(h.location), 6)::json,
    'properties', json_build_object(
        'id', h.id,
        'category', h.category,
        'category_label', COALESCE(consts.category_labels ->> h.category, h.category),
        'size_class', s.key,
        'size_label', s.label,
        'estimated_kg_min', s.min_kg,
        'estimated_kg_max', s.max_kg,
        'description', h.description,
        'status', h.status,
        'status_label', COALESCE(consts.status_labels ->> h.status, h.status),
        'priority', h.priority,
        'score', h.score,
        'confirmation_count', h.confirmation_count,
        'recurrence_count', h.recurrence_count,
        'accuracy_m', h.accuracy_m,
        'location_source', h.location_source,
        'outline', ST_AsGeoJSON(
            ST_ForcePolygonCCW(ST_GeomFromEWKB(h.outline)), 6
        )::json,
        'areas', COALESCE(areas.list, '[]'::json),
        'photos', COALESCE(photos.list, '[]'::json),
        'duplicate_of', h.duplicate_of_id,
        'created_at', {_iso("h.created_at")},
        'updated_at', {_iso("h.updated_at")},
        'url', consts.detail_start || h.id || consts.detail_end
    )
)::text, h.score, h.created_at, h.id{{extra}}
FROM page AS h
CROSS JOIN consts
JOIN hotspots_sizeclass AS s ON s.id = h.size_class_id
LEFT JOIN areas ON areas.hotspot_id = h.id
LEFT JOIN photos ON photos.hotspot_id = h.id
ORDER BY {{order}}
"""
LIST_ORDER_SQL = "h.score DESC, h.created_at DESC, h.id"


def hotspot_feature_page(
    queryset: QuerySet[Hotspot],
    *,
    after: ListKey | None,
    size: int,
    urls: FeatureUrls,
) -> FeaturePage:
    """Return one page of the (filtered) list as public GeoJSON features, written
    by PostGIS in one query (labels in the active language)."""
    page = _page_rows(queryset, after, size, FEATURE_COLUMNS)
    rows = _feature_rows(page, urls, order=LIST_ORDER_SQL)
    return FeaturePage(
        features=[row[0] for row in rows[:size]], next_key=_next_key(rows, size)
    )


def _feature_rows(rows: QuerySet, urls: FeatureUrls, *, order: str, extra=""):
    """Return (feature JSON text, score, created_at, id[, extra]) for `rows` (a
    values_list of FEATURE_COLUMNS[, extra]), written by PostGIS in one query."""
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (queryset.none())
        return []
    labels = [
        json.dumps({value: str(label) for value, label in choices.choices})
        for choices in (Category, Status)
    ]
    zone = timezone.get_current_timezone_name()
    outer = [*labels, zone, urls.media, *urls.detail]
    # The rows' SQL and parameters come from the ORM; only their query's text
    # is placed in the statement, every value stays a bound parameter.
    statement = FEATURE_SQL.format(page=sql, order=order, extra=extra)
    return _fetch_serial(rows.db, statement, [*outer, *params])


def hotspot_feature(pk: int, urls: FeatureUrls) -> dict | None:
    """Return one hotspot as the public feature (the feature serializer's fields
    and the RFC 7946 id, written by PostGIS), whatever its status: for the
    reporter's own answer."""
    rows = Hotspot.objects.filter(pk=pk).values_list(*FEATURE_COLUMNS)
    found = _feature_rows(rows, urls, order=LIST_ORDER_SQL)
    if not found:
        return None
    return json.loads(found[0][0])


def redact_unmoderated(feature: dict) -> dict:
    """Blank the description and photos of a feature that is not public (issue
    13: no moderation bypass); the point, category and size stay, so a second
    resident can recognise and confirm the report."""
    properties = feature["properties"]
    if properties["status"] not in PUBLIC_STATUSES:
        properties["description"] = ""
        properties["photos"] = []
    return feature


def hotspot_nearby_features(
    *,
    point: Point,
    radius_m: float,
    urls: FeatureUrls,
    exclude: int | None = None,
    limit: int = NEARBY_LIMIT,
) -> list[dict]:
    """Return open hotspots near the point as public features, nearest first (at
    most `limit`, each with `distance_m`), as the feature serializer shows them,
    written by PostGIS in one query.

    Includes hotspots not yet verified: the point is to let a second resident
    confirm a fresh report instead of filing a duplicate. Their description and
    photos are the reporter's, unmoderated: blank until an organiser verifies
    them (redact_unmoderated).
    """
    queryset = Hotspot.objects.open()
    if exclude is not None:
        queryset = queryset.exclude(pk=exclude)
    rows = queryset.near(point, radius_m).values_list(*FEATURE_COLUMNS, "distance")
    features = []
    for row in _feature_rows(
        rows[:limit], urls, order="h.distance, h.id", extra=", h.distance"
    ):
        feature = redact_unmoderated(json.loads(row[0]))
        feature["properties"]["distance_m"] = round(row[4], 1)
        features.append(feature)
    return features


# --- "my reports": a reporter's own reports and what became of them ------------------
#
# A signed-in resident's reports are read by reporter_id (the foreign key's btree
# index, hotspots_hotspot_reporter_id_*: no scan of the table), newest first; an
# anonymous reporter's come from the follow links kept on their device, each
# asking `follow_summary` by its token. Both show the same public-safe summary:
# status, category, dates and the lifecycle lines below; never the position, the
# description, photos, contact or who acted.

# The history lines a reporter is told about (not confirmations, corrections or
# priority: those may carry staff notes or the corrected position).
TIMELINE_ACTIONS = (
    Action.REPORT,
    Action.VERIFY,
    Action.MERGE,
    Action.CLEAN,
    Action.UNCLEAN,
    Action.REJECT,
    Action.REOPEN,
)
MY_REPORTS_PAGE_SIZE = 20
MY_CONFIRMED_LIMIT = 20
DATE_FORMAT = "d/m/Y H:i"  # 24-hour, in settings.TIME_ZONE (Asia/Ho_Chi_Minh)


def _timeline() -> Prefetch:
    return Prefetch(
        "history",
        queryset=HotspotHistory.objects.filter(action__in=TIMELINE_ACTIONS).order_by(
            "at", "id"
        ),
        to_attr="timeline",
    )


def hotspot_reports_of(user) -> QuerySet[Hotspot]:
    """Return the user's own reports, newest first, with their lifecycle lines."""
    return (
        Hotspot.objects.filter(reporter_id=user.pk)
        .select_related("duplicate_of")
        .prefetch_related(_timeline())
        .order_by("-created_at", "-id")
    )


def hotspot_confirmed_by(user, *, limit: int = MY_CONFIRMED_LIMIT) -> list[Hotspot]:
    """Return the latest reports of others the user confirmed (status only)."""
    return list(
        Hotspot.objects.filter(confirmations__user_id=user.pk)
        .exclude(reporter_id=user.pk)
        .order_by("-created_at", "-id")[:limit]
    )


def hotspot_get_by_follow_token(token) -> Hotspot | None:
    """Return the report behind a follow link, with its lifecycle lines."""
    return (
        Hotspot.objects.select_related("duplicate_of")
        .prefetch_related(_timeline())
        .filter(follow_token=token)
        .first()
    )


def _when(value: dt.datetime) -> str:
    return date_format(timezone.localtime(value), DATE_FORMAT)


def follow_summary(hotspot: Hotspot) -> dict:
    """Return what its reporter may be told of a report, as plain data.

    Needs the report from `hotspot_reports_of`/`hotspot_get_by_follow_token`
    (the `timeline` and `duplicate_of` they fetch). A merge names the report it
    went into only when that one is public; a rejection's reason is the one the
    follow page shows its reporter.
    """
    into = hotspot.duplicate_of
    into_public = into is not None and into.is_public
    lines = []
    for line in hotspot.timeline:
        entry = {
            "action": line.action,
            "label": str(line.get_action_display()),
            "status_label": str(line.to_status_label),
            "at": line.at.isoformat(),
            "at_display": _when(line.at),
        }
        if line.action == Action.REJECT and line.reason:
            entry["reason"] = line.reason
        if line.action == Action.MERGE and into_public:
            entry["into"] = into.pk
            entry["into_url"] = into.get_absolute_url()
        lines.append(entry)
    return {
        "status": hotspot.status,
        "status_label": str(hotspot.get_status_display()),
        "category": hotspot.category,
        "category_label": str(hotspot.get_category_display()),
        "created_at": hotspot.created_at.isoformat(),
        "created_display": _when(hotspot.created_at),
        "public_url": hotspot.get_absolute_url() if hotspot.is_public else None,
        "history": lines,
    }
