"""The cache every worker shares when there is no Redis: Django's folder of files, with an
add() that is atomic across processes."""

from __future__ import annotations

import os
import tempfile

from django.core.cache.backends import filebased
from django.core.cache.backends.base import DEFAULT_TIMEOUT


class FileBasedCache(filebased.FileBasedCache):
    """The page cache's render lock is an add() (agencies/page_cache.py). Django's looks for the
    file and then writes it, so workers missing a page at the same moment each found no lock,
    each took it and all rendered the page at once (four renders an edit on the dashboard)."""

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
