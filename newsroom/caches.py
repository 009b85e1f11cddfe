"""The file cache of one box, without a directory listing on every write."""

from django.core.cache.backends.filebased import FileBasedCache


class FileCache(FileBasedCache):
    """Django's file cache, looking whether to cull every ``CULL_EVERY`` writes.

    ``FileBasedCache`` lists its whole directory on every ``set`` to count its entries
    (``_cull``): with a few hundred pages, page parts and key generations that listing
    was most of a write's cost (a story page's miss stores five parts; an invalidation
    writes one entry a key). Here each process looks every ``CULL_EVERY`` writes, so
    the cache may hold up to that many entries a process over ``MAX_ENTRIES`` between
    looks; culling itself is Django's (a random third of the entries).
    """

    CULL_EVERY = 100

    def __init__(self, dir, params):  # noqa: A002 - Django's own parameter name
        super().__init__(dir, params)
        self._writes = 0

    def _cull(self):
        self._writes += 1
        if self._writes % self.CULL_EVERY == 0:
            super()._cull()
