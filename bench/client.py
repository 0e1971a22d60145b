"""A small HTTP load client: threads, one persistent http.client connection each.

Latency is time.perf_counter() from sending the request to the last byte of the
body. gunicorn's sync workers close the connection after every response;
http.client then reconnects on the next request (that cost is part of what a
client pays). A request on a kept-alive connection the server has just closed
is retried once on a new connection (only the retry is timed).
"""

import http.client
import json
import random
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

CHUNK = 256 * 1024
RETRYABLE = (
    http.client.RemoteDisconnected,
    http.client.BadStatusLine,
    ConnectionResetError,
    BrokenPipeError,
)


@dataclass
class Response:
    status: int
    seconds: float
    size: int
    body: bytes = b""  # empty unless asked for
    headers: dict[str, str] = field(default_factory=dict)
    error: str = ""  # a transport failure (no status)


class Client:
    """One connection to the server; not shared between threads."""

    def __init__(self, host: str, port: int, *, headers=None, timeout: float = 120):
        self.host, self.port, self.timeout = host, port, timeout
        self.headers = {"Accept-Language": "vi", **(headers or {})}
        self._conn: http.client.HTTPConnection | None = None

    def _connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection(
                self.host, self.port, timeout=self.timeout
            )
        return self._conn

    def abort(self) -> None:
        """Shut the connection down from another thread: a request blocked on it
        returns (as a transport failure)."""
        conn = self._conn
        sock = conn.sock if conn is not None else None
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(
        self,
        path: str,
        *,
        method: str = "GET",
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
        keep_body: bool = True,
    ) -> Response:
        """Send one request and read the whole response; never raises on HTTP
        errors (status >= 400) or transport failures (status 0, `error`)."""
        all_headers = {**self.headers, **(headers or {})}
        for attempt in (1, 2):
            conn = self._connection()
            reused = conn.sock is not None
            start = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=all_headers)
                response = conn.getresponse()
                chunks, size = [], 0
                while True:
                    chunk = response.read(CHUNK)
                    if not chunk:
                        break
                    size += len(chunk)
                    # An error's body is kept (its first part): it says why.
                    if keep_body or (response.status >= 400 and size <= CHUNK):
                        chunks.append(chunk)
                seconds = time.perf_counter() - start
                if response.will_close:
                    self.close()
                return Response(
                    status=response.status,
                    seconds=seconds,
                    size=size,
                    body=b"".join(chunks),
                    headers={k.lower(): v for k, v in response.getheaders()},
                )
            except RETRYABLE as exc:
                self.close()
                if attempt == 1 and reused:
                    continue
                return Response(0, time.perf_counter() - start, 0, error=repr(exc))
            except (TimeoutError, OSError, http.client.HTTPException) as exc:
                self.close()
                return Response(0, time.perf_counter() - start, 0, error=repr(exc))
        raise AssertionError("unreachable")


def error_text(response: Response) -> str:
    """Return why a request failed: the transport error, the API error's code
    (config.api's error shape), or the start of the body."""
    if response.error:
        return response.error
    try:
        error = json.loads(response.body).get("error") or {}
        return str(error.get("code") or "")[:80]
    except (ValueError, AttributeError):
        return response.body[:120].decode(errors="replace")


def succeeded(response: Response) -> bool:
    return 200 <= response.status < 400


@dataclass
class Run:
    """What a set of requests returned: latencies of the successes, failures."""

    latencies_s: list[float] = field(default_factory=list)
    errors: int = 0
    statuses: dict[int, int] = field(default_factory=dict)
    max_size: int = 0
    total_bytes: int = 0
    wall_s: float = 0.0
    first_error: str = ""
    # Concurrent runs: successes answered before the deadline, over `window_s`.
    in_window: int = 0
    window_s: float = 0.0
    unanswered: int = 0  # abandoned at the end of a concurrent run

    @property
    def window_rps(self) -> float | None:
        return self.in_window / self.window_s if self.window_s else None

    def add(self, response: Response, ok: bool | None = None) -> None:
        ok = succeeded(response) if ok is None else ok
        self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
        if ok:
            self.latencies_s.append(response.seconds)
            self.max_size = max(self.max_size, response.size)
            self.total_bytes += response.size
        else:
            self.errors += 1
            if not self.first_error:
                self.first_error = f"{response.status} {error_text(response)}".strip()

    def merge(self, other: "Run") -> None:
        self.latencies_s += other.latencies_s
        self.errors += other.errors
        for status, n in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n
        self.max_size = max(self.max_size, other.max_size)
        self.total_bytes += other.total_bytes
        self.first_error = self.first_error or other.first_error
        self.in_window += other.in_window
        self.unanswered += other.unanswered


