import time

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from geo.selectors import area_levels
from geo.services import areas_relink


class Command(BaseCommand):
    help = (
        "Re-link every hotspot and cleanup event to the administrative areas "
        "containing it (after boundaries are loaded or changed), then refresh the "
        "derived counts. Re-runnable."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--level", help="only this level's links (default: every level)"
        )

    def handle(self, *args, level=None, **options):
        if level is not None and level not in area_levels():
            raise CommandError(f"No areas of level {level!r} are loaded.")
        started = time.perf_counter()
        commands = get_commands()
        rollups = "rollups" in commands
        with transaction.atomic():
            if rollups:
                # Millions of link rows: the rollup triggers (maps) stand aside
                # and one rebuild follows, in this transaction (maps.rollups
                # .suspended, by its setting's name: geo imports no other app).
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL maps.rollups_suspended = 'on'")
            for done in areas_relink(level=level):
                self.stdout.write(
                    f"{done.model}: {done.rows} rows, {done.links.removed} links "
                    f"removed, {done.links.inserted} inserted"
                )
            self.stdout.write(f"re-linked in {time.perf_counter() - started:.1f} s")
            if rollups:
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL maps.rollups_suspended = 'off'")
                call_command("rollups", "--rebuild", stdout=self.stdout)
            # The contest's stored points depend on the events' areas (coverage).
            if "standings" in commands:
                call_command("standings", "--rebuild", stdout=self.stdout)
