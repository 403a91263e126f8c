import time

from django.core.management.base import BaseCommand, CommandError

from agencies.synthetic import RealRecordsPresent, Sizes, generate, refresh_statistics


class Command(BaseCommand):
    help = (
        "Fill the database with a deterministic synthetic data set for load tests "
        "(every record marked synthetic)."
    )

    def add_arguments(self, parser):
        defaults = Sizes()
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")
        parser.add_argument("--agencies", type=int, default=defaults.agencies)
        parser.add_argument("--vendors", type=int, default=defaults.vendors)
        parser.add_argument(
            "--big-vendor-customers", type=int, default=defaults.big_vendor_customers
        )
        parser.add_argument("--facts", type=int, default=defaults.facts)
        parser.add_argument("--heavy-agency-facts", type=int, default=defaults.heavy_agency_facts)
        parser.add_argument("--sources", type=int, default=defaults.sources)
        parser.add_argument(
            "--allow-real-data",
            action="store_true",
            help="Add synthetic records to a database that holds real ones.",
        )

    def handle(self, *args, seed: int, allow_real_data: bool, **options):
        sizes = Sizes(
            **{name: options[name] for name in Sizes.__dataclass_fields__ if name in options}
        )
        started = time.perf_counter()
        try:
            counts = generate(sizes, seed, allow_real=allow_real_data)
        except RealRecordsPresent as error:
            raise CommandError(str(error)) from None
        refresh_statistics()
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Made {summary} in {elapsed:.1f} s."))
