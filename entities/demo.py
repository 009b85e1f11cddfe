"""The people, places and events of the five seed articles, with the names they go by.

Loaded by ``manage.py load_demo`` (so by ``make run``) and by the matching tests;
``mentions.demo`` then re-suggests mentions for the articles already there.
Idempotent: entities are upserted by slug and aliases by their normal form.

Wikidata IDs are given only where we are sure of them; the rest are left empty
rather than guessed.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from .models import Event, Place
from .services import entity_upsert

PEOPLE = [
    {
        "name": "Sergey Lavrov",
        "role": "Foreign Minister of Russia",
        "aliases": ("Sergei Lavrov", "Lavrov"),
    },
    {
        "name": "Ishaq Dar",
        "role": "Deputy Prime Minister and Foreign Minister of Pakistan",
        "aliases": ("Mohammad Ishaq Dar", "Muhammad Ishaq Dar", "Dar"),
    },
    {
        "name": "Subrahmanyam Jaishankar",
        "slug": "s-jaishankar",
        "role": "External Affairs Minister of India",
        "aliases": ("S Jaishankar", "S. Jaishankar", "Jaishankar"),
    },
    {
        "name": "Narendra Modi",
        "role": "Prime Minister of India",
        "wikidata_id": "Q1058",
        "aliases": ("Modi",),
    },
    {
        "name": "Mohammad Khalid Jamali",
        "role": "Ambassador of Pakistan to Russia",
        "aliases": ("Khalid Jamali", "Ambassador Jamali", "Jamali"),
    },
]

# Parents before children.
PLACES = [
    {"name": "India", "place_kind": Place.Kind.COUNTRY, "country": "IN", "wikidata_id": "Q668"},
    {
        "name": "Pakistan",
        "place_kind": Place.Kind.COUNTRY,
        "country": "PK",
        "wikidata_id": "Q843",
    },
    {
        "name": "Russia",
        "place_kind": Place.Kind.COUNTRY,
        "country": "RU",
        "wikidata_id": "Q159",
        "aliases": ("Russian Federation",),
    },
    {"name": "Uzbekistan", "place_kind": Place.Kind.COUNTRY, "country": "UZ"},
    {
        "name": "Kashmir",
        "place_kind": Place.Kind.REGION,
        "description": "A region disputed by India and Pakistan since 1947.",
        "aliases": ("Kashmir Valley",),
    },
    {
        "name": "Jammu and Kashmir",
        "place_kind": Place.Kind.TERRITORY,
        "country": "IN",
        "parent": "kashmir",
        "aliases": ("Jammu & Kashmir",),
    },
    {
        "name": "Anantnag",
        "place_kind": Place.Kind.DISTRICT,
        "country": "IN",
        "parent": "jammu-and-kashmir",
    },
    {"name": "Pahalgam", "place_kind": Place.Kind.TOWN, "country": "IN", "parent": "anantnag"},
    {
        "name": "Line of Control",
        "place_kind": Place.Kind.BOUNDARY,
        "parent": "kashmir",
        "description": "The military control line between the Indian- and "
        "Pakistani-administered parts of Kashmir.",
        "aliases": ("LoC",),
    },
    {
        "name": "Moscow",
        "place_kind": Place.Kind.CITY,
        "country": "RU",
        "parent": "russia",
        "wikidata_id": "Q649",
    },
    {
        "name": "New Delhi",
        "place_kind": Place.Kind.CITY,
        "country": "IN",
        "parent": "india",
        "wikidata_id": "Q987",
    },
    {"name": "Islamabad", "place_kind": Place.Kind.CITY, "country": "PK", "parent": "pakistan"},
    {"name": "Tashkent", "place_kind": Place.Kind.CITY, "country": "UZ", "parent": "uzbekistan"},
]

EVENTS = [
    {
        "name": "Pahalgam attack",
        "event_kind": Event.Kind.ATTACK,
        "start_date": dt.date(2025, 4, 22),
        "place": "pahalgam",
        "description": "Militants killed 26 people, most of them tourists, near Pahalgam.",
        "aliases": ("Pahalgam terror attack", "Pahalgam terrorist attack", "April 22 attack"),
    },
    {
        "name": "Simla Agreement",
        "event_kind": Event.Kind.TREATY,
        "start_date": dt.date(1972, 7, 2),
        "aliases": ("Simla Accord", "Shimla Agreement"),
    },
    {
        "name": "Lahore Declaration",
        "event_kind": Event.Kind.TREATY,
        "start_date": dt.date(1999, 2, 21),
    },
    {
        "name": "Tashkent Declaration",
        "event_kind": Event.Kind.TREATY,
        "start_date": dt.date(1966, 1, 10),
        "place": "tashkent",
        "aliases": ("Tashkent Agreement", "Tashkent talks", "Tashkent negotiations"),
    },
    {
        "name": "Pulwama attack",
        "event_kind": Event.Kind.ATTACK,
        "start_date": dt.date(2019, 2, 14),
        "aliases": ("Pulwama crisis", "Pulwama incident"),
    },
    {
        "name": "Indus Waters Treaty",
        "event_kind": Event.Kind.TREATY,
        "start_date": dt.date(1960, 9, 19),
        "aliases": ("Indus Water Treaty",),
    },
]


@transaction.atomic
def demo_entities_load() -> dict[str, int]:
    """Upsert the seed entities; returns how many of each kind were created."""
    created = {"person": 0, "place": 0, "event": 0}
    places: dict[str, Place] = {}
    for kind, rows in (("person", PEOPLE), ("place", PLACES), ("event", EVENTS)):
        for row in rows:
            fields = dict(row)
            aliases = fields.pop("aliases", ())
            if "parent" in fields:
                fields["parent"] = places[fields["parent"]]
            if kind == "event" and "place" in fields:
                fields["place"] = places[fields["place"]]
            entity, was_created = entity_upsert(kind=kind, aliases=aliases, **fields)
            created[kind] += was_created
            if kind == "place":
                places[entity.slug] = entity
    return created
