"""The naive implementations each workload is compared with, run in-process on
the same rows as the HTTP measurement (Django set up on the same database).

Each returns a Baseline: its p50 (ms, over warm runs), and for the map pages
the bytes folium produces. They only read. A baseline that cannot run on this
code (a module renamed by a later change) says so instead of failing the run.
"""

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from .report import SIZE, TIME
from .stats import percentile


@dataclass(frozen=True)
class Baseline:
    kind: str  # bench.report.TIME or SIZE
    value: float  # p50 ms, or bytes
    label: str
    p50_ms: float | None = None
    n: int = 0


def timed(fn: Callable[[], object], *, budget_s: float, max_runs: int = 5):
    """Run `fn` once untimed (warm), then time it until `budget_s` (at least
    once); return (p50 ms, runs, the last result)."""
    result = fn()
    samples = []
    begin = time.perf_counter()
    while len(samples) < max_runs:
        start = time.perf_counter()
        result = fn()
        samples.append((time.perf_counter() - start) * 1000)
        if time.perf_counter() - begin > budget_s:
            break
    return percentile(samples, 50), len(samples), result


# --- the hotspot list: DRF-gis GeoFeatureModelSerializer -----------------------------


def drf_list(ctx, ids: list[int], *, budget_s: float) -> Baseline:
    """The pre-change list endpoint's work for the same rows: the public queryset
    (hotspots.selectors.hotspot_list, its prefetches) by id, serialized with
    HotspotFeatureSerializer and rendered to JSON bytes."""
    from django.contrib.auth.models import AnonymousUser
    from rest_framework.renderers import JSONRenderer
    from rest_framework.test import APIRequestFactory

    from hotspots import selectors
    from hotspots.serializers import HotspotFeatureSerializer

    request = APIRequestFactory().get(
        "/api/v1/hotspots/", HTTP_HOST=f"127.0.0.1:{ctx.port}"
    )

    def run() -> bytes:
        by_id = selectors.hotspot_list(user=AnonymousUser()).in_bulk(ids)
        rows = [by_id[pk] for pk in ids if pk in by_id]
        data = HotspotFeatureSerializer(
            rows, many=True, context={"request": request}
        ).data
        return JSONRenderer().render(data)

    p50, n, body = timed(run, budget_s=budget_s)
    label = f"DRF-gis, same {len(ids)} rows"
    return Baseline(TIME, p50, label, p50, n)


# --- map pages: folium ----------------------------------------------------------------

PUBLIC_MARKER_CAP = 1000  # the pre-tiles public map's cap (maps.public_map)


def _public_top(limit: int) -> list[tuple]:
    from django.db import connection

    from hotspots.models import PUBLIC_STATUSES, Hotspot

    table = connection.ops.quote_name(Hotspot._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, ST_X(location), ST_Y(location), category, score, priority, "
            f"status FROM {table} WHERE status = ANY(%s) "
            f"ORDER BY score DESC, created_at DESC, id LIMIT %s",
            [[str(s) for s in PUBLIC_STATUSES], limit],
        )
        return cursor.fetchall()


def _map_bytes(layer_of) -> int:
    from maps.assets import make_map, render_parts

    fmap = make_map()
    layer_of().add_to(fmap)
    parts = render_parts(fmap)
    return len((parts.header + parts.html + parts.script).encode())


def folium_markers(ctx, *, cluster: bool, budget_s: float) -> Baseline:
    """folium circle markers (maps.layers) for the top public hotspots, as the
    pre-tiles /maps/ (clustered) and /hotspots/ pages drew them: bytes of the map."""
    from maps.layers import HotspotMarker, hotspot_layer

    def run() -> int:
        markers = [
            HotspotMarker(
                lon=lon,
                lat=lat,
                category=category,
                score=score,
                priority=priority,
                lines=(f"#{pk} · {category}",),
                status=status,
            )
            for pk, lon, lat, category, score, priority, status in _public_top(
                PUBLIC_MARKER_CAP
            )
        ]
        # The clustered public layer went with the tiles; its markers were these
        # circle markers (clustering added a few KB of script), so both pages'
        # baselines are the same markers.
        return _map_bytes(lambda: hotspot_layer(markers))

    p50, n, size = timed(run, budget_s=budget_s)
    label = f"folium, {PUBLIC_MARKER_CAP:,} markers, {p50:,.0f} ms"
    return Baseline(SIZE, size, label, p50, n)


