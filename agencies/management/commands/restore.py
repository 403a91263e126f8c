from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tracker import backups


class Command(BaseCommand):
    help = (
        "Replace every row of the database with a copy written by `backup`, all or nothing. "
        "A file that is not a valid copy is refused before anything is touched."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="A copy written by `manage.py backup`.")
        parser.add_argument(
            "--no-input",
            "--noinput",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )
        parser.add_argument(
            "--timeout", type=float, default=3600, help="Seconds pg_restore may take (3600)."
        )

    def handle(self, *args, path: Path, interactive: bool, timeout: float, **options):
        try:
            backups.check(path, timeout=timeout)
            if interactive:
                answer = input(
                    f"Every row of the database will be replaced by the copy in {path}.\n"
                    "Type 'yes' to go on: "
                )
                if answer.strip() != "yes":
                    raise CommandError("Restore cancelled; nothing was changed.")
            backups.restore(path, timeout=timeout)
        except backups.BackupError as exc:
            raise CommandError(f"{exc}; nothing was changed.") from exc
        self.stdout.write(self.style.SUCCESS(f"Restored the database from {path}."))
