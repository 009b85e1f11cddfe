"""schema.org JSON-LD for entity pages, as a data block that is safe to print.

The data is built in Python and serialised with json.dumps; ``<``, ``>`` and ``&``
are escaped as JSON unicode escapes, so no name an importer wrote can close the
script element. A ``type="application/ld+json"`` block is data, not script, so the
Content-Security-Policy (no inline scripts) does not apply to it.
"""

from __future__ import annotations

import json

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from .models import Entity, Event, Place

# Three ``str.replace`` calls, not ``str.translate`` with a dict: the same text, but
# translate maps character by character in Python once the text is not ASCII, about
# 3 ms for a large story's 15 KB of JSON-LD (20 µs this way).
_ESCAPES = (("<", "\\u003C"), (">", "\\u003E"), ("&", "\\u0026"))

_PLACE_TYPES = {
    Place.Kind.COUNTRY: "Country",
    Place.Kind.CITY: "City",
    Place.Kind.TOWN: "City",
    Place.Kind.REGION: "AdministrativeArea",
    Place.Kind.TERRITORY: "AdministrativeArea",
    Place.Kind.DISTRICT: "AdministrativeArea",
}


def entity_jsonld(*, entity: Entity, aliases: list[str], url: str) -> dict:
    data: dict = {"@context": "https://schema.org", "name": entity.name, "url": url}
    alternate = [a for a in aliases if a != entity.name]
    if alternate:
        data["alternateName"] = alternate
    if entity.description:
        data["description"] = entity.description
    if entity.wikidata_id:
        data["sameAs"] = [entity.wikidata_url]
    if entity.kind == "person":
        data["@type"] = "Person"
        if entity.role:
            data["jobTitle"] = entity.role
    elif entity.kind == "place":
        data["@type"] = _PLACE_TYPES.get(entity.place_kind, "Place")
        if entity.parent:
            data["containedInPlace"] = {"@type": "Place", "name": entity.parent.name}
    elif entity.kind == "event":
        event: Event = entity
        data["@type"] = "Event"
        if event.start_date:
            data["startDate"] = event.start_date.isoformat()
        if event.end_date:
            data["endDate"] = event.end_date.isoformat()
        if event.place:
            data["location"] = {"@type": "Place", "name": event.place.name}
    return data


def jsonld_script(data: dict) -> SafeString:
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    for character, escape in _ESCAPES:
        text = text.replace(character, escape)
    # Safe: every character that could end the element or start markup is escaped.
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308
