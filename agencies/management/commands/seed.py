from django.core.management.base import BaseCommand

from agencies.services.seed import load_seed_data


class Command(BaseCommand):
    help = "Load the seed facts (fixtures/) into an empty database and derive agency statuses."

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when agencies exist (records with the same ids are overwritten).",
        )

    def handle(self, *args, force: bool = False, **options):
        if load_seed_data(force=force):
            self.stdout.write(self.style.SUCCESS("Loaded the seed data."))
        else:
            self.stdout.write("The database already holds agencies; seed data not loaded.")
