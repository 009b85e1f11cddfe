import pytest


@pytest.fixture(autouse=True)
def generous_rate_limit(settings):
    """Factories create many comments in one minute; rate-limit tests set their own limit."""
    settings.COMMENTS_RATE_LIMIT_PER_MINUTE = 1000
