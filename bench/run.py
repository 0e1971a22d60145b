"""Measure one data set: python -m bench.run SIZE --database NAME --out FILE.

Started by `python -m bench` once per size, on a throwaway copy of the data set
(its environment names the database). Prepares what the workloads need (an
organiser with a session and a token, the province's extent, the synthetic
campaign), serves the database (bench.server), runs bench.workloads in order,
stops the server, runs the baselines in-process on the same rows and writes the
rows as JSON.
"""

import argparse
import json
import math
import os
import re
import signal
import sys
import time
import uuid
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from . import client as http
from . import server as serving
from .config import SIZES, VAR, Options, Size
from .datasets import url_for
from .report import CEILING, ERROR, NA, OK, Row, cells, row_to_dict
from .stats import summarize
from .workloads import (
    CITY,
    EXPORT,
    INGEST,
    JOB,
    LATENCY,
    MIXED,
    MIXED_LOAD,
    THROUGHPUT,
    WORKLOADS,
    Workload,
)

# (lon_min, lat_min, lon_max, lat_max), WGS84. The city: Huế's centre, where the
# synthetic hotspots are densest. The province: read from the data set.
EXTENTS = {"city": tuple(float(v) for v in CITY.split(","))}
MAX_TILES = 64  # per workload
INGEST_EXTENT = EXTENTS["city"]
EXPORT_MAX_REQUESTS = 5  # at least 2, within the latency budget
LIST_PAGES = 5  # "a later page": the list's 5th page, reached through `next`
SESSION_USER = "bench-organiser"


@dataclass
class Context:
    size: Size
    port: int = 0
    campaign: str = "synthetic"
    coverage_level: str = "district"
    bbox: str = ""
    entrant: int | None = None
    list_next: str | None = None
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    ids: dict[str, list[int]] = field(default_factory=dict)  # list rows' feature ids
    ceiling_rps: float | None = None
    na: set[str] = field(default_factory=set)

    def values(self) -> dict[str, object]:
        return {
            "bbox": self.bbox,
            "campaign": self.campaign,
            "entrant": self.entrant,
            "list_next": self.list_next,
        }


def log(message: str) -> None:
    print(message, flush=True)


# --- preparing -------------------------------------------------------------------


def prepare(size: Size) -> Context:
    """Read the data set's facts and create the bench's organiser (session, token)."""
    from django.conf import settings
    from django.test import Client
    from rest_framework.authtoken.models import Token

    from accounts.services import user_upsert
    from events.models import Campaign, CleanupEvent, Entrant
    from geo.models import AdminArea
    from hotspots.models import DISMISSED_STATUSES, Hotspot

    ctx = Context(size)
    province = AdminArea.objects.filter(level="province").order_by("pk").first()
    if province is None:
        raise SystemExit("the data set has no province (load_demo did not run?)")
    ctx.bbox = ",".join(f"{v:.6f}" for v in province.geom.extent)
    EXTENTS["province"] = province.geom.extent
    campaign = Campaign.objects.get(slug=ctx.campaign)
    ctx.coverage_level = campaign.coverage_level
    entrant = (
        Entrant.objects.filter(campaign=campaign, status="approved")
        .order_by("pk")
        .first()
    )
    ctx.entrant = entrant.pk if entrant else None
    ctx.counts = {
        "hotspots": Hotspot.objects.count(),
        "reported": Hotspot.objects.exclude(status__in=DISMISSED_STATUSES).count(),
        "public": Hotspot.objects.public().count(),
        "events": CleanupEvent.objects.filter(entrant__campaign=campaign).count(),
    }
    user, _ = user_upsert(username=SESSION_USER, role="organiser")
    browser = Client()
    browser.force_login(user)
    session = browser.cookies[settings.SESSION_COOKIE_NAME].value
    token, _ = Token.objects.get_or_create(user=user)
    ctx.headers = {
        "": {},
        "session": {"Cookie": f"{settings.SESSION_COOKIE_NAME}={session}"},
        "token": {"Authorization": f"Token {token.key}"},
    }
    return ctx


