"""The public page cache: keys per page (keys.py), invalidation on commit
(invalidation.py), generations (generation.py) and the middleware that serves pages."""

from .invalidation import invalidate_all_on_commit, invalidate_on_commit

__all__ = ["invalidate_all_on_commit", "invalidate_on_commit"]
