import argparse
import time

from django.core.management.base import BaseCommand, CommandError

from agencies.synthetic import RealRecordsPresent, Sizes, generate, refresh_statistics


def ladder(text: str) -> tuple[int, ...]:
    """ "50,500,5000" as (50, 500, 5000)."""
    try:
        return tuple(int(part.replace("_", "")) for part in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError(f"numbers separated by commas, not {text!r}") from None


class Command(BaseCommand):
    help = (
        "Fill the database with a deterministic synthetic data set for load tests "
        "(every record marked synthetic), with agencies of a ladder of fact counts and vendors "
        "of a ladder of customer counts (agencies.synthetic.Sizes)."
    )

    def add_arguments(self, parser):
        defaults = Sizes()
        parser.add_argument("--seed", type=int, default=1, help="Same seed, same data.")
        parser.add_argument("--agencies", type=int, default=defaults.agencies)
        parser.add_argument("--vendors", type=int, default=defaults.vendors)
        parser.add_argument(
            "--facts",
            type=int,
            default=defaults.facts,
            help="Uses, incidents, actions and citations in all.",
        )
        parser.add_argument("--sources", type=int, default=defaults.sources)
        parser.add_argument(
            "--agency-facts",
            type=ladder,
            default=defaults.agency_facts,
            metavar="N,N,…",
            help="One agency with each number of uses, incidents and actions, slug "
            "synthetic-agency-facts-N (default: %(default)s).",
        )
        parser.add_argument(
            "--vendor-customers",
            type=ladder,
            default=defaults.vendor_customers,
            metavar="N,N,…",
            help="One vendor with each number of public uses of its products, slug "
            "synthetic-vendor-customers-N (default: %(default)s).",
        )
        parser.add_argument(
            "--allow-real-data",
            action="store_true",
            help="Add synthetic records to a database that holds real ones.",
        )

    def handle(self, *args, seed: int, allow_real_data: bool, **options):
        try:
            sizes = Sizes(
                **{name: options[name] for name in Sizes.__dataclass_fields__ if name in options}
            )
        except ValueError as error:
            raise CommandError(str(error)) from None
        started = time.perf_counter()
        try:
            counts = generate(sizes, seed, allow_real=allow_real_data)
        except RealRecordsPresent as error:
            raise CommandError(str(error)) from None
        refresh_statistics()
        elapsed = time.perf_counter() - started
        summary = ", ".join(f"{count:,} {name}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Made {summary} in {elapsed:.1f} s."))
