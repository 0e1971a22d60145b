"""Serve a data set for the benchmark: gunicorn and a Celery worker of their own.

The web server is the project's (`gunicorn config.wsgi`, `make run`'s worker
count, or config/gunicorn.conf.py when there is one) on a free port of
127.0.0.1; the worker is `celery -A config worker` as scripts/worker.sh starts
it. Both get the bench database, their own Celery queue and cache key prefix
(the project's Redis is shared with the dev server: neither may see the other's
jobs or cached results) and throttles high enough for the ingest load. Their
pids and logs live under the run's directory; stop() ends exactly these processes.
"""

import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from .config import ROOT, VENV

GUNICORN_CONFIG = ROOT / "config" / "gunicorn.conf.py"
CELERY_APP = ROOT / "config" / "celery.py"  # older code has no background jobs


def make_run_workers() -> str:
    """Return `make run`'s worker count (the Makefile's `WORKERS ?= N`)."""
    try:
        text = (ROOT / "Makefile").read_text()
    except OSError:
        text = ""
    found = re.search(r"^WORKERS\s*\??=\s*(\d+)", text, re.MULTILINE)
    return found.group(1) if found else "3"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(database_url: str, tag: str) -> dict[str, str]:
    """Return the environment of the bench's web server, worker and in-process code."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.local",
        DATABASE_URL=database_url,
        CELERY_QUEUE=tag,
        CACHE_KEY_PREFIX=tag,
        # The ingest load files hundreds of reports a second from one address.
        THROTTLE_REPORT_ANON="1000000/minute",
        THROTTLE_REPORT_USER="1000000/minute",
        # Analyses start at once (no debounce): the bench waits for them.
        ANALYSIS_JOB_DELAY_S="0",
        MEDIA_ROOT=str(ROOT / "var" / "bench" / "media"),
    )
    env.pop("DEBUG", None)
    return env


@dataclass
class Server:
    port: int
    env: dict[str, str]
    directory: Path
    web: subprocess.Popen
    worker: subprocess.Popen | None  # None: this code has no Celery app
    command: list[str]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def worker_pids(self) -> list[int]:
        """Return the pids of gunicorn's worker processes (the master's children)."""
        return children(self.web.pid)

    def new_workers(self, timeout_s: float = 60) -> list[int]:
        """Replace the gunicorn workers by new ones (HUP); return their pids once
        as many new ones run as there were old ones."""
        old = set(self.worker_pids())
        self.web.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            pids = set(self.worker_pids())
            if len(pids - old) >= len(old) and not pids & old:
                return sorted(pids)
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not replace its workers after HUP")

    def restart_web(self) -> None:
        """Stop gunicorn and start it again on the same port: requests queued in
        its listen backlog by clients that gave up are dropped with the socket."""
        _end(self.web, 20)
        self.web = _start_web(self.command, self.env, self.directory, mode="ab")
        _wait_http(self, timeout_s=90)

    def describe(self) -> str:
        """Return the server's command line without the run's port and log."""
        out, skip = [], False
        for arg in self.command[1:]:
            if skip:
                skip = False
                continue
            if arg in ("--bind", "--error-logfile"):
                skip = True
                continue
            out.append(arg)
        return "gunicorn " + " ".join(out)


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after ")".
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            out.append(int(entry.name))
    return sorted(out)


def memory_kb(pid: int) -> tuple[int, int]:
    """Return (VmRSS, VmHWM) of a process in KiB (0, 0 when it is gone)."""
    values = {"VmRSS": 0, "VmHWM": 0}
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            key = line.split(":", 1)[0]
            if key in values:
                values[key] = int(line.split()[1])
    except OSError:
        pass
    return values["VmRSS"], values["VmHWM"]


def reset_peak(pid: int) -> None:
    """Reset the process's peak RSS (VmHWM) to its current RSS (Linux >= 4.0)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        pass


def gunicorn_command(port: int, log: Path) -> list[str]:
    command = [str(VENV / "bin" / "gunicorn"), "config.wsgi"]
    if GUNICORN_CONFIG.exists():
        command += ["--config", str(GUNICORN_CONFIG)]
        if os.environ.get("BENCH_WORKERS"):
            command += ["--workers", os.environ["BENCH_WORKERS"]]
    else:
        workers = os.environ.get("BENCH_WORKERS") or make_run_workers()
        command += ["--workers", workers, "--graceful-timeout", "5"]
    # No access log: writing one line per request would be measured too.
    command += ["--bind", f"127.0.0.1:{port}", "--error-logfile", str(log)]
    return command


def start_worker(env, tag: str, directory: Path, log: Path) -> subprocess.Popen:
    """Start `celery -A config worker` as scripts/worker.sh does, in the foreground
    of its own session (its pid and log under the run's directory)."""
    # scripts/worker.sh's concurrency: one job at a time on 2 cores.
    concurrency = os.environ.get("WORKER_CONCURRENCY", "1")
    command = [
        str(VENV / "bin" / "celery"),
        "-A",
        "config",
        "worker",
        "--loglevel",
        "INFO",
        "--concurrency",
        concurrency,
        "--hostname",
        f"{tag}@%h",
        "--pidfile",
        str(directory / "celery.pid"),
    ]
    # A new log each run: readiness is read from it.
    with open(log, "wb") as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def _start_web(command, env, directory: Path, mode: str = "wb") -> subprocess.Popen:
    with open(directory / "gunicorn.out", mode) as out:
        return subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def start(database_url: str, tag: str, directory: Path) -> Server:
    """Start the web server and the worker; return when both answer."""
    directory.mkdir(parents=True, exist_ok=True)
    env = server_env(database_url, tag)
    port = free_port()
    command = gunicorn_command(port, directory / "gunicorn.log")
    web = _start_web(command, env, directory)
    worker, worker_log = None, directory / "celery.log"
    if CELERY_APP.exists():
        worker = start_worker(env, tag, directory, worker_log)
    server = Server(port, env, directory, web, worker, command)
    try:
        _wait_http(server, timeout_s=90)
        if worker is not None:
            _wait_log(worker_log, "ready.", worker, timeout_s=90)
    except BaseException:
        stop(server)
        raise
    return server


def _wait_http(server: Server, *, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.web.poll() is not None:
            raise RuntimeError(
                f"gunicorn exited ({server.web.returncode}); see {server.directory}"
            )
        try:
            with urllib.request.urlopen(server.base + "/healthz", timeout=5) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"gunicorn did not answer in {timeout_s} s")


def _wait_log(log: Path, text: str, process, *, timeout_s: float) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited; see {log}")
        if log.exists() and text in log.read_text(errors="replace"):
            return
        time.sleep(0.3)
    raise RuntimeError(f"the Celery worker was not ready in {timeout_s} s; see {log}")


def _end(process: subprocess.Popen, timeout_s: float) -> None:
    """TERM (graceful for both gunicorn and Celery), then KILL the process group
    this module started, if it is still there."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def stop(server: Server) -> None:
    _end(server.web, 20)
    if server.worker is not None:
        _end(server.worker, 30)
