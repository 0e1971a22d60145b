from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from geo.loading import LoadError, feature_count, load_areas

PROGRESS_FROM = 200  # features; smaller files load too fast to need a bar


class Command(BaseCommand):
    help = (
        "Load administrative areas from a vector file GDAL reads (GeoJSON, "
        "Shapefile, GeoPackage, KML), in any coordinate system. Re-running updates."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument(
            "--level", required=True, help="province, district, commune…"
        )
        parser.add_argument("--name-field", required=True)
        parser.add_argument("--code-field")
        parser.add_argument("--name-en-field")
        parser.add_argument(
            "--parent-level", help="link each area to the parent covering most of it"
        )
        parser.add_argument("--layer")
        parser.add_argument(
            "--approximate",
            action="store_true",
            help="mark the shapes as approximate (illustrative, not official)",
        )

    def handle(self, *args, **opts):
        total = feature_count(opts["path"], opts["layer"])
        bar = tqdm(
            total=total,
            unit="area",
            file=self.stderr,
            disable=total < PROGRESS_FROM,
        )
        try:
            report = load_areas(
                opts["path"],
                level=opts["level"],
                name_field=opts["name_field"],
                code_field=opts["code_field"],
                name_en_field=opts["name_en_field"],
                parent_level=opts["parent_level"],
                layer=opts["layer"],
                approximate=opts["approximate"],
                progress=lambda _i: bar.update(1),
            )
        except LoadError as exc:
            raise CommandError(f"{exc} (nothing was loaded)") from exc
        finally:
            bar.close()
        if report.assumed_wgs84:
            self.stderr.write("The file names no coordinate system: read as WGS84.")
        summary = (
            f"{report.features} features: {report.created} created, "
            f"{report.updated} updated, {report.repaired} repaired"
        )
        if opts["parent_level"]:
            summary += (
                f"; {report.linked} linked to a {opts['parent_level']}, "
                f"{report.without_parent} without one"
            )
        self.stdout.write(summary)
