"""Data a page part shows, read only when a part renders it, its keys named each time.

A page part (pagecache/parts.py) is not rendered on a hit, so whatever only it reads
should not be read by the view: the view passes a callable instead, which the template
calls when (and only if) the part renders. The value is read once a request; the page
keys it stands for (pagecache/keys.py) are registered on every read, so that each part
showing it names them (a part names the keys registered while it rendered), and the
page names them too, whether its parts were kept or rendered again.
"""

from __future__ import annotations

from collections.abc import Callable

from pagecache import keys

_UNREAD = object()


def read_when_shown[T](request, *page_keys: str, load: Callable[[], T]) -> Callable[[], T]:
    """A callable for a template context: ``load()``'s value, read at the first call."""
    value: object = _UNREAD

    def shown() -> T:
        nonlocal value
        keys.add(request, *page_keys)
        if value is _UNREAD:
            value = load()
        return value  # type: ignore[return-value]  # load()'s, once read

    return shown
