import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from tqdm import tqdm

from geo.loading import LoadError, feature_count, load_areas
from geo.management.relink import relink_and_rebuild, suspend_rollups

PROGRESS_FROM = 200  # features; smaller files load too fast to need a bar


def _day(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"Not a date (YYYY-MM-DD): {text!r}") from exc


class Command(BaseCommand):
    help = (
        "Load administrative areas from a vector file GDAL reads (GeoJSON, "
        "Shapefile, GeoPackage, KML), in any coordinate system, then re-link every "
        "hotspot and cleanup event to the level. Re-running updates (same code and "
        "name); areas overlapping the level's existing ones (> 1 %) or an existing "
        "code with another name are refused unless --replace. All or nothing."
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
        parser.add_argument(
            "--encoding",
            help="text encoding of a Shapefile's .dbf (cp1258, latin-1…), for "
            "files without a .cpg; overrides the .cpg",
        )
        parser.add_argument(
            "--valid-from",
            type=_day,
            help="first day the units are in force (YYYY-MM-DD), e.g. 2025-07-01",
        )
        parser.add_argument(
            "--valid-to",
            type=_day,
            help="first day the units are no longer in force (YYYY-MM-DD)",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace the level's areas (of the same validity window) whole",
        )

    def handle(self, *args, **opts):
        total = feature_count(opts["path"], opts["layer"])
        bar = tqdm(
            total=total,
            unit="area",
            file=self.stderr,
            disable=total < PROGRESS_FROM,
        )
        level = opts["level"]
        try:
            with transaction.atomic():
                suspend_rollups()
                report = load_areas(
                    opts["path"],
                    level=level,
                    name_field=opts["name_field"],
                    code_field=opts["code_field"],
                    name_en_field=opts["name_en_field"],
                    parent_level=opts["parent_level"],
                    layer=opts["layer"],
                    approximate=opts["approximate"],
                    encoding=opts["encoding"],
                    valid_from=opts["valid_from"],
                    valid_to=opts["valid_to"],
                    replace=opts["replace"],
                    progress=lambda _i: bar.update(1),
                )
                bar.close()
                self._warn(report)
                self._summary(report, opts)
                done = relink_and_rebuild(level=level, stdout=self.stdout)
        except LoadError as exc:
            raise CommandError(f"{exc} (nothing was loaded)") from exc
        finally:
            bar.close()
        for one in done:
            noun = one.model.rsplit(".", 1)[-1]
            self.stdout.write(
                f"{one.linked} of {one.rows} {noun} rows linked to a '{level}' area"
            )

    def _warn(self, report) -> None:
        if report.assumed_wgs84:
            self.stderr.write("The file names no coordinate system: read as WGS84.")
        for note in report.notes:
            self.stderr.write(note)
        if report.misdecoded:
            self.stderr.write(
                f"Warning: {len(report.misdecoded)} names look mis-decoded (wrong "
                "encoding? a Shapefile without .cpg needs --encoding, e.g. "
                "--encoding cp1258): " + "; ".join(report.misdecoded[:10])
            )

    def _summary(self, report, opts) -> None:
        for line in report.renamed:
            self.stdout.write(f"name fixed, {line}")
        summary = (
            f"{report.features} features: {report.created} created, "
            f"{report.updated} updated, {report.repaired} repaired"
        )
        if opts["replace"]:
            summary += (
                f", {report.replaced} replaced (deleted, with their "
                f"{report.links_dropped} row links), "
                f"{report.children_repointed} child areas re-pointed"
            )
        if report.renamed:
            summary += f", {len(report.renamed)} names fixed"
        if opts["parent_level"]:
            summary += (
                f"; {report.linked} linked to a {opts['parent_level']}, "
                f"{report.without_parent} without one"
            )
        self.stdout.write(summary)
