import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_counters():
    """Each test starts with no requests counted against its client address."""
    cache.clear()
    yield
    cache.clear()
