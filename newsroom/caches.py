"""The file cache of one box: no directory listing on every write, and an atomic add."""

import os
import tempfile

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.filebased import FileBasedCache


class FileCache(FileBasedCache):
    """Django's file cache, looking whether to cull every ``CULL_EVERY`` writes.

    ``FileBasedCache`` lists its whole directory on every ``set`` to count its entries
    (``_cull``): with a few hundred pages, page parts and key generations that listing
    was most of a write's cost (a story page's miss stores five parts; an invalidation
    writes one entry a key). Here each process looks every ``CULL_EVERY`` writes, so
    the cache may hold up to that many entries a process over ``MAX_ENTRIES`` between
    looks; culling itself is Django's (a random third of the entries).

    ``add`` is atomic across processes: Django's checks for the key, then writes it, so
    two gunicorn workers could both take the page cache's render lock (one render per
    stale page, pagecache/middleware.py). Here the entry is written aside and linked
    into place, which fails when another process's entry is already there.
    """

    CULL_EVERY = 100

    def __init__(self, dir, params):  # noqa: A002 - Django's own parameter name
        super().__init__(dir, params)
        self._writes = 0

    def _cull(self):
        self._writes += 1
        if self._writes % self.CULL_EVERY == 0:
            super()._cull()

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        if self.has_key(key, version):  # an expired entry is deleted on the way
            return False
        self._createdir()
        self._cull()
        fd, written = tempfile.mkstemp(dir=self._dir)
        try:
            with open(fd, "wb") as file:
                self._write_content(file, timeout, value)
            os.link(written, self._key_to_file(key, version))
        except FileExistsError:
            return False
        finally:
            os.remove(written)
        return True
