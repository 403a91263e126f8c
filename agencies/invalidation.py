"""What every write to the record makes stale: the cached pages and the stored figures."""

from . import page_cache, summaries


def record_changed() -> None:
    """Every cached page and stored figure is out of date. Services call it once per write;
    the signals (agencies/signals.py) call it for any other write, such as a shell's."""
    page_cache.invalidate()
    summaries.move_generation()
