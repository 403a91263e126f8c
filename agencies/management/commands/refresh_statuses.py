from django.core.management.base import BaseCommand

from agencies.services.statuses import refresh_all_statuses


class Command(BaseCommand):
    help = "Derive every agency's status again from its uses and actions."

    def handle(self, *args, **options):
        count = refresh_all_statuses()
        self.stdout.write(f"Derived the status of {count} agencies.")
