"""manage.py backup [--output DIR]: the database, the media files and a manifest.

Operator output is English (like Django's own commands); nothing here reaches
residents or organisers.
"""

import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from ops.postgres import Target, ToolError
from ops.services import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Write a backup directory (pg_dump custom format, a copy of MEDIA_ROOT, "
        "manifest.json with checksums of every table and file)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            default=Path(settings.BASE_DIR) / "var" / "backups",
            help="Directory to write the backup into (default: var/backups).",
        )

    def handle(self, *args, output: Path, **options):
        target = Target.from_settings(connections["default"].settings_dict)
        try:
            path = backup_create(
                target=target,
                media_root=Path(settings.MEDIA_ROOT),
                output=output.resolve(),
                base_dir=Path(settings.BASE_DIR),
            )
        except (BackupError, ToolError, OSError) as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        data = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        rows = sum(t["rows"] for t in data["tables"].values())
        self.stdout.write(
            f"Backed up {data['database']['name']}: {len(data['tables'])} tables, "
            f"{rows} rows, {len(data['media'])} media files, dump "
            f"{data['dump']['size']} bytes (checksums {data['seconds']['checksums']} s, "
            f"dump {data['seconds']['dump']} s)"
        )
        self.stdout.write(str(path))
