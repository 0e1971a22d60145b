"""The benchmark suite's pure parts on fake numbers: no server, no network, no data set."""

import csv
import io

import pytest

from bench import report, stats, workloads
from bench.client import Response, Run
from bench.report import Row
from bench.run import feature_ids, local_path, tile_paths
from bench.workloads import Target


@pytest.mark.parametrize(
    ("values", "q", "expected"),
    [
        ([5.0], 50, 5.0),
        ([5.0], 99, 5.0),
        ([1, 2, 3, 4], 50, 2.5),
        ([4, 1, 3, 2], 0, 1.0),
        ([4, 1, 3, 2], 100, 4.0),
        (list(range(1, 101)), 99, 99.01),
        ([10, 20], 25, 12.5),
    ],
)
def test_percentile_interpolates_between_closest_ranks(values, q, expected):
    assert stats.percentile(values, q) == pytest.approx(expected)


def test_percentile_of_nothing_is_none_and_q_is_checked():
    assert stats.percentile([], 50) is None
    with pytest.raises(ValueError):
        stats.percentile([1.0], 101)


def test_summarize_counts_successes_per_second_in_milliseconds():
    summary = stats.summarize([0.010, 0.020, 0.030], errors=1, wall_s=0.5, size=42)
    assert summary.n == 3
    assert summary.p50_ms == pytest.approx(20.0)
    assert summary.p99_ms == pytest.approx(29.8)
    assert summary.rps == pytest.approx(6.0)
    assert (summary.errors, summary.bytes) == (1, 42)


def test_run_keeps_failures_apart_from_latencies():
    run = Run()
    run.add(Response(200, 0.01, 100))
    run.add(Response(500, 0.5, 20, body=b"boom"))
    run.add(Response(0, 1.0, 0, error="ConnectionResetError()"))
    assert run.latencies_s == [0.01]
    assert run.errors == 2
    assert run.statuses == {200: 1, 500: 1, 0: 1}
    assert run.first_error == "500 boom"
    assert run.max_size == 100


def test_targets_label_and_check():
    p99 = Target("p99_ms", "<", 50)
    assert p99.label() == "p99<50 ms"
    assert p99.check(49.9) is True
    assert p99.check(50) is False
    assert p99.check(None) is None
    assert Target("rps", ">=", 1000).label() == "≥1000/s"
    assert Target("bytes", "<", 500_000).label() == "<500 KB"
    assert Target("ratio", ">=", 20).check(20) is True


def _row(**values) -> Row:
    defaults = {"workload": "list", "size": "L", "n": 20}
    return Row(**{**defaults, **values})


def test_ratio_reads_the_baseline_by_kind():
    faster = _row(p50_ms=10.0, baseline_kind=report.TIME, baseline_value=400.0)
    smaller = _row(bytes=1000, baseline_kind=report.SIZE, baseline_value=935_000)
    ceiling = _row(rps=50.0, baseline_kind=report.CEILING, baseline_value=1000.0)
    assert faster.ratio == pytest.approx(40.0)
    assert smaller.ratio == pytest.approx(935.0)
    assert ceiling.ratio == pytest.approx(0.05)
    assert _row(status=report.NA, baseline_value=1.0).ratio is None


def test_ok_needs_every_target_and_no_error():
    targets = [Target("p99_ms", "<", 50), Target("ratio", ">=", 20)]
    good = _row(
        p50_ms=5.0,
        p99_ms=20.0,
        baseline_kind=report.TIME,
        baseline_value=200.0,
        targets=targets,
    )
    assert good.ok is True
    assert _row(p50_ms=5.0, p99_ms=60.0, targets=targets[:1]).ok is False
    assert _row(p50_ms=5.0, p99_ms=20.0, errors=1, targets=targets[:1]).ok is False
    assert _row(status=report.NA, targets=targets).ok is None
    assert _row(p50_ms=5.0, p99_ms=20.0).ok is None  # no target


def test_flat_workloads_compare_l_with_m():
    rows = [
        _row(workload="coverage", size="M", p50_ms=10.0),
        _row(workload="coverage", size="L", p50_ms=30.0),
        _row(workload="other", size="M", p50_ms=10.0),
        _row(workload="other", size="L", p50_ms=30.0),
    ]
    out = report.apply_flat(rows, {"coverage"})
    coverage_l, other_l = out[1], out[3]
    assert coverage_l.flat_ratio == pytest.approx(3.0)
    assert coverage_l.ok is False
    assert "L/M 3.0x" in coverage_l.notes
    assert other_l.flat_ratio is None
    assert report.apply_flat(rows[:2], {"coverage"})[1].targets[-1].label() == (
        "L/M≤2x"
    )