def tile_paths(template: str, zoom: int, extent) -> list[str]:
    """Return the paths of the XYZ tiles covering `extent` at `zoom` (Web Mercator)."""
    lon_min, lat_min, lon_max, lat_max = extent

    def tile_x(lon: float) -> int:
        return int((lon + 180) / 360 * 2**zoom)

    def tile_y(lat: float) -> int:
        rad = math.radians(lat)
        return int((1 - math.asinh(math.tan(rad)) / math.pi) / 2 * 2**zoom)

    xs = range(tile_x(lon_min), tile_x(lon_max) + 1)
    ys = range(tile_y(lat_max), tile_y(lat_min) + 1)  # y grows southwards
    paths = [template.format(z=zoom, x=x, y=y) for x in xs for y in ys]
    return paths[:MAX_TILES]


def paths_of(workload: Workload, ctx: Context) -> list[str] | None:
    """Return the workload's request paths (None: its context value is missing)."""
    if not workload.path:
        return []
    values = ctx.values()
    names = [name for name in values if "{" + name + "}" in workload.path]
    if any(values[name] is None for name in names):
        return None
    if workload.tiles is not None:
        # The context's values now, the tile address per tile.
        address = {"z": "{z}", "x": "{x}", "y": "{y}"}
        template = workload.path.format(**values, **address)
        extent = EXTENTS[workload.tiles.extent]
        return tile_paths(template, workload.tiles.zoom, extent)
    return [workload.path.format(**values)]


def on_this_code(path: str) -> bool:
    """Return whether a URL pattern of this code matches the path."""
    from django.urls import Resolver404, resolve

    try:
        resolve(urlsplit(path).path)
    except Resolver404:
        return False
    return True


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def feature_ids(body: bytes) -> list[int]:
    data = json.loads(body)
    return [f.get("id") or f["properties"]["id"] for f in data.get("features", [])]


def find_list_next(ctx: Context, server) -> None:
    """Follow the list's `next` links to its LIST_PAGES-th page (or its last)."""
    from .workloads import LIST

    path = LIST.format(**ctx.values())
    conn = http.Client("127.0.0.1", server.port)
    for _ in range(LIST_PAGES - 1):
        response = conn.request(path)
        if response.status != 200:
            break
        following = json.loads(response.body).get("next")
        if not following:
            break
        path = local_path(following)
        ctx.list_next = path
    conn.close()


# --- measuring ---------------------------------------------------------------------


def base_row(workload: Workload, ctx: Context) -> Row:
    return Row(
        workload=workload.name,
        size=ctx.size.name,
        targets=list(workload.targets),
        notes=workload.notes,
    )


def from_run(row: Row, run: http.Run, *, rps: bool = False) -> Row:
    summary = summarize(run.latencies_s, errors=run.errors, size=run.max_size or None)
    row.n, row.p50_ms, row.p99_ms = summary.n, summary.p50_ms, summary.p99_ms
    row.bytes, row.errors = summary.bytes, summary.errors
    if rps:
        row.rps = run.window_rps
    if run.errors:
        row.notes = _join(row.notes, f"{run.errors} errors, first: {run.first_error}")
        if not run.latencies_s:
            row.status = ERROR
    return row


def _join(*notes: str) -> str:
    return "; ".join(n for n in notes if n)


def wait_for_analysis(conn: http.Client, path: str, opts: Options) -> tuple[str, float]:
    """Ask for a stored analysis until it is computed from the current data (200,
    fresh, nothing pending); return how it ended and the seconds waited."""
    started = time.perf_counter()
    while time.perf_counter() - started < opts.job_timeout_s:
        response = conn.request(path)
        if response.status == 200:
            body = json.loads(response.body)
            if body.get("fresh", True) and not body.get("pending", False):
                return "ready", time.perf_counter() - started
        elif response.status != 202:
            return f"HTTP {response.status}", time.perf_counter() - started
        time.sleep(1)
    return "timed out", time.perf_counter() - started


