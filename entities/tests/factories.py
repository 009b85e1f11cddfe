import factory

from entities.models import Alias, Event, Person, Place
from entities.normalize import normalize_name


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Person Number{n}")
    slug = factory.LazyAttribute(lambda p: p.name.lower().replace(" ", "-"))
    role = "Minister"


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    name = factory.Sequence(lambda n: f"Placeville{n}")
    slug = factory.LazyAttribute(lambda p: p.name.lower().replace(" ", "-"))
    place_kind = Place.Kind.CITY


class EventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Event

    name = factory.Sequence(lambda n: f"Summit number {n}")
    slug = factory.LazyAttribute(lambda e: e.name.lower().replace(" ", "-"))
    event_kind = Event.Kind.MEETING


class AliasFactory(factory.django.DjangoModelFactory):
    """Writes the row directly; services.alias_add is what the app uses (and bumps
    the matcher's version)."""

    class Meta:
        model = Alias

    person = factory.SubFactory(PersonFactory)
    name = factory.LazyAttribute(lambda a: a.person.name if a.person else "")
    normalized = factory.LazyAttribute(lambda a: normalize_name(a.name))
