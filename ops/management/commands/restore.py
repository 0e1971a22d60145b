"""manage.py restore BACKUP [--database-url URL] [--media-root DIR] [--force].

Operator output is English (like Django's own commands); nothing here reaches
residents or organisers.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from ops.postgres import Target, ToolError
from ops.services import BackupError, Restored, backup_restore


class Command(BaseCommand):
    help = (
        "Verify a backup against its manifest, restore the database and the media "
        "files, then compare every table's rows and checksum and every file's "
        "sha256 with the manifest (non-zero exit on any difference)."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="The backup directory.")
        parser.add_argument(
            "--database-url",
            help="Restore into this database (default: the configured one).",
        )
        parser.add_argument(
            "--media-root",
            type=Path,
            help="Copy the media files here (default: MEDIA_ROOT).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Drop the database's schemas first if it has tables; overwrite "
            "media files that differ.",
        )

    def handle(self, *args, backup, database_url, media_root, force, **options):
        if database_url:
            target = Target.from_url(database_url)
        else:
            target = Target.from_settings(connections["default"].settings_dict)
            # Our own connection would hold locks on the tables we drop.
            connections["default"].close()
        try:
            result = backup_restore(
                backup=backup,
                target=target,
                media_root=Path(media_root or settings.MEDIA_ROOT),
                force=force,
            )
        except (BackupError, ToolError, OSError) as exc:
            raise CommandError(f"restore refused or failed: {exc}") from exc
        self._report(result)
        if not result.ok:
            raise CommandError(
                "restored, but the database or the media files differ from the "
                "manifest (see the table above)"
            )
        self.stdout.write(
            f"Restored into {target.name}: every table and media file equals the "
            "manifest."
        )

    def _report(self, result: Restored) -> None:
        width = max([len(c.name) for c in result.checks] + [20])
        self.stdout.write(
            f"{'kind':<6} {'name':<{width}} {'expected':>12} {'restored':>12}  "
            "checksum  status"
        )
        for check in result.checks:
            if check.kind == "table":
                expected, found = (
                    check.expected["rows"],
                    (check.found or {}).get("rows", "-"),
                )
            else:
                expected, found = (
                    check.expected["size"],
                    (check.found or {}).get("size", "-"),
                )
            key = "md5" if check.kind == "table" else "sha256"
            same = check.found is not None and check.found[key] == check.expected[key]
            digest = "equal" if same else "DIFFERS"
            status = "ok" if check.ok else "MISMATCH"
            self.stdout.write(
                f"{check.kind:<6} {check.name:<{width}} {expected:>12} {found:>12}  "
                f"{digest:<8}  {status}"
            )
        for name in result.unexpected_tables:
            self.stdout.write(f"table  {name:<{width}} not in the manifest  MISMATCH")
        if result.media_skipped:
            self.stdout.write(
                f"{result.media_skipped} media files were in place already (equal)."
            )
