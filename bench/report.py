"""The benchmark's table: rows of plain numbers, printed, written as CSV and Markdown."""

import csv
import io
import os
import platform
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path

from .workloads import Target

# Row.status
OK = "ok"
NA = "n/a"  # the endpoint does not exist on this code (not merged yet)
ERROR = "error"

# Baseline kinds: how the ratio is read.
TIME = "time"  # baseline ms / measured p50 ms: how many times faster
SIZE = "bytes"  # baseline bytes / measured bytes: how many times smaller
CEILING = "ceiling"  # measured req/s / /healthz req/s: the share of the ceiling

# Flat workloads: p50 at L at most this many times p50 at M (issue 10's target).
FLAT_MAX = 2.0


@dataclass
class Row:
    workload: str
    size: str
    status: str = OK
    n: int = 0
    p50_ms: float | None = None
    p99_ms: float | None = None
    rps: float | None = None
    bytes: int | None = None
    errors: int = 0
    rss_mb: float | None = None  # the server's memory growth (exports)
    job_s: float | None = None
    flat_ratio: float | None = None  # p50 at L / p50 at M (apply_flat)
    baseline_kind: str = ""
    baseline_value: float | None = None  # ms, bytes or req/s (baseline_kind)
    baseline_label: str = ""  # what the baseline is
    targets: list[Target] = field(default_factory=list)
    notes: str = ""

    @property
    def ratio(self) -> float | None:
        """Return the measured figure against its baseline (bigger is better)."""
        base = self.baseline_value
        if not base or self.status != OK:
            return None
        if self.baseline_kind == TIME and self.p50_ms:
            return base / self.p50_ms
        if self.baseline_kind == SIZE and self.bytes:
            return base / self.bytes
        if self.baseline_kind == CEILING and self.rps is not None:
            return self.rps / base
        return None

    def metrics(self) -> dict[str, float | None]:
        return {
            "p50_ms": self.p50_ms,
            "p99_ms": self.p99_ms,
            "rps": self.rps,
            "bytes": self.bytes,
            "errors": self.errors if self.status == OK else None,
            "rss_mb": self.rss_mb,
            "job_s": self.job_s,
            "ratio": self.ratio,
            "flat": self.flat_ratio,
        }

    @property
    def ok(self) -> bool | None:
        """Return whether every target holds (None: no target, or not measured)."""
        if self.status == NA or (not self.targets and not self.errors):
            return None
        if self.status == ERROR or self.errors:
            return False
        results = [t.check(self.metrics().get(t.metric)) for t in self.targets]
        if any(r is False for r in results):
            return False
        if any(r is None for r in results):
            return None
        return True


def apply_flat(rows: list[Row], flat: set[str]) -> list[Row]:
    """Check that the workloads named in `flat` stay flat from M to L (p50 at L at
    most FLAT_MAX times p50 at M): the L row gets the ratio and that target."""
    by_key = {(r.workload, r.size): r for r in rows}
    out = []
    for row in rows:
        medium = by_key.get((row.workload, "M"))
        if (
            row.workload in flat
            and row.size == "L"
            and medium is not None
            and row.p50_ms
            and medium.p50_ms
        ):
            growth = row.p50_ms / medium.p50_ms
            note = f"L/M {growth:.1f}x"
            row = replace(
                row,
                flat_ratio=growth,
                targets=[*row.targets, Target("flat", "<=", FLAT_MAX)],
                notes=f"{row.notes}; {note}" if row.notes else note,
            )
        out.append(row)
    return out


# --- formatting ------------------------------------------------------------------


def fmt_ms(value: float | None) -> str:
    if value is None:
        return ""
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}"


def fmt_bytes(value: float | None) -> str:
    if value is None:
        return ""
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if value >= scale:
            return f"{value / scale:,.1f} {unit}"
    return f"{value:.0f} B"


def fmt_rps(value: float | None) -> str:
    if value is None:
        return ""
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def fmt_baseline(row: Row) -> str:
    if row.baseline_value is None:
        return row.baseline_label if row.baseline_label.startswith("n/a") else ""
    if row.baseline_kind == TIME:
        value = fmt_ms(row.baseline_value) + " ms"
    elif row.baseline_kind == SIZE:
        value = fmt_bytes(row.baseline_value)
    else:
        value = fmt_rps(row.baseline_value) + " req/s"
    return f"{value} ({row.baseline_label})" if row.baseline_label else value


def fmt_ratio(row: Row) -> str:
    ratio = row.ratio
    if ratio is None:
        return ""
    if row.baseline_kind == CEILING:
        return f"{ratio:.0%} of ceiling"
    return f"{ratio:,.1f}x" if ratio < 100 else f"{ratio:,.0f}x"


def fmt_ok(row: Row) -> str:
    return {True: "yes", False: "NO", None: ""}[row.ok]


