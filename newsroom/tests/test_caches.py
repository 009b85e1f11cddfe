"""The one-box file cache stays bounded while looking at its size only now and then."""

import multiprocessing
import os

import pytest

from newsroom.caches import FileCache

PROCESSES = 8


def test_a_full_file_cache_still_culls_entries_when_it_looks(tmp_path):
    cache = FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 50}})
    for number in range(FileCache.CULL_EVERY * 2):
        cache.set(f"page:{number}", "<html>…</html>")
    kept = len(list(tmp_path.glob("*.djcache")))
    assert kept < FileCache.CULL_EVERY * 2 - 50  # two looks, each dropping a third
    assert cache.get(f"page:{FileCache.CULL_EVERY * 2 - 1}") == "<html>…</html>"


def _add_after(barrier, results, directory: str) -> None:
    cache = FileCache(directory, {})
    barrier.wait()
    results.put(cache.add("lock:page", os.getpid(), timeout=60))


@pytest.mark.parametrize("attempt", range(3))
def test_of_many_processes_adding_the_same_key_at_once_exactly_one_wins(tmp_path, attempt):
    """The page cache's render lock (one render per stale page) is a ``cache.add``;
    gunicorn's workers are processes sharing this directory."""
    context = multiprocessing.get_context("fork")
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    workers = [
        context.Process(target=_add_after, args=(barrier, results, str(tmp_path)))
        for _ in range(PROCESSES)
    ]
    for worker in workers:
        worker.start()
    won = [results.get(timeout=30) for _ in workers]
    for worker in workers:
        worker.join()
    assert won.count(True) == 1
