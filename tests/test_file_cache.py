"""The shared file cache's add(), which the page cache's render lock relies on."""

from concurrent.futures import ThreadPoolExecutor
from threading import Barrier

from django.core.cache.backends import filebased

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
    assert [path.suffix for path in tmp_path.iterdir()] == [".page"]  # no temporary file left


def test_an_expired_key_can_be_taken_again(tmp_path):
    cache = worker_cache(tmp_path)
    assert cache.add("lock", "old", timeout=-1)
    assert cache.add("lock", "new")
    assert cache.get("lock") == "new"
    assert not cache.add("lock", "newer")


def test_an_entry_is_stored_uncompressed_and_read_back(tmp_path):
    cache = worker_cache(tmp_path)
    page = ("generation", {"Content-Type": "text/html"}, b"<p>page</p>" * 1000)
    cache.set("page", page)
    (stored,) = tmp_path.iterdir()
    assert page[2] in stored.read_bytes()  # as written: a hit inflates nothing
    assert cache.get("page") == page
    assert cache.touch("page", timeout=60)
    assert cache.get("page") == page
    assert not cache.touch("missing")


def test_django_compressed_files_left_in_the_folder_are_not_read(tmp_path):
    """An earlier release wrote Django's format in the same folder (CACHE_DIR)."""
    filebased.FileBasedCache(str(tmp_path), {}).set("page", "the old release's page")
    cache = worker_cache(tmp_path)
    assert cache.get("page") is None
    cache.set("page", "this release's page")
    assert cache.get("page") == "this release's page"
