"""A real gunicorn (several worker processes) on the test database, for limits
that must hold across processes and restarts."""

import os
import signal
import subprocess
import time
import urllib.request
from pathlib import Path

from bench.server import children, free_port

ROOT = Path(__file__).resolve().parents[2]


class LiveServer:
    """`gunicorn config.wsgi -c config/gunicorn.conf.py` with the test settings."""

    def __init__(self, database_url: str, log: Path, **env):
        self.port = free_port()
        self.log = log
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "DATABASE_URL": database_url,
            "HOST": "127.0.0.1",
            "PORT": str(self.port),
            "WEB_WORKERS": "3",
            "WEB_ACCESS_LOG": "/dev/null",
            **env,
        }
        self.process: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.process = subprocess.Popen(
                [
                    str(ROOT / ".venv" / "bin" / "gunicorn"),
                    "config.wsgi",
                    "-c",
                    str(ROOT / "config" / "gunicorn.conf.py"),
                ],
                cwd=ROOT,
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited; see {self.log}")
            try:
                with urllib.request.urlopen(f"{self.base}/healthz", timeout=5) as r:
                    if r.status == 200 and len(self.workers()) >= 3:
                        return
            except OSError as exc:
                body = exc.read().decode() if hasattr(exc, "read") else ""
                self.last_error = f"{exc} {body} {self.env['DATABASE_URL']}"
            time.sleep(0.3)
        self.stop()
        raise RuntimeError(
            f"gunicorn did not answer ({getattr(self, 'last_error', None)}): "
            f"{self.log.read_text()[-2000:]}"
        )

    def workers(self) -> list[int]:
        return children(self.process.pid) if self.process else []

    def new_workers(self) -> None:
        """HUP: gunicorn replaces every worker process by a new one."""
        old = set(self.workers())
        self.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            pids = set(self.workers())
            if len(pids) >= len(old) and not pids & old:
                return
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not replace its workers")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)
