"""Check the derived tables against a full recomputation, or rebuild them."""

import time

from django.core.management.base import BaseCommand, CommandError

from maps import rollups


class Command(BaseCommand):
    help = (
        "Compare the rollups with a recomputation from the raw rows (--check, "
        "exit code 1 when they differ) or rebuild them (--rebuild)."
    )

    def add_arguments(self, parser):
        action = parser.add_mutually_exclusive_group(required=True)
        action.add_argument("--check", action="store_true")
        action.add_argument("--rebuild", action="store_true")

    def handle(self, *args, check, rebuild, **options):
        started = time.perf_counter()
        if rebuild:
            counts = rollups.rebuild()
            for table, rows in counts.items():
                self.stdout.write(f"{table}: {rows} rows")
            seconds = time.perf_counter() - started
            self.stdout.write(
                f"rebuilt {len(counts)} tables, {sum(counts.values())} rows "
                f"in {seconds:.1f} s"
            )
            return
        lines = rollups.differences()
        seconds = time.perf_counter() - started
        if lines:
            for line in lines:
                self.stderr.write(line)
            raise CommandError(
                f"the rollups differ from the raw rows ({len(lines)} lines, "
                f"{seconds:.1f} s); manage.py rollups --rebuild replaces them",
                returncode=1,
            )
        names = ", ".join(d.name for d in rollups.DERIVED)
        self.stdout.write(f"rollups ({names}): no differences ({seconds:.1f} s)")
