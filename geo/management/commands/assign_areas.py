from django.core.management.base import BaseCommand, CommandError

from geo.management.relink import relink_and_rebuild
from geo.selectors import area_levels


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
        relink_and_rebuild(level=level, stdout=self.stdout)
