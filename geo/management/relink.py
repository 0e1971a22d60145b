"""Re-link rows to areas and refresh what derives from the links, for the
commands that change boundaries or links (assign_areas, load_areas)."""

import time

from django.core.management import call_command, get_commands
from django.db import connection, transaction

from geo.services import Relinked, areas_relink


def relink_and_rebuild(*, level: str | None, stdout) -> list[Relinked]:
    """Re-link every hotspot and event to the areas (of `level`) containing it,
    then rebuild the rollups and the standings: in the caller's transaction.

    Millions of link rows: the rollup triggers (maps) stand aside and one
    rebuild follows (maps.rollups.suspended, by its setting's name: geo imports
    no other app). The rebuild covers the links deleted with replaced areas too.
    """
    started = time.perf_counter()
    commands = get_commands()
    rollups = "rollups" in commands
    with transaction.atomic():
        if rollups:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maps.rollups_suspended = 'on'")
        done = areas_relink(level=level)
        for one in done:
            stdout.write(
                f"{one.model}: {one.rows} rows, {one.links.removed} links "
                f"removed, {one.links.inserted} inserted"
            )
        stdout.write(f"re-linked in {time.perf_counter() - started:.1f} s")
        if rollups:
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maps.rollups_suspended = 'off'")
            call_command("rollups", "--rebuild", stdout=stdout)
        # The contest's stored points depend on the events' areas (coverage).
        if "standings" in commands:
            call_command("standings", "--rebuild", stdout=stdout)
    return done


def suspend_rollups() -> None:
    """Switch the rollup triggers off for the rest of this transaction (a
    relink_and_rebuild must follow in it)."""
    if "rollups" in get_commands():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maps.rollups_suspended = 'on'")