def latency(workload: Workload, ctx: Context, server, opts: Options, paths) -> Row:
    row = base_row(workload, ctx)
    headers = ctx.headers[workload.auth]
    conn = http.Client("127.0.0.1", server.port, headers=headers)
    if workload.analysis:
        state, waited = wait_for_analysis(conn, paths[0], opts)
        row.notes = _join(row.notes, f"analysis {state} after {waited:.0f} s")
    keep = workload.baseline == "drf_list"
    last: dict[str, bytes] = {}

    def remember(path: str, response: http.Response) -> None:
        if keep and response.status == 200:
            last["body"] = response.body

    run = http.sequential(
        conn,
        paths,
        warmup=opts.warmup,
        max_requests=max(opts.max_requests, len(paths)),
        min_requests=max(opts.min_requests, min(len(paths), opts.max_requests)),
        budget_s=opts.budget_s,
        keep_body=keep,
        on_response=remember,
    )
    conn.close()
    if "body" in last:
        ctx.ids[workload.name] = feature_ids(last["body"])
    if len(paths) > 1:
        row.notes = _join(row.notes, f"{len(paths)} tiles; bytes: the largest")
    return from_run(row, run)


def throughput(workload: Workload, ctx: Context, server, opts: Options, paths) -> Row:
    row = base_row(workload, ctx)
    headers = ctx.headers[workload.auth]
    if len(paths) > 1:  # tiles: each built once (cold), then served warm
        conn = http.Client("127.0.0.1", server.port, headers=headers)
        cold = http.sequential(
            conn,
            paths,
            warmup=0,
            max_requests=len(paths),
            min_requests=len(paths),
            budget_s=opts.budget_s * 3,
        )
        conn.close()
        cold_p50 = summarize(cold.latencies_s).p50_ms
        if cold_p50 is not None:
            row.notes = _join(
                row.notes, f"{len(paths)} tiles, cold p50 {cold_p50:.1f} ms"
            )

    def request(conn: http.Client, rng) -> http.Response:
        return conn.request(rng.choice(paths), keep_body=False)

    run = http.concurrent(
        lambda: http.Client("127.0.0.1", server.port, headers=headers),
        request,
        concurrency=workload.concurrency,
        seconds=workload.seconds or opts.throughput_s,
        grace_s=grace_s(workload.seconds or opts.throughput_s),
    )
    row = from_run(row, run, rps=True)
    row.notes = _join(row.notes, f"{workload.concurrency} clients")
    return row


def job(workload: Workload, ctx: Context) -> Row:
    """Report the run time of the analysis' last finished job (jobs.Job)."""
    from django.apps import apps

    from events.models import Campaign

    row = base_row(workload, ctx)
    if not apps.is_installed("jobs"):
        row.status, row.notes = NA, "no background jobs on this code"
        return row
    from jobs.models import Job

    campaign = Campaign.objects.get(slug=ctx.campaign)
    jobs = Job.objects.filter(
        name="maps.analysis",
        key__startswith=f"{workload.analysis} campaign={campaign.pk} ",
    )
    if workload.analysis == "gi":
        jobs = jobs.filter(key__contains="variable=hotspots")
    done = jobs.filter(status="done").order_by("-finished_at").first()
    if done is None or done.seconds is None:
        failed = jobs.filter(status="failed").order_by("-finished_at").first()
        row.status = ERROR
        row.notes = f"no finished job ({failed.error})" if failed else "no finished job"
        return row
    row.n = 1
    row.job_s = done.seconds
    row.p50_ms = row.p99_ms = done.seconds * 1000
    computed = done.summary.get("seconds") if isinstance(done.summary, dict) else None
    row.notes = _join(
        row.notes,
        f"jobs.Job #{done.pk}",
        f"computation {computed} s" if computed is not None else "",
    )
    return row