def _table_rows() -> list[Row]:
    return [
        _row(
            workload="list: first page",
            p50_ms=12.345,
            p99_ms=40.0,
            bytes=250_000,
            baseline_kind=report.TIME,
            baseline_value=850.0,
            baseline_label="DRF | in-process",
            targets=[Target("p99_ms", "<", 50)],
        ),
        _row(workload="tiles z14", status=report.NA, notes="not on this code"),
        _row(
            workload="ingest",
            p50_ms=8.0,
            p99_ms=150.0,
            rps=120.0,
            baseline_kind=report.CEILING,
            baseline_value=1200.0,
            targets=[Target("rps", ">=", 200)],
        ),
        _row(workload="gaps", status=report.ERROR, notes="no finished job"),
    ]


def test_text_table_aligns_one_line_per_row():
    text = report.text_table(_table_rows())
    lines = text.splitlines()
    assert len(lines) == 2 + 4
    assert lines[0].startswith("workload")
    assert set(lines[1].replace(" ", "")) == {"-"}
    assert "12.3" in lines[2] and "850 ms" in lines[2] and "68.9x" in lines[2]
    assert "yes" in lines[2]
    assert "n/a" in lines[3]
    assert "10% of ceiling" in lines[4] and "NO" in lines[4]
    assert "error" in lines[5]


def test_markdown_table_escapes_pipes():
    text = report.markdown_table(_table_rows())
    lines = text.splitlines()
    assert lines[0].startswith("| workload |")
    assert lines[1].startswith("|---|")
    assert "DRF \\| in-process" in lines[2]
    assert all(line.count(" | ") >= len(report.COLUMNS) - 1 for line in lines[2:])


def test_csv_has_the_machine_then_one_line_per_row():
    machine = {"cpu": "Fake CPU", "cores": "2"}
    text = report.csv_text(_table_rows(), machine)
    lines = text.splitlines()
    assert lines[:2] == ["# cpu: Fake CPU", "# cores: 2"]
    records = list(csv.DictReader(io.StringIO("\n".join(lines[2:]))))
    assert len(records) == 4
    first = records[0]
    assert first["p50_ms"] == "12.345"
    assert first["ratio"] == "68.854"
    assert first["ok"] == "True"
    assert first["targets"] == "p99<50 ms"
    assert records[1]["status"] == "n/a" and records[1]["p50_ms"] == ""


def test_rows_survive_their_json_form():
    row = _table_rows()[0]
    again = report.row_from_dict(report.row_to_dict(row))
    assert again == row


def test_markdown_report_names_the_machine():
    text = report.markdown_report(_table_rows(), {"date": "today", "cpu": "Fake"})
    assert "Machine: cpu Fake" in text
    assert "| list: first page |" in text


def test_workloads_are_declared_once_with_known_kinds():
    names = [w.name for w in workloads.WORKLOADS]
    assert len(names) == len(set(names))
    kinds = {
        workloads.LATENCY,
        workloads.THROUGHPUT,
        workloads.JOB,
        workloads.EXPORT,
        workloads.INGEST,
        workloads.MIXED,
    }
    assert {w.kind for w in workloads.WORKLOADS} <= kinds
    for name, weight in workloads.MIXED_LOAD:
        assert workloads.by_name(name).kind in (workloads.LATENCY, workloads.THROUGHPUT)
        assert weight > 0


def test_tile_paths_cover_the_extent_at_the_zoom():
    paths = tile_paths(
        "/tiles/hotspots/{z}/{x}/{y}.mvt", 14, (107.54, 16.42, 107.64, 16.50)
    )
    # Huế's centre at z14: x 13086..13090, y 7430..7434 (y grows southwards);
    # tile 13086/7430 spans lon 107.534..107.556, lat 16.489..16.510.
    assert paths[0] == "/tiles/hotspots/14/13086/7430.mvt"
    assert len(paths) == 25
    assert tile_paths("/t/{z}/{x}/{y}.mvt", 0, (107.0, 16.0, 108.0, 17.0)) == [
        "/t/0/0/0.mvt"
    ]


def test_hexagon_tile_workloads_name_the_campaign_in_every_tile(monkeypatch):
    from bench import run
    from bench.config import SIZES

    monkeypatch.setitem(run.EXTENTS, "province", (107.0, 16.0, 108.2, 16.8))
    ctx = run.Context(size=SIZES["S"], campaign="cnx-2026")
    for name, z, res in (
        ("tiles hexagons z10", 10, 8),
        ("tiles hexagons z13 (res 9)", 13, 9),
    ):
        paths = run.paths_of(workloads.by_name(name), ctx)
        assert paths and all(
            p.startswith(f"/tiles/hexagons/{z}/")
            and p.endswith(f".mvt?campaign=cnx-2026&resolution={res}")
            for p in paths
        )


def test_list_helpers_read_next_links_and_feature_ids():
    assert local_path(
        "http://127.0.0.1:8000/api/v1/hotspots/?cursor=a%3Ab&page_size=500"
    ) == ("/api/v1/hotspots/?cursor=a%3Ab&page_size=500")
    body = b'{"features": [{"id": 3, "properties": {}}, {"properties": {"id": 7}}]}'
    assert feature_ids(body) == [3, 7]
