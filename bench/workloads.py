"""What the benchmark measures: one declarative list, one table row per workload.

A workload is a request (or a set of requests) against the served data set.
`path` is formatted with the size's context (bench.run.prepare): `{bbox}` the
province's extent, `{campaign}` the synthetic campaign's slug, `{entrant}` its
first entrant, `{list_next}` the list API's later page; `tiles` expands to the
tile paths over an extent at one zoom. A path that no URL pattern matches (a
feature not merged yet) is reported as "n/a", never a failure — so adding a row
for an endpoint that is still being built is one entry here.

Workloads run in this order (writes last: ingest changes the data, so every read
before it sees the same rows). `baseline` names a naive implementation measured
in the same run on the same rows (bench.baselines), or "ceiling" (/healthz);
`targets` are issue 10's (stated for the L data set, checked at every size).
"""

from dataclasses import dataclass, field

# How a workload is measured.
LATENCY = "latency"  # sequential requests on one connection (cycling over paths)
THROUGHPUT = "throughput"  # `concurrency` clients for a fixed time
JOB = "job"  # a background job's run time, from the jobs.Job table
EXPORT = "export"  # a download streamed to nowhere; the server's memory growth
INGEST = "ingest"  # POST reports at `concurrency` clients for a fixed time
MIXED = "mixed"  # `concurrency` users over MIXED_LOAD for a fixed time


@dataclass(frozen=True)
class Target:
    """One of issue 10's targets: `metric` `op` `value`."""

    metric: str  # a key of bench.report.Row.metrics()
    op: str  # "<", "<=", ">", ">="
    value: float

    def label(self) -> str:
        op = {">=": "≥", "<=": "≤"}.get(self.op, self.op)
        value = f"{self.value:g}"
        if self.metric == "bytes":
            return f"{op}{self.value / 1000:g} KB"
        if self.metric == "errors":
            return f"errors{op}{value}"
        return {
            "p50_ms": f"p50{op}{value} ms",
            "p99_ms": f"p99{op}{value} ms",
            "rps": f"{op}{value}/s",
            "ratio": f"{op}{value}x",
            "rss_mb": f"RSS+{op}{value} MB",
            "job_s": f"job{op}{value} s",
            "flat": f"L/M{op}{value}x",
        }.get(self.metric, f"{self.metric}{op}{value}")

    def check(self, value: float | None) -> bool | None:
        if value is None:
            return None
        return {
            "<": value < self.value,
            "<=": value <= self.value,
            ">": value > self.value,
            ">=": value >= self.value,
        }[self.op]


def p99_under(ms: float) -> Target:
    return Target("p99_ms", "<", ms)


@dataclass(frozen=True)
class Tiles:
    """The tiles covering an extent (lon_min, lat_min, lon_max, lat_max) at a zoom."""

    zoom: int
    extent: str  # a key of bench.run.EXTENTS ("city", "province")


@dataclass(frozen=True)
class Workload:
    name: str
    path: str = ""
    kind: str = LATENCY
    auth: str = ""  # "", "session" (the organiser's cookie) or "token"
    concurrency: int = 1
    tiles: Tiles | None = None
    baseline: str = ""
    targets: tuple[Target, ...] = ()
    # The cost must not grow with the data: p50 at L within 2x of p50 at M.
    flat: bool = False
    # "gaps" or "gi": wait until the stored analysis is computed and fresh.
    analysis: str = ""
    # Seconds the workload runs (THROUGHPUT, INGEST); 0: the size's default.
    seconds: float = 0
    # MIXED: a user's mean pause between requests (None: BENCH_THINK_S).
    think_s: float | None = None
    notes: str = ""
    extra: dict = field(default_factory=dict)