def export(workload: Workload, ctx: Context, server, opts: Options, paths) -> Row:
    """Download the export (its body counted, not kept) from new gunicorn workers
    and report their memory growth: the highest peak RSS (VmHWM) during the
    downloads minus that worker's RSS before the first one. New workers, because
    a worker that already served a big response keeps its freed memory and would
    hide the growth."""
    row = base_row(workload, ctx)
    pids = server.new_workers()
    warm_up(server, opts)
    before = {}
    for pid in pids:
        serving.reset_peak(pid)
        before[pid] = serving.memory_kb(pid)[0]
    conn = http.Client("127.0.0.1", server.port, timeout=300)
    run, growth_kb = http.Run(), 0
    begin = time.perf_counter()
    for i in range(EXPORT_MAX_REQUESTS):
        if i >= 2 and time.perf_counter() - begin > opts.budget_s:
            break
        response = conn.request(paths[0], keep_body=False)
        for pid, rss in before.items():
            growth_kb = max(growth_kb, serving.memory_kb(pid)[1] - rss)
        run.add(response)
        if 400 <= response.status < 500:  # refused (too_many_rows): once is enough
            break
    conn.close()
    if set(run.statuses) == {404}:
        row.status, row.notes = NA, "404 from the view"
        return row
    row = from_run(row, run)
    if run.latencies_s:
        after_kb = max(serving.memory_kb(pid)[0] - rss for pid, rss in before.items())
        row.rss_mb = growth_kb / 1024
        row.notes = _join(
            row.notes,
            f"worker RSS peak +{row.rss_mb:.0f} MB, after +{after_kb / 1024:.0f} MB",
        )
    return row


def ingest(workload: Workload, ctx: Context, server, opts: Options) -> Row:
    """POST JSON reports (anonymous, a new client_uuid each, points in the city)."""
    row = base_row(workload, ctx)
    lon_min, lat_min, lon_max, lat_max = INGEST_EXTENT
    headers = {"Content-Type": "application/json"}

    def request(conn: http.Client, rng) -> http.Response:
        body = {
            "lon": round(rng.uniform(lon_min, lon_max), 6),
            "lat": round(rng.uniform(lat_min, lat_max), 6),
            "category": rng.choice(["plastic", "household", "water_hyacinth"]),
            "size_class": rng.choice(["bag", "several_bags", "cart"]),
            "description": "bench",
            "client_uuid": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        }
        return conn.request(
            workload.path,
            method="POST",
            body=json.dumps(body).encode(),
            headers=headers,
            keep_body=False,
        )

    run = http.concurrent(
        lambda: http.Client("127.0.0.1", server.port),
        request,
        concurrency=workload.concurrency,
        seconds=workload.seconds or opts.ingest_s,
        ok=lambda r: r.status in (200, 201),
        grace_s=grace_s(workload.seconds or opts.ingest_s),
    )
    row = from_run(row, run, rps=True)
    row.bytes = None
    row.notes = _join(row.notes, f"{workload.concurrency} clients, {row.n} reports")
    return row


def mixed(workload: Workload, ctx: Context, server, opts: Options, resolved) -> Row:
    """`concurrency` users, each picking a request of MIXED_LOAD at random."""
    from .workloads import by_name

    row = base_row(workload, ctx)
    choices, weights = [], []
    for name, weight in MIXED_LOAD:
        if name in ctx.na or not resolved.get(name):
            continue
        choices.append((resolved[name], ctx.headers[by_name(name).auth]))
        weights.append(weight)
    if not choices:
        row.status = ERROR
        row.notes = "nothing to request"
        return row

    def request(conn: http.Client, rng) -> http.Response:
        paths, headers = rng.choices(choices, weights)[0]
        return conn.request(rng.choice(paths), headers=headers, keep_body=False)

    seconds = workload.seconds or (
        opts.mixed_s if opts.mixed_s is not None else ctx.size.mixed_s
    )
    think_s = opts.think_s if workload.think_s is None else workload.think_s
    run = http.concurrent(
        lambda: http.Client("127.0.0.1", server.port),
        request,
        concurrency=workload.concurrency,
        seconds=seconds,
        think_s=think_s,
        grace_s=grace_s(seconds),
    )
    row = from_run(row, run, rps=True)
    row.bytes = None
    row.status = OK if row.n else ERROR
    # Requests abandoned by the clients still wait in gunicorn's listen backlog:
    # a new server drops them, so the next workload does not queue behind them.
    server.restart_web()
    warm_up(server, opts)
    row.notes = _join(
        f"{len(choices)} kinds of request, {seconds:.0f} s",
        f"mean pause {think_s:g} s" if think_s else "no pause",
        f"statuses {dict(sorted(run.statuses.items()))}",
        f"{run.unanswered} unanswered {grace_s(seconds):.0f} s after the end"
        if run.unanswered
        else "",
        f"first error: {run.first_error[:80]}" if run.first_error else "",
    )
    return row


