"""Writes to people, places and events.

Layering: entities sits below articles. Articles, sources and coverage may import
from here; nothing here imports them (relations to articles are by string).
"""

from django.utils.text import slugify

from .models import Person


def person_for_byline(*, name: str) -> Person:
    """The person a byline names, created on the fly when new.

    Matched by slug for now; alias resolution ("Sergey"/"Sergei") refines this.
    """
    name = " ".join(name.split())
    slug = slugify(name)[:200] or "person"
    person, _ = Person.objects.get_or_create(slug=slug, defaults={"name": name})
    return person