TILE = "/tiles/hotspots/{z}/{x}/{y}.mvt"
HEAT_TILE = "/tiles/heat/{z}/{x}/{y}.mvt"  # IOC and organisers: the session
HEX_TILE = "/tiles/hexagons/{z}/{x}/{y}.mvt?campaign={campaign}&resolution="
LIST = "/api/v1/hotspots/?in_bbox={bbox}&page_size=500"
CITY = "107.54,16.42,107.64,16.50"  # Huế's centre, where hotspots are densest

WORKLOADS: list[Workload] = [
    Workload(
        "healthz (ceiling)",
        "/healthz",
        kind=THROUGHPUT,
        concurrency=8,
        notes="the framework's ceiling",
    ),
    # Analyses first: their jobs run with nothing else on the machine.
    Workload(
        "gaps API",
        "/api/v1/coverage/gaps/?campaign={campaign}",
        analysis="gaps",
    ),
    Workload("gaps job", kind=JOB, analysis="gaps", targets=(Target("job_s", "<", 1),)),
    Workload(
        "clusters API",
        "/api/v1/analysis/clusters/?campaign={campaign}&variable=hotspots",
        analysis="gi",
    ),
    Workload("Gi* job", kind=JOB, analysis="gi", targets=(Target("job_s", "<", 10),)),
    Workload(
        "/maps/hexagons/",
        "/maps/hexagons/?campaign={campaign}",
        targets=(p99_under(300),),
    ),
    Workload("hexagons API", "/api/v1/coverage/hexagons/?campaign={campaign}"),
    Workload(
        "list: first page",
        LIST,
        baseline="drf_list",
        targets=(p99_under(50), Target("ratio", ">=", 20)),
    ),
    Workload(
        "list: page 5 via next",
        "{list_next}",
        baseline="drf_list",
        targets=(p99_under(50), Target("ratio", ">=", 20)),
    ),
    Workload("list: Huế city, 100", "/api/v1/hotspots/?in_bbox=" + CITY),
    # The duplicate check the reporting page makes before a report (50 m), on the
    # Perfume River where the synthetic hotspots lie.
    Workload("nearby API", "/api/v1/hotspots/nearby/?lon=107.59&lat=16.47"),
    Workload("/maps/", "/maps/", baseline="folium_markers_cluster"),
    Workload("/hotspots/", "/hotspots/", baseline="folium_markers"),
    Workload(
        "/dashboard/",
        "/dashboard/?campaign={campaign}",
        auth="session",
        baseline="geopandas_sjoin",
        targets=(p99_under(50),),
        flat=True,
    ),
    Workload(
        "/maps/coverage/",
        "/maps/coverage/?campaign={campaign}",
        baseline="geopandas_sjoin",
        targets=(p99_under(50),),
        flat=True,
    ),
    Workload(
        "coverage API",
        "/api/v1/coverage/?campaign={campaign}&level=district",
        baseline="geopandas_sjoin",
        targets=(p99_under(50),),
        flat=True,
    ),
    Workload(
        "coverage export (CSV)",
        "/exports/coverage.csv?campaign={campaign}",
        baseline="geopandas_sjoin",
        flat=True,
    ),
    Workload(
        "/maps/heatmap/",
        "/maps/heatmap/?campaign={campaign}",
        auth="session",
        baseline="folium_heatmap",
    ),
    Workload(
        "leaderboard page",
        "/contest/{campaign}/leaderboard/",
        auth="session",
        baseline="python_standings",
        targets=(Target("bytes", "<", 200_000),),
    ),
    Workload(
        "leaderboard API",
        "/api/v1/campaigns/{campaign}/leaderboard/",
        auth="token",
        baseline="python_standings",
        targets=(p99_under(50),),
    ),
    Workload(
        "leaderboard: one entrant (API)",
        "/api/v1/campaigns/{campaign}/leaderboard/{entrant}/",
        auth="token",
    ),
    Workload(
        "leaderboard: one entrant (page)",
        "/contest/{campaign}/leaderboard/{entrant}/",
        auth="session",
    ),
    Workload(
        "tiles z14 (Huế city)",
        TILE,
        kind=THROUGHPUT,
        concurrency=8,
        tiles=Tiles(14, "city"),
        targets=(p99_under(30), Target("rps", ">=", 1000)),
    ),
    Workload(
        "tiles z10",
        TILE,
        tiles=Tiles(10, "province"),
        targets=(p99_under(100), Target("bytes", "<", 500_000)),
    ),
    Workload(
        "tiles z8",
        TILE,
        tiles=Tiles(8, "province"),
        targets=(p99_under(100), Target("bytes", "<", 500_000)),
    ),
    Workload(
        "tiles heat z10",
        HEAT_TILE,
        auth="session",
        tiles=Tiles(10, "province"),
        targets=(p99_under(100), Target("bytes", "<", 500_000)),
    ),
    Workload(
        "tiles heat z14",
        HEAT_TILE,
        auth="session",
        tiles=Tiles(14, "city"),
        targets=(p99_under(30),),
    ),
    Workload("TileJSON", "/tiles/hotspots.json"),
    # The hexagon page's layer at its default resolution (8) and the finest
    # (9): z10 shows res 8 cells (the zoom caps res 9), z13 the cells asked for.
    Workload(
        "tiles hexagons z10",
        HEX_TILE + "8",
        tiles=Tiles(10, "province"),
        targets=(p99_under(100), Target("bytes", "<", 500_000)),
    ),
    Workload(
        "tiles hexagons z13 (res 9)",
        HEX_TILE + "9",
        tiles=Tiles(13, "city"),
        targets=(p99_under(100), Target("bytes", "<", 500_000)),
    ),
    Workload(
        "export hotspots GeoJSON",
        "/exports/hotspots.geojson",
        kind=EXPORT,
        targets=(Target("p50_ms", "<", 15_000), Target("rss_mb", "<", 64)),
    ),
    Workload(
        "export hotspots CSV",
        "/exports/hotspots.csv",
        kind=EXPORT,
        targets=(Target("rss_mb", "<", 64),),
    ),
    Workload(
        "export hotspots GPKG",
        "/exports/hotspots.gpkg",
        kind=EXPORT,
        targets=(Target("rss_mb", "<", 64),),
    ),
    # 200 people using the site: each waits a moment (exponential, mean
    # BENCH_THINK_S, 2 s) between requests, as a browser does between a page and
    # the next pan or click.
    Workload(
        "mixed, 200 users",
        kind=MIXED,
        concurrency=200,
        baseline="ceiling",
        targets=(p99_under(500), Target("errors", "<=", 0)),
    ),
    # The same 200 with no pause at all: the server's capacity on this mix
    # (req/s), and the queueing that results when it is exceeded.
    Workload(
        "mixed, 200 users, no pause",
        kind=MIXED,
        concurrency=200,
        baseline="ceiling",
        think_s=0,
        targets=(Target("errors", "<=", 0),),
    ),
    Workload(
        "ingest: POST reports",
        "/api/v1/hotspots/",
        kind=INGEST,
        concurrency=8,
        baseline="ceiling",
        targets=(Target("rps", ">=", 200), p99_under(100)),
    ),
]

# The mixed load: (workload name, weight). Entries whose workload is n/a (not
# merged yet) are left out; each user picks one at random per request.
MIXED_LOAD: list[tuple[str, float]] = [
    ("/maps/", 3),
    ("list: first page", 2),
    ("list: Huế city, 100", 2),
    ("nearby API", 1),
    ("tiles z14 (Huế city)", 10),
    ("tiles z10", 2),
    ("TileJSON", 1),
    ("/hotspots/", 2),
    ("/maps/coverage/", 2),
    ("coverage API", 2),
    ("/maps/hexagons/", 1),
    ("hexagons API", 1),
    ("gaps API", 1),
    ("clusters API", 1),
    ("/dashboard/", 1),
    ("leaderboard API", 1),
]


def by_name(name: str) -> Workload:
    for workload in WORKLOADS:
        if workload.name == name:
            return workload
    raise KeyError(name)