def grace_s(seconds: float) -> float:
    """Return how long a concurrent run waits for its last answers."""
    return max(10.0, seconds / 4)


def warm_up(server, opts: Options) -> None:
    """Load the URL configuration in every worker: /healthz from more clients
    than workers (the first request of a worker costs seconds)."""
    http.concurrent(
        lambda: http.Client("127.0.0.1", server.port),
        lambda conn, rng: conn.request("/healthz", keep_body=False),
        concurrency=8,
        seconds=3,
    )


def probe(workload: Workload, ctx: Context, server, paths: list[str]) -> int:
    """Return the status of one request of the workload (404: not there yet)."""
    conn = http.Client("127.0.0.1", server.port, headers=ctx.headers[workload.auth])
    response = conn.request(paths[0], keep_body=False)
    conn.close()
    return response.status


def run_one(
    workload: Workload, ctx: Context, server, opts: Options, paths, resolved
) -> Row:
    """Measure one workload (or say why it is n/a)."""
    row = base_row(workload, ctx)
    if paths is None:
        row.status, row.notes = (
            NA,
            "nothing to request (e.g. the list has no next page)",
        )
    elif paths and not on_this_code(paths[0]):
        row.status, row.notes = NA, "not on this code (no URL pattern)"
    elif workload.kind == JOB:
        row = job(workload, ctx)
    elif workload.kind == MIXED:
        row = mixed(workload, ctx, server, opts, resolved)
    elif workload.kind == INGEST:
        row = ingest(workload, ctx, server, opts)
    elif workload.kind == EXPORT:
        row = export(workload, ctx, server, opts, paths)
    elif probe(workload, ctx, server, paths) == 404:
        row.status, row.notes = NA, "404 from the view"
    elif workload.kind == LATENCY:
        row = latency(workload, ctx, server, opts, paths)
    elif workload.kind == THROUGHPUT:
        row = throughput(workload, ctx, server, opts, paths)
    return row


def measure(ctx: Context, server, opts: Options) -> list[Row]:
    rows: list[Row] = []
    resolved: dict[str, list[str]] = {}
    warm_up(server, opts)
    find_list_next(ctx, server)
    only = [n.strip() for n in os.environ.get("BENCH_ONLY", "").split(",") if n.strip()]
    for workload in WORKLOADS:
        started = time.perf_counter()
        paths = paths_of(workload, ctx)
        skipped = (
            only
            and not workload.name.startswith("healthz")
            and not any(n in workload.name for n in only)
        )
        if skipped:  # BENCH_ONLY: not measured, but the mixed load may ask it
            row = base_row(workload, ctx)
            row.status, row.notes = NA, "not measured (BENCH_ONLY)"
            rows.append(row)
            if paths:
                resolved[workload.name] = paths
            continue
        try:
            row = run_one(workload, ctx, server, opts, paths, resolved)
        except Exception as exc:  # one broken workload never stops the others
            row = base_row(workload, ctx)
            row.status, row.notes = ERROR, f"{type(exc).__name__}: {exc}"[:200]
        if row.status == NA:
            ctx.na.add(workload.name)
        elif paths:
            resolved[workload.name] = paths
        if workload.name.startswith("healthz"):
            ctx.ceiling_rps = row.rps
        rows.append(row)
        shown = [c for c in cells(row)[2:6] if c]
        log(
            f"  {ctx.size.name} {workload.name}: {' / '.join(shown)} "
            f"({time.perf_counter() - started:.0f} s) {row.notes}"
        )
    return rows


