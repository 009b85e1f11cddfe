"""Writes to people, places and events and their aliases.

Layering: entities sits below articles. Articles and every app above may import
from here; nothing here imports them. What involves articles (mentions, ambiguous
names, merges, which move bylines and mentions) is in ``mentions.services``.
"""

from __future__ import annotations

import re
import uuid
from typing import Any, cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from .models import ENTITY_KINDS, Alias, AliasVersion, Entity, Event, Person, Place, SlugRedirect
from .normalize import normalize_name

MODEL_BY_KIND: dict[str, type[Entity]] = {"person": Person, "place": Place, "event": Event}


# Aliases ---------------------------------------------------------------------------


def alias_version_bump() -> None:
    """Tell every process's matcher that aliases changed (rebuilt on next use)."""
    AliasVersion.objects.update_or_create(pk=1, defaults={"version": uuid.uuid4()})


@transaction.atomic
def alias_add(*, entity: Entity, name: str) -> Alias:
    """Add a spelling of ``entity``'s name; adding one it already has changes nothing."""
    alias, created = _alias_get_or_create(entity=entity, name=name)
    if created:
        alias_version_bump()
    return alias


def _alias_get_or_create(*, entity: Entity, name: str) -> tuple[Alias, bool]:
    """Without the version bump, so that a batch of aliases bumps it once."""
    name = " ".join(name.split())
    normalized = normalize_name(name)
    if not normalized:
        raise ValidationError({"name": "An alias needs at least one letter or digit."})
    alias = Alias.objects.filter(**{entity.kind: entity, "normalized": normalized}).first()
    if alias is not None:
        return alias, False
    alias = Alias(name=name, normalized=normalized)
    alias.entity = entity
    # The constraints hold by construction (one entity, a non-empty normal form, and
    # the look-up above); the database enforces them again on insert.
    alias.full_clean(validate_constraints=False)
    alias.save()
    return alias, True


@transaction.atomic
def alias_remove(*, alias: Alias) -> None:
    alias.delete()
    alias_version_bump()


def entities_for_alias(*, name: str, kind: str | None = None) -> list[Entity]:
    """Every entity (of ``kind``) that answers to ``name``: an exact, indexed look-up."""
    aliases = Alias.objects.filter(normalized=normalize_name(name))
    kinds = [kind] if kind else list(ENTITY_KINDS)
    found: list[Entity] = []
    for each in kinds:
        ids = aliases.filter(**{f"{each}__isnull": False}).values(f"{each}_id")
        found += MODEL_BY_KIND[each].objects.filter(pk__in=ids).order_by("pk")
    return found


# Entities --------------------------------------------------------------------------


def _unique_slug(model: type[Entity], name: str) -> str:
    base = slugify(name)[:190] or model.kind
    slug, n = base, 2
    while (
        model.objects.filter(slug=slug).exists()
        or SlugRedirect.objects.filter(kind=model.kind, old_slug=slug).exists()
    ):
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def entity_upsert(
    *, kind: str, name: str, slug: str = "", aliases: tuple[str, ...] = (), **fields: Any
) -> tuple[Entity, bool]:
    """Create or update the entity with ``slug``; its name is always one of its aliases.

    Re-running with the same input changes nothing, so the demo loader is idempotent.
    """
    model = MODEL_BY_KIND[kind]
    slug = slug or slugify(name)[:200]
    existing = model.objects.filter(slug=slug).first()
    created = existing is None
    entity = existing if existing is not None else model(slug=slug or _unique_slug(model, name))
    changed = [
        key for key, value in {"name": name, **fields}.items() if getattr(entity, key) != value
    ]
    for key in changed:
        setattr(entity, key, fields.get(key, name))
    if created or changed:
        entity.full_clean()
        entity.save()
    added = [_alias_get_or_create(entity=entity, name=alias)[1] for alias in (name, *aliases)]
    if any(added):
        alias_version_bump()
    return entity, created


