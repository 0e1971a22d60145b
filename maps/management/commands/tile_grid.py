from django.core.management.base import BaseCommand, CommandError

from maps import selectors, services


class Command(BaseCommand):
    help = (
        "Check the vector tiles' hotspot grids against a recount of the public "
        "hotspots (the default), or rebuild them (--rebuild)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rebuild", action="store_true")

    def handle(self, *args, rebuild: bool, **options):
        if rebuild:
            cells = services.tile_grid_rebuild()
            self.stdout.write(f"tile grid rebuilt: {cells} cells")
        plain, faceted = selectors.tile_grid_differences()
        if plain or faceted:
            raise CommandError(
                f"tile grid differs from a recount: {plain} cells, "
                f"{faceted} per-filter cells (run with --rebuild)"
            )
        self.stdout.write("tile grid matches a recount of the public hotspots")
