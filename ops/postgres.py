"""Reach a PostgreSQL database as its client tools do: one connection target.

A Target is built from Django's DATABASES entry or from a URL; the client tools
(pg_dump, pg_restore) get it through libpq's environment variables, so neither
the password nor the host ever appears on a command line (ps, /proc).
"""

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import dj_database_url
import psycopg2
from psycopg2.extensions import connection as Connection

# Where Debian and Ubuntu install each server version's binaries (scripts/db.sh
# starts the project's server from there).
DEBIAN_BINDIR = "/usr/lib/postgresql/{major}/bin"


class ToolError(RuntimeError):
    """A client tool or the server refused; the message says which and why."""


@dataclass(frozen=True)
class Target:
    name: str
    user: str = ""
    password: str = ""
    # A host name, or a socket directory (starts with "/").
    host: str = ""
    port: str = ""
    sslmode: str = ""

    @classmethod
    def from_settings(cls, settings_dict: dict) -> "Target":
        # dj_database_url puts ?host=/socket/dir&port=5544 into OPTIONS.
        options = settings_dict.get("OPTIONS") or {}
        return cls(
            name=settings_dict["NAME"],
            user=settings_dict.get("USER") or "",
            password=settings_dict.get("PASSWORD") or "",
            host=settings_dict.get("HOST") or options.get("host") or "",
            port=str(settings_dict.get("PORT") or options.get("port") or ""),
            sslmode=options.get("sslmode", ""),
        )

    @classmethod
    def from_url(cls, url: str) -> "Target":
        return cls.from_settings(dj_database_url.parse(url))

    def environ(self) -> dict[str, str]:
        """Return os.environ plus libpq's variables for this database."""
        env = dict(os.environ)
        for key in ("PGSERVICE", "PGSERVICEFILE", "PGOPTIONS"):
            env.pop(key, None)
        values = {
            "PGDATABASE": self.name,
            "PGUSER": self.user,
            "PGPASSWORD": self.password,
            "PGHOST": self.host,
            "PGPORT": self.port,
            "PGSSLMODE": self.sslmode,
        }
        for key, value in values.items():
            if value:
                env[key] = value
            else:
                env.pop(key, None)
        return env

    def connect(self, *, database: str | None = None) -> Connection:
        """Open a psycopg2 connection (to `database` instead of ours if given)."""
        params = {
            "dbname": database or self.name,
            "user": self.user or None,
            "password": self.password or None,
            "host": self.host or None,
            "port": self.port or None,
            "sslmode": self.sslmode or None,
        }
        try:
            return psycopg2.connect(
                **{key: value for key, value in params.items() if value}
            )
        except psycopg2.Error as exc:
            raise ToolError(
                f"cannot connect to database {database or self.name!r}: {exc}"
            ) from exc


def server_major(conn: Connection) -> int:
    with conn.cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10000


def tool(name: str, *, major: int) -> str:
    """Return the path of client tool `name` that can talk to a server `major`.

    PG_BINDIR wins; then the Debian directory of that exact server version; then
    the tool on PATH if its major version is at least the server's (pg_dump
    refuses to dump a server newer than itself).
    """
    candidates = []
    if os.environ.get("PG_BINDIR"):
        candidates.append(Path(os.environ["PG_BINDIR"]) / name)
    candidates.append(Path(DEBIAN_BINDIR.format(major=major)) / name)
    on_path = shutil.which(name)
    if on_path:
        candidates.append(Path(on_path))
    for path in candidates:
        if path.is_file() and os.access(path, os.X_OK) and _major(path) >= major:
            return str(path)
    raise ToolError(
        f"no {name} of PostgreSQL {major} or newer found "
        f"(looked in PG_BINDIR, {DEBIAN_BINDIR.format(major=major)}, PATH)"
    )


def _major(path: Path) -> int:
    out = subprocess.run(
        [str(path), "--version"], capture_output=True, text=True, check=False
    ).stdout
    # "pg_dump (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)"
    try:
        return int(out.split(")")[1].split()[0].split(".")[0])
    except (IndexError, ValueError):
        return 0
