"""Send the reads of read-only public requests to a streaming replica.

With DATABASE_REPLICA_URL set, settings add a "replica" database and this router.
A request reads from the replica only when config.middleware.ReplicaReadsMiddleware
opened `replica_reads()` for it (a GET of public data from a client that has not
written recently); everything else, and every write, uses the primary ("default").
Without a replica nothing changes: the router is not installed, and where it is
asked anyway it has no opinion about reads.

Raw SQL through `django.db.connection` always runs on the primary; read paths
that should be served by the replica take their cursor from `read_connection()`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

REPLICA = "replica"

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


def replica_configured() -> bool:
    """Return whether a replica database is configured."""
    return REPLICA in settings.DATABASES


@contextmanager
def replica_reads() -> Iterator[None]:
    """Let the reads inside the block be served by the replica, if there is one."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def read_alias() -> str:
    """Return the database alias the current code should read from."""
    if not _replica_reads.get() or not replica_configured():
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