def folium_heatmap(ctx, *, budget_s: float) -> Baseline:
    """folium HeatMap (maps.layers.heat_layer) of every reported hotspot's point,
    weighted by its size class's kg: the heat layer without server-side cells."""
    from django.db import connection

    from hotspots.models import DISMISSED_STATUSES, Hotspot, SizeClass
    from maps.layers import heat_layer

    hotspots = connection.ops.quote_name(Hotspot._meta.db_table)
    sizes = connection.ops.quote_name(SizeClass._meta.db_table)

    def run() -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT ST_X(h.location), ST_Y(h.location), "
                f"(s.min_kg + s.max_kg) / 2.0 FROM {hotspots} h "
                f"JOIN {sizes} s ON s.id = h.size_class_id "
                f"WHERE NOT (h.status = ANY(%s))",
                [[str(s) for s in DISMISSED_STATUSES]],
            )
            points = [(x, y, float(kg)) for x, y, kg in cursor.fetchall()]
        return _map_bytes(lambda: heat_layer(points, name="heat"))

    p50, n, size = timed(run, budget_s=budget_s, max_runs=3)
    label = f"folium HeatMap, {ctx.counts['reported']:,} points, {p50:,.0f} ms"
    return Baseline(SIZE, size, label, p50, n)


# --- coverage: geopandas sjoin ------------------------------------------------------


def geopandas_sjoin(ctx, *, budget_s: float) -> Baseline:
    """The hotspot half of coverage the naive way: every counted hotspot read with
    geopandas.read_postgis, joined to the district outlines (sjoin, within) and
    counted per area (reported, verified, priority, cleaned)."""
    import geopandas as gpd
    from django.db import connection

    from geo.models import AdminArea
    from hotspots.models import DISMISSED_STATUSES, PUBLIC_STATUSES, Hotspot

    hotspots = connection.ops.quote_name(Hotspot._meta.db_table)
    areas = connection.ops.quote_name(AdminArea._meta.db_table)
    level = ctx.coverage_level
    connection.ensure_connection()
    raw = connection.connection

    def run():
        with warnings.catch_warnings():
            # pandas prefers SQLAlchemy; a DB-API connection reads the same rows.
            warnings.simplefilter("ignore", UserWarning)
            points = gpd.read_postgis(
                f"SELECT id, status, priority, location AS geom FROM {hotspots} "
                f"WHERE NOT (status = ANY(%(dismissed)s))",
                raw,
                geom_col="geom",
                params={"dismissed": [str(s) for s in DISMISSED_STATUSES]},
            )
            outlines = gpd.read_postgis(
                f"SELECT id AS area_id, name, geom FROM {areas} WHERE level = %(level)s",
                raw,
                geom_col="geom",
                params={"level": level},
            )
        joined = gpd.sjoin(points, outlines, predicate="within")
        joined["verified"] = joined["status"].isin([str(s) for s in PUBLIC_STATUSES])
        joined["cleaned"] = joined["status"] == "cleaned"
        return joined.groupby("area_id").agg(
            reported=("id", "size"),
            verified=("verified", "sum"),
            priority=("priority", "sum"),
            cleaned=("cleaned", "sum"),
        )

    p50, n, table = timed(run, budget_s=budget_s)
    label = f"geopandas sjoin, {len(table)} areas"
    return Baseline(TIME, p50, label, p50, n)


# --- the leaderboard: Python recomputation ----------------------------------------------


def python_standings(ctx, *, budget_s: float) -> Baseline:
    """The campaign's standings recomputed in Python from the raw rows
    (events.results.standings' inputs, scoring's pure functions), in-process."""
    from events.models import COLLECTIVE_KINDS, Campaign, Entrant
    from events.results import scoring
    from events.results.standings import event_inputs, weights_for

    campaign = Campaign.objects.get(slug=ctx.campaign)

    def run():
        weights = weights_for(campaign)
        inputs = event_inputs(campaign)
        groups = {"collective": [], "individual": []}
        for entrant in Entrant.objects.filter(campaign=campaign, status="approved"):
            group = "collective" if entrant.kind in COLLECTIVE_KINDS else "individual"
            groups[group].append(
                scoring.entrant_score(entrant.pk, inputs.get(entrant.pk, []), weights)
            )
        return {name: scoring.rank(scores) for name, scores in groups.items()}

    p50, n, _ranked = timed(run, budget_s=budget_s)
    label = f"Python standings, {ctx.counts['events']:,} events"
    return Baseline(TIME, p50, label, p50, n)


BASELINES = {
    "drf_list": drf_list,
    "folium_markers": lambda ctx, **kw: folium_markers(ctx, cluster=False, **kw),
    "folium_markers_cluster": lambda ctx, **kw: folium_markers(ctx, cluster=True, **kw),
    "folium_heatmap": folium_heatmap,
    "geopandas_sjoin": geopandas_sjoin,
    "python_standings": python_standings,
}
