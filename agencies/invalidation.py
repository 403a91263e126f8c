"""What every write to the record makes stale: the cached pages and the stored figures."""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from . import page_cache, summaries

# Inside batched(): whether a write asked for invalidation; None outside.
_pending: ContextVar[list[bool] | None] = ContextVar("invalidation_pending", default=None)


def record_changed() -> None:
    """Every cached page and stored figure is out of date. Services call it once per write;
    the signals (agencies/signals.py) call it for any other write, such as a shell's."""
    pending = _pending.get()
    if pending is not None:
        pending.append(True)
        return
    page_cache.invalidate()
    summaries.move_generation()


@contextmanager
def batched(*, discard: bool = False) -> Iterator[None]:
    """Many writes, one invalidation at the end of the block (an import of thousands of rows);
    with `discard`, none: the writes are to be rolled back (an import's preview)."""
    pending: list[bool] = []
    token = _pending.set(pending)
    try:
        yield
    finally:
        _pending.reset(token)
    if pending and not discard:
        record_changed()