COLUMNS = [
    "workload",
    "size",
    "p50 ms",
    "p99 ms",
    "req/s",
    "bytes",
    "baseline",
    "ratio",
    "target",
    "ok?",
    "notes",
]
RIGHT = {"p50 ms", "p99 ms", "req/s", "bytes", "ratio"}


def cells(row: Row) -> list[str]:
    """Return the row as the table's text cells (COLUMNS)."""
    if row.status == NA:
        return [row.workload, row.size, "n/a", "", "", "", "", "", "", "", row.notes]
    p50, p99 = fmt_ms(row.p50_ms), fmt_ms(row.p99_ms)
    if row.status == ERROR and row.p50_ms is None:
        p50 = "error"
    return [
        row.workload,
        row.size,
        p50,
        p99,
        fmt_rps(row.rps),
        fmt_bytes(row.bytes),
        fmt_baseline(row),
        fmt_ratio(row),
        ", ".join(t.label() for t in row.targets),
        fmt_ok(row),
        row.notes,
    ]


def text_table(rows: Sequence[Row]) -> str:
    """Return the rows as an aligned plain-text table."""
    table = [COLUMNS, *(cells(r) for r in rows)]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    out = []
    for n, line in enumerate(table):
        parts = [
            cell.rjust(w) if COLUMNS[i] in RIGHT else cell.ljust(w)
            for i, (cell, w) in enumerate(zip(line, widths, strict=True))
        ]
        out.append("  ".join(parts).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return "\n".join(out)


def markdown_table(rows: Sequence[Row]) -> str:
    """Return the rows as a Markdown (GitHub) table."""

    def escape(cell: str) -> str:
        return cell.replace("|", "\\|")

    align = ["---:" if c in RIGHT else "---" for c in COLUMNS]
    lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "|".join(align) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(escape(c) for c in cells(row)) + " |")
    return "\n".join(lines)


CSV_FIELDS = [
    "workload",
    "size",
    "status",
    "n",
    "p50_ms",
    "p99_ms",
    "rps",
    "bytes",
    "errors",
    "rss_mb",
    "job_s",
    "baseline_kind",
    "baseline_value",
    "baseline_label",
    "ratio",
    "targets",
    "ok",
    "notes",
]


def csv_text(rows: Iterable[Row], machine: dict[str, str]) -> str:
    """Return the rows as CSV: a header, one line per row; the machine as `#` lines
    first (csv readers skip them with comment handling; spreadsheets show them)."""
    buffer = io.StringIO()
    for key, value in machine.items():
        buffer.write(f"# {key}: {value}\n")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_FIELDS)
    for row in rows:
        values = asdict(row)
        values["ratio"] = row.ratio
        values["ok"] = row.ok
        values["targets"] = "; ".join(t.label() for t in row.targets)
        writer.writerow(
            [
                "" if values[name] is None else _csv_number(values[name])
                for name in CSV_FIELDS
            ]
        )
    return buffer.getvalue()


def _csv_number(value):
    if isinstance(value, float):
        return f"{value:.3f}".rstrip("0").rstrip(".")
    return value


def markdown_report(rows: Sequence[Row], machine: dict[str, str]) -> str:
    """Return the table and the machine it ran on, ready to paste into README."""
    lines = [
        "Benchmark (`make bench`), " + machine.get("date", ""),
        "",
        "Machine: " + "; ".join(f"{k} {v}" for k, v in machine.items() if k != "date"),
        "",
        markdown_table(rows),
        "",
        "p50/p99 over sequential requests on one connection unless req/s is shown "
        "(concurrent clients); baselines run in-process (no HTTP) on the same rows; "
        "ratio = baseline ÷ measured (times faster / smaller), or the share of the "
        "/healthz ceiling. Targets are issue 10's (stated for L). The client runs "
        "on the same machine as the server.",
    ]
    return "\n".join(lines) + "\n"


def row_from_dict(data: dict) -> Row:
    """Return a Row from its JSON form (bench.run writes them)."""
    names = {f.name for f in fields(Row)}
    values = {k: v for k, v in data.items() if k in names}
    values["targets"] = [Target(**t) for t in data.get("targets", [])]
    return Row(**values)


def row_to_dict(row: Row) -> dict:
    return asdict(row)


# --- the machine -------------------------------------------------------------------


def _proc_value(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return ""


def machine_info(postgres_version: str = "") -> dict[str, str]:
    """Return the CPU model, cores, RAM (from /proc), OS, Python and PostgreSQL."""
    mem_kb = _proc_value("/proc/meminfo", "MemTotal").split()
    ram = f"{int(mem_kb[0]) / 1024 / 1024:.1f} GiB" if mem_kb else ""
    info = {
        "cpu": _proc_value("/proc/cpuinfo", "model name") or platform.processor(),
        "cores": str(os.cpu_count()),
        "ram": ram,
        "os": platform.platform(terse=True),
        "python": platform.python_version(),
        "postgresql": postgres_version,
    }
    try:
        info["load"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        pass
    return info
