"""The cache every worker shares when there is no Redis: Django's folder of files, with an
add() that is atomic across processes and entries kept uncompressed."""

from __future__ import annotations

import os
import pickle
import tempfile

from django.core.cache.backends import filebased
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.files import locks


class FileBasedCache(filebased.FileBasedCache):
    """Django's file cache, changed where the page cache (agencies/page_cache.py) needs it.

    - add() is atomic. It is the page cache's render lock: Django's looks for the file and then
      writes it, so workers missing a page at the same moment each found no lock, each took it,
      and all rendered the page at once (four renders an edit on the dashboard).
    - Entries are not compressed. A cached page is read on every hit, and inflating a 55 KB
      page was a third of a hit's time (34 µs of a page's read; 1 µs without); Redis keeps
      pages uncompressed too. Its own suffix: files of Django's compressed format, left by an
      earlier release in the same folder, are never read as these (nor culled or cleared).
    """

    cache_suffix = ".page"

    def get(self, key, default=None, version=None):
        try:
            with open(self._key_to_file(key, version), "rb") as file:
                if not self._is_expired(file):
                    return pickle.load(file)
        except FileNotFoundError:
            pass
        return default

    def _write_content(self, file, timeout, value) -> None:
        file.write(pickle.dumps(self.get_backend_timeout(timeout), self.pickle_protocol))
        file.write(pickle.dumps(value, self.pickle_protocol))

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        try:
            with open(self._key_to_file(key, version), "r+b") as file:
                locks.lock(file, locks.LOCK_EX)
                try:
                    if self._is_expired(file):
                        return False
                    value = pickle.load(file)
                    file.seek(0)
                    file.truncate()
                    self._write_content(file, timeout, value)
                    return True
                finally:
                    locks.unlock(file)
        except FileNotFoundError:
            return False

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None) -> bool:
        if self.has_key(key, version):  # which also deletes the file of an expired entry
            return False
        self._createdir()
        self._cull()
        fd, written = tempfile.mkstemp(dir=self._dir)
        try:
            with open(fd, "wb") as file:
                self._write_content(file, timeout, value)
            # A hard link is made only where no file is: of the workers adding at once, one
            # link lands and the others find its file.
            os.link(written, self._key_to_file(key, version))
        except FileExistsError:
            return False
        finally:
            os.remove(written)
        return True
