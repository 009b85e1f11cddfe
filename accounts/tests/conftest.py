import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """allauth counts sign-ups and resets per address in the cache, which outlives a test."""
    cache.clear()
    yield
    cache.clear()