def apply_baselines(rows: list[Row], ctx: Context, opts: Options) -> None:
    """Measure each baseline once per size (in-process) and set it on its rows."""
    from . import baselines

    memo: dict[tuple, object] = {}
    for row, workload in zip(rows, WORKLOADS, strict=True):
        name = workload.baseline
        if not name or row.status == NA:
            continue
        if name == "ceiling":
            if ctx.ceiling_rps:
                row.baseline_kind, row.baseline_value = CEILING, ctx.ceiling_rps
                row.baseline_label = "/healthz, 8 clients"
            continue
        key: tuple = (name,)
        kwargs = {"budget_s": opts.baseline_budget_s}
        if name == "drf_list":
            ids = ctx.ids.get(workload.name)
            if not ids:
                continue
            key = (name, tuple(ids))
            kwargs["ids"] = ids
        if key not in memo:
            started = time.perf_counter()
            try:
                memo[key] = baselines.BASELINES[name](ctx, **kwargs)
            except Exception as exc:  # a baseline broken by a later change: say so
                memo[key] = exc
            log(
                f"  {ctx.size.name} baseline {name}: {time.perf_counter() - started:.0f} s"
            )
        result = memo[key]
        if isinstance(result, Exception):
            row.baseline_label = f"n/a: {type(result).__name__}: {result}"[:120]
            continue
        row.baseline_kind = result.kind
        row.baseline_value = result.value
        row.baseline_label = result.label


TAG = "chx-bench-{size}-{pid}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def cleanup_redis(tag: str | None = None) -> int:
    """Delete what bench runs left in the shared Redis: their cache keys and
    queues — this run's (`tag`), or those of runs whose process is gone."""
    import redis
    from django.conf import settings

    def stale(key: bytes) -> bool:
        found = re.search(rb"chx-bench-[a-z]+-(\d+)", key)
        if found is None:
            return False
        if tag is not None:
            return found.group(0).decode() == tag
        return not _alive(int(found.group(1)))

    if not hasattr(settings, "REDIS_URL"):  # older code: no shared Redis
        return 0
    from config.settings.base import redis_url

    removed = 0
    for db in (settings.REDIS_CACHE_DB, settings.REDIS_BROKER_DB):
        client = redis.Redis.from_url(redis_url(settings.REDIS_URL, db))
        keys = [
            k for k in client.scan_iter(match="*chx-bench-*", count=1000) if stale(k)
        ]
        for start in range(0, len(keys), 500):
            removed += client.unlink(*keys[start : start + 500])
        client.close()
    return removed


def main(argv: list[str] | None = None) -> None:
    # Stopped from outside (make bench interrupted): stop the servers first.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(prog="python -m bench.run")
    parser.add_argument("size", choices=list(SIZES))
    parser.add_argument("--database", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args(argv)
    size = SIZES[args.size]
    opts = Options.from_env()
    tag = TAG.format(size=size.name.lower(), pid=os.getpid())
    database_url = url_for(args.database)
    # This process reads the same database and cache namespace as the server.
    os.environ.update(
        {
            k: v
            for k, v in serving.server_env(database_url, tag).items()
            if k
            in (
                "DJANGO_SETTINGS_MODULE",
                "DATABASE_URL",
                "CELERY_QUEUE",
                "CACHE_KEY_PREFIX",
                "MEDIA_ROOT",
            )
        }
    )
    import django

    django.setup()
    cleanup_redis()  # keys of runs that were killed
    ctx = prepare(size)
    directory = VAR / "logs" / size.name
    server = serving.start(database_url, tag, directory)
    ctx.port = server.port
    started = time.perf_counter()
    meta = {
        "size": size.name,
        "database": args.database,
        "counts": ctx.counts,
        "server": server.describe(),
        "workers": len(server.worker_pids()),
    }
    try:
        rows = measure(ctx, server, opts)
    finally:
        serving.stop(server)
        cleanup_redis(tag)
    apply_baselines(rows, ctx, opts)
    meta["seconds"] = round(time.perf_counter() - started)
    with open(args.out, "w") as out:
        json.dump({"meta": meta, "rows": [row_to_dict(r) for r in rows]}, out)


if __name__ == "__main__":
    main(sys.argv[1:])
