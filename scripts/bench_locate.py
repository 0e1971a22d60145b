"""Benchmark point -> area on large, detailed polygons: subdivided parts vs whole boundaries.

Builds detailed copies of the demo districts (each edge densified and jittered to
about VERTICES vertices per area), then times `areas_containing` for random points
inside the province, and the same query on the undivided geometries. Everything
runs in a transaction that is rolled back: the database is left as it was.

    .venv/bin/python scripts/bench_locate.py [--vertices 20000] [--points 2000]
"""

import argparse
import os
import platform
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")

import django  # noqa: E402

django.setup()

from django.contrib.gis.geos import MultiPolygon, Point  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from geo.models import AdminArea  # noqa: E402
from geo.selectors import areas_containing  # noqa: E402
from geo.services import area_refresh_derived, area_upsert  # noqa: E402
from geo.spatial import WGS84  # noqa: E402


class Rollback(Exception):
    pass


def detailed(geom: MultiPolygon, vertices: int) -> MultiPolygon:
    """Densify the shape's rings to about `vertices` vertices (no jitter: stays valid)."""
    ring = geom[0].exterior_ring
    perimeter = ring.length
    step = perimeter / vertices
    dense = geom.clone()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT ST_AsText(ST_Segmentize(ST_GeomFromText(%s), %s))",
            [dense.wkt, step],
        )
        wkt = cursor.fetchone()[0]
    from django.contrib.gis.geos import GEOSGeometry

    out = GEOSGeometry(wkt, srid=WGS84)
    return out if isinstance(out, MultiPolygon) else MultiPolygon(out)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vertices", type=int, default=20000)
    parser.add_argument("--points", type=int, default=2000)
    args = parser.parse_args()
    source = list(AdminArea.objects.filter(level="district"))
    if not source:
        sys.exit("Load the demo areas first (make run, or manage.py load_demo).")
    rng = random.Random(42)
    try:
        with transaction.atomic():
            ids = []
            for area in source:
                big, _ = area_upsert(
                    name=f"bench {area.name}",
                    level="bench",
                    code=f"b{area.code}",
                    geom=detailed(area.geom, args.vertices),
                )
                ids.append(big.id)
            area_refresh_derived(ids)
            total_vertices = sum(
                a.geom.num_points for a in AdminArea.objects.filter(id__in=ids)
            )
            parts = (
                AdminArea.objects.filter(id__in=ids)
                .values_list("parts", flat=True)
                .count()
            )
            xmin, ymin, xmax, ymax = AdminArea.objects.get(level="province").geom.extent
            points = [
                Point(rng.uniform(xmin, xmax), rng.uniform(ymin, ymax), srid=WGS84)
                for _ in range(args.points)
            ]
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE geo_adminarea; ANALYZE geo_adminareapart")

            def timed(fn):
                samples = []
                for p in points:
                    t0 = time.perf_counter()
                    fn(p)
                    samples.append((time.perf_counter() - t0) * 1000)
                return statistics.median(samples), sorted(samples)[
                    int(len(samples) * 0.95)
                ]

            sub_med, sub_p95 = timed(areas_containing)
            whole_med, whole_p95 = timed(
                lambda p: list(
                    AdminArea.objects.filter(geom__intersects=p).order_by("-area_km2")
                )
            )
            sql_parts = (
                "SELECT DISTINCT a.id FROM geo_adminarea a JOIN geo_adminareapart p "
                "ON p.area_id = a.id WHERE ST_Intersects(p.geom, ST_GeomFromEWKB(%s))"
            )
            sql_whole = "SELECT id FROM geo_adminarea WHERE ST_Intersects(geom, ST_GeomFromEWKB(%s))"

            def raw(sql):
                def run(p):
                    with connection.cursor() as cursor:
                        cursor.execute(sql, [bytes(p.ewkb)])
                        cursor.fetchall()

                return run

            raw_sub_med, raw_sub_p95 = timed(raw(sql_parts))
            raw_whole_med, raw_whole_p95 = timed(raw(sql_whole))
            # Bulk: assign many points to areas in one spatial join (coverage, exports).
            bulk = args.points * 100
            with connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TEMP TABLE bench_pts AS SELECT ST_SetSRID(ST_MakePoint("
                    "%s + random() * %s, %s + random() * %s), 4326) AS geom "
                    "FROM generate_series(1, %s)",
                    [xmin, xmax - xmin, ymin, ymax - ymin, bulk],
                )
                cursor.execute("CREATE INDEX ON bench_pts USING gist (geom)")
                cursor.execute("ANALYZE bench_pts")
                join = {
                    "subdivided parts": "SELECT p.area_id, count(*) FROM bench_pts t "
                    "JOIN geo_adminareapart p ON ST_Intersects(p.geom, t.geom) "
                    "WHERE p.area_id = ANY(%s) GROUP BY p.area_id",
                    "whole boundaries": "SELECT a.id, count(*) FROM bench_pts t "
                    "JOIN geo_adminarea a ON ST_Intersects(a.geom, t.geom) "
                    "WHERE a.id = ANY(%s) GROUP BY a.id",
                }
                join_times = {}
                for name, sql in join.items():
                    t0 = time.perf_counter()
                    cursor.execute(sql, [ids])
                    cursor.fetchall()
                    join_times[name] = time.perf_counter() - t0
            print(
                f"machine: {platform.machine()}, {os.cpu_count()} cores, {platform.python_version()}"
            )
            print(
                f"data: {len(ids)} areas, {total_vertices} vertices, {parts} subdivided parts; "
                f"{len(points)} random points in the province's extent"
            )
            print(
                f"areas_containing (subdivided parts): median {sub_med:.3f} ms, p95 {sub_p95:.3f} ms"
            )
            print(
                f"same query on whole boundaries:      median {whole_med:.3f} ms, p95 {whole_p95:.3f} ms"
            )
            print(
                f"SQL only, subdivided parts:          median {raw_sub_med:.3f} ms, p95 {raw_sub_p95:.3f} ms"
            )
            print(
                f"SQL only, whole boundaries:          median {raw_whole_med:.3f} ms, p95 {raw_whole_p95:.3f} ms"
            )
            for name, seconds in join_times.items():
                print(f"bulk join of {bulk} points, {name}: {seconds:.2f} s")
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main()
