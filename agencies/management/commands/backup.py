from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tracker import backups


class Command(BaseCommand):
    help = (
        "Copy the whole database while the site runs: SQLite's online backup API (then an "
        "integrity check of the copy), or pg_dump -Fc on PostgreSQL. Restore with `restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            type=Path,
            help="Where to write the copy (default: backups/tracker-<UTC time><suffix>).",
        )
        parser.add_argument(
            "--timeout", type=float, default=3600, help="Seconds pg_dump may take (3600)."
        )

    def handle(self, *args, path: Path | None, timeout: float, **options):
        if path is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            path = Path(settings.BASE_DIR) / "backups" / f"tracker-{stamp}{backups.suffix()}"
        try:
            backups.backup(path, timeout=timeout)
        except backups.BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(self.style.SUCCESS(f"Wrote {path} ({path.stat().st_size:,} bytes)."))