@transaction.atomic
def entity_create(*, kind: str, name: str, aliases: tuple[str, ...] = (), **fields: Any) -> Entity:
    """A new entity with a slug of its own and ``name`` and ``aliases`` as its spellings.

    Unlike ``entity_upsert`` it never updates an entity that happens to have the slug
    its name makes (a second "Ali Khan" gets ``ali-khan-2``): accepting a new name from
    the review queue must not rewrite someone else's page.
    """
    model = MODEL_BY_KIND[kind]
    name = " ".join(name.split())
    entity = model(name=name, slug=_unique_slug(model, name), **fields)
    entity.full_clean()
    entity.save()
    for alias in dict.fromkeys((name, *aliases)):
        _alias_get_or_create(entity=entity, name=alias)
    alias_version_bump()  # its page and the names list: entities/invalidation.py
    return entity


# Credits that name a desk or a news agency, not a person: they must never become a
# Person with a public page. Whole credits, in normal form (see ``normalize_name``).
DESK_CREDITS = frozenset(
    {
        "ap", "afp", "ani", "ians", "pti", "uni", "dpa", "efe", "tass", "xinhua", "reuters",
        "agencies", "agency", "wires", "associated press", "agence france presse",
        "press trust of india", "express news service", "tns", "our correspondent",
        "special correspondent", "our bureau", "our special correspondent", "staff",
        "editorial", "editorial board", "the editors",
    }
)  # fmt: skip
# Words that make a short credit a desk's: "Desk Report", "Web Desk", "Staff Reporter".
DESK_WORDS = frozenset({"bureau", "desk", "newsroom", "staff", "wire", "agencies", "team"})
# "Reuters/AP", "PTI with inputs from agencies": credits joined by these are read part by part.
_CREDIT_JOINS = re.compile(r"\s*(?:[/|&,+]|\band\b|\bwith inputs from\b|\bwith\b)\s*", re.I)


def is_desk_credit(name: str) -> bool:
    """True when a byline credits a desk or an agency ("Desk Report", "Reuters", "PTI").

    Every importer and the admin ask this one function, so such a credit stays a desk
    credit (``Byline.Role.DESK``) with no person behind it, however it arrived.
    """
    parts = [normalize_name(p) for p in _CREDIT_JOINS.split(name)]
    parts = [p for p in parts if p]
    if not parts:
        return False
    return all(_is_desk_part(part) for part in parts)


def _is_desk_part(part: str) -> bool:
    words = part.split()
    if words[0] == "by":
        words = words[1:]
    return " ".join(words) in DESK_CREDITS or (
        0 < len(words) <= 4 and any(w in DESK_WORDS for w in words)
    )


def person_for_byline(*, name: str) -> Person | None:
    """The person a byline names, found through aliases, created when new.

    When the name is an alias of exactly one person, that is the person. When it
    is an alias of several, the byline is not guessed onto one of them: it falls
    back to the person with the name's slug, as for a new name. A desk or agency
    credit names nobody: the answer is None, and no Person is created.
    """
    name = " ".join(name.split())
    if is_desk_credit(name):
        return None
    people = entities_for_alias(name=name, kind="person")
    if len(people) == 1:
        return cast(Person, people[0])  # entities_for_alias(kind="person") gives people
    slug = slugify(name)[:200] or "person"
    with transaction.atomic():
        person, created = Person.objects.get_or_create(slug=slug, defaults={"name": name})
        if created and normalize_name(name):
            alias_add(entity=person, name=name)
    return cast(Person, person)


def slug_redirect_add(*, entity: Entity, old_slug: str) -> SlugRedirect:
    """Make ``/<kind>/<old_slug>/`` answer 301 to ``entity`` (after a rename or merge)."""
    redirect = SlugRedirect.objects.filter(kind=entity.kind, old_slug=old_slug).first()
    redirect = redirect or SlugRedirect(kind=entity.kind, old_slug=old_slug)
    redirect.entity = entity
    redirect.full_clean()
    redirect.save()
    return redirect
