"""Outlet countries: ISO 3166-1 alpha-2 codes, checked against pycountry and named.

Coverage pages group outlets by country, so a mistyped code would make a country of
its own; the check keeps the stored value a real code, and pages show the name.
"""

from __future__ import annotations

from functools import lru_cache

import pycountry
from django.core.exceptions import ValidationError


@lru_cache(maxsize=512)
def country_name(code: str) -> str:
    """The usual English name of a country code ("PK" -> "Pakistan"), or "" if unknown."""
    country = pycountry.countries.get(alpha_2=code) if len(code) == 2 else None
    if country is None:
        return ""
    return getattr(country, "common_name", None) or country.name


def check_country_code(value: str) -> str:
    """Refuse anything but an ISO 3166-1 alpha-2 code in capitals ("PK", "GB")."""
    if value and (value != value.upper() or not country_name(value)):
        raise ValidationError(
            "“%(value)s” is not an ISO 3166-1 country code. Use two capital letters, "
            "such as PK for Pakistan or GB for the United Kingdom.",
            code="invalid_country",
            params={"value": value},
        )
    return value
