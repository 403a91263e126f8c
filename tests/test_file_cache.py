"""The shared file cache's add(), which the page cache's render lock relies on."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from tracker.file_cache import FileBasedCache


def worker_cache(folder) -> FileBasedCache:
    """A handle on the shared folder, as each gunicorn worker opens its own."""
    return FileBasedCache(str(folder), {})


def test_a_key_written_between_the_look_and_the_write_is_not_taken(tmp_path, monkeypatch):
    """Two workers miss a page at once: both look for the render lock before either has
    written it. The one that writes second must not take it too."""
    first, second = worker_cache(tmp_path), worker_cache(tmp_path)
    monkeypatch.setattr(second, "has_key", lambda *args, **kwargs: False)
    assert first.add("lock", "first")
    assert not second.add("lock", "second")
    assert first.get("lock") == "first"


def test_of_many_workers_adding_at_once_one_takes_the_key(tmp_path):
    workers = 16
    start = Barrier(workers)

    def add(n: int) -> bool:
        cache = worker_cache(tmp_path)
        start.wait()
        return cache.add("lock", n)

    with ThreadPoolExecutor(workers) as pool:
        taken = list(pool.map(add, range(workers)))
    assert taken.count(True) == 1
    assert worker_cache(tmp_path).get("lock") == taken.index(True)
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        path.name for path in tmp_path.glob("*.djcache")
    ]  # no temporary file left behind


def test_an_expired_key_can_be_taken_again(tmp_path):
    cache = worker_cache(tmp_path)
    assert cache.add("lock", "old", timeout=-1)
    assert cache.add("lock", "new")
    assert cache.get("lock") == "new"
    assert not cache.add("lock", "newer")
