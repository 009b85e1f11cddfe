"""Opaque cursors for keyset pagination: the sort key of the last row a client saw.

A cursor survives inserts and deletions between requests (unlike a page number): the
next page starts strictly after that key, and every ordering ends with the primary key,
so it is total and stable.
"""

from __future__ import annotations

import base64
import datetime as dt
import json

from ninja.errors import HttpError


def encode(values: list) -> str:
    text = json.dumps(
        [v.isoformat() if isinstance(v, dt.datetime | dt.date) else v for v in values]
    )
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def decode(cursor: str, shape: tuple[type, ...]) -> list:
    """The values of ``cursor``, of the types in ``shape`` (None allowed); 400 if bad."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        if not isinstance(values, list) or len(values) != len(shape):
            raise ValueError
        decoded = []
        for value, kind in zip(values, shape, strict=True):
            if value is None:
                decoded.append(None)
            elif kind is dt.datetime:
                moment = dt.datetime.fromisoformat(value)
                if moment.tzinfo is None:
                    raise ValueError
                decoded.append(moment)
            elif kind is int:
                if type(value) is not int or not -(2**63) < value < 2**63:
                    raise ValueError
                decoded.append(value)
            elif kind is str:
                if not isinstance(value, str):
                    raise ValueError
                decoded.append(value)
            else:
                raise ValueError
        return decoded
    except (ValueError, TypeError, UnicodeError) as error:
        raise HttpError(400, "Invalid cursor.") from error
