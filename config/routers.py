"""Send the reads of read-only public requests to a streaming replica.

With DATABASE_REPLICA_URL set, settings add a "replica" database and this router.
A request reads from the replica only when config.middleware.ReplicaReadsMiddleware
opened `replica_reads()` for it (a GET of public data from a client that has not
written recently); everything else, and every write, uses the primary ("default").
Without a replica nothing changes: the router is not installed, and where it is
asked anyway it has no opinion about reads.

Raw SQL through `django.db.connection` always runs on the primary; read paths
that should be served by the replica take their cursor from `read_connection()`.

A replica that cannot be reached is left alone for REPLICA_RETRY_SECONDS: the
middleware marks it down (`replica_down`) and runs the request again on the
primary, and until then every read goes to the primary (per worker process).
"""

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

REPLICA = "replica"

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)
# time.monotonic() until which this process reads the primary only (0: never).
_down_until = 0.0


def replica_down(seconds: float) -> None:
    """Send this process's reads to the primary for `seconds` (replica unreachable)."""
    global _down_until
    _down_until = time.monotonic() + seconds


def replica_up() -> bool:
    """Return whether the replica may be read (not marked down, or retry time)."""
    return time.monotonic() >= _down_until


def replica_configured() -> bool:
    """Return whether a replica database is configured."""
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads(allowed: bool = True) -> Iterator[None]:
    """Let the reads inside the block be served by the replica, if there is one
    (allowed=False: the primary only, e.g. to retry what the replica failed)."""
    token = _replica_reads.set(allowed)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def read_alias() -> str:
    """Return the database alias the current code should read from."""
    if not _replica_reads.get() or not replica_configured() or not replica_up():
        return DEFAULT_DB_ALIAS
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        # Inside a transaction on the primary (a service that read-then-writes, a
        # test case): read what that transaction sees, not a lagging copy.
        return DEFAULT_DB_ALIAS
    return REPLICA


def read_connection() -> BaseDatabaseWrapper:
    """Return the connection for raw-SQL reads (replica when the request allows)."""
    return connections[read_alias()]


class ReplicaRouter:
    """Reads to the replica inside `replica_reads()`; writes and migrations to default."""

    def db_for_read(self, model, **hints) -> str | None:
        if not _replica_reads.get():
            # No opinion, as without this router: Django reads from default, or
            # from where a related instance came from.
            return None
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        # Always the primary, even for an object read from the replica (Django
        # would otherwise save it back where it was loaded from).
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Both databases hold the same rows.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        # The replica is a physical copy: it receives the primary's schema.
        return db == DEFAULT_DB_ALIAS