def sequential(
    client: Client,
    paths: Sequence[str],
    *,
    warmup: int,
    max_requests: int,
    min_requests: int,
    budget_s: float,
    headers: dict[str, str] | None = None,
    keep_body: bool = False,
    on_response: Callable[[str, Response], None] | None = None,
) -> Run:
    """Request the paths in turn on one connection: `warmup` untimed rounds of
    every path, then up to `max_requests` timed ones — fewer when `budget_s` runs
    out, but at least `min_requests`."""
    started = time.perf_counter()
    for _ in range(warmup):
        for path in paths:
            client.request(path, headers=headers, keep_body=keep_body)
        if time.perf_counter() - started > budget_s / 3:
            break
    run = Run()
    begin = time.perf_counter()
    for i in range(max_requests):
        if i >= min_requests and time.perf_counter() - begin > budget_s:
            break
        path = paths[i % len(paths)]
        response = client.request(path, headers=headers, keep_body=keep_body)
        run.add(response)
        if on_response is not None:
            on_response(path, response)
    run.wall_s = time.perf_counter() - begin
    return run


def concurrent(
    make_client: Callable[[], Client],
    request: Callable[[Client, random.Random], Response],
    *,
    concurrency: int,
    seconds: float,
    think_s: float = 0.0,
    ok: Callable[[Response], bool] = succeeded,
    seed: int = 1,
    grace_s: float | None = None,
) -> Run:
    """Run `concurrency` closed-loop clients for `seconds`: each sends `request`
    again as soon as the previous one is answered (after `think_s`, a mean pause
    drawn from an exponential distribution, also before the first request).

    Requests sent before the deadline are waited for (their latencies count: they
    are the slowest) — for at most `grace_s` when given: then the ones still
    unanswered are abandoned and counted in `unanswered` (and as errors). The
    throughput counts the successes answered before the deadline."""
    runs = [Run() for _ in range(concurrency)]
    clients: list[Client | None] = [None] * concurrency
    start_barrier = threading.Barrier(concurrency + 1)
    deadline = [0.0]
    abandoned = threading.Event()

    def user(i: int) -> None:
        client = clients[i] = make_client()
        rng = random.Random(seed * 1000 + i)
        start_barrier.wait()
        if think_s:
            # People arrive as they do on a site in use, each after a pause of
            # their own, not all in the same millisecond (no start-up burst).
            time.sleep(rng.expovariate(1 / think_s))
        while time.perf_counter() < deadline[0]:
            response = request(client, rng)
            if abandoned.is_set():
                runs[i].unanswered += 1
                runs[i].errors += 1
                break
            good = ok(response)
            runs[i].add(response, good)
            if good and time.perf_counter() <= deadline[0]:
                runs[i].in_window += 1
            if think_s:
                time.sleep(rng.expovariate(1 / think_s))
        client.close()

    threads = [
        threading.Thread(target=user, args=(i,), daemon=True)
        for i in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    begin = time.perf_counter()
    deadline[0] = begin + seconds
    start_barrier.wait()
    if grace_s is not None:
        cutoff = deadline[0] + grace_s
        for thread in threads:
            thread.join(max(0.0, cutoff - time.perf_counter()))
        abandoned.set()
        for client in clients:
            if client is not None:
                client.abort()
    for thread in threads:
        thread.join()
    total = Run()
    for run in runs:
        total.merge(run)
    total.wall_s = time.perf_counter() - begin
    total.window_s = seconds
    return total
