"""The one-box file cache stays bounded while looking at its size only now and then."""

from newsroom.caches import FileCache


def test_a_full_file_cache_still_culls_entries_when_it_looks(tmp_path):
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 50}})
    for number in range(FileCache.CULL_EVERY * 2):
        cache.set(f"page:{number}", "<html>…</html>")
    kept = len(list(tmp_path.glob("*.djcache")))
    assert kept < FileCache.CULL_EVERY * 2 - 50  # two looks, each dropping a third
    assert cache.get(f"page:{FileCache.CULL_EVERY * 2 - 1}") == "<html>…</html>"
