"""New names: collected from articles, reviewed by editors, suggested while typing.

- ``candidates_collect(article=...)`` runs ``entities.discovery.discover`` over an
  article (with the matcher's dictionary as ``known``) and stores one occurrence per
  (candidate, article); re-running replaces the article's occurrences. A name editors
  rejected, accepted or merged is never proposed again: its (kind, key) row stays.
- ``candidate_accept``, ``candidate_merge`` and ``candidate_reject`` are the queue's
  decisions. Accepting and merging write aliases (which bumps the matcher's version, so
  every process's automaton is rebuilt on its next use) and, once the decision commits,
  enqueue ``discovery.tasks.link_candidate_articles``: ``candidate_articles_link``
  re-runs ``mentions.services.mentions_suggest`` on every article that names the
  candidate. Not in the request: a name in the news is named by hundreds of articles, at
  about 7 ms each (``bench/candidate_accept.py``).
- Variant spellings ("Sergej Lawrow" for "Sergey Lavrov") are only ever suggestions,
  stored on the candidate with their score (``entities.variants``); nothing links them
  until an editor merges the candidate or clicks "Add" while typing.
- ``suggestions_for_text`` answers the article form while the editor types.

Layering: directly above mentions; imports mentions, articles and entities.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, QuerySet
from django.utils import timezone

from articles.models import Article
from audit.models import EditorialLogEntry
from audit.services import editorial_log, system_user
from entities.discovery import CandidateGroup, candidates_grouped, discover
from entities.gazetteer import gazetteer
from entities.matcher import PerAliasVersion, matcher_current
from entities.models import ENTITY_KINDS, Alias, Entity, Place
from entities.normalize import normalize_name
from entities.services import MODEL_BY_KIND, alias_add, entity_create
from entities.variants import THRESHOLD, VariantIndex
from mentions.models import Mention
from mentions.services import REVIEW_PERMISSION as MENTION_REVIEW_PERMISSION
from mentions.services import article_document, mention_review, mentions_suggest

from .models import CandidateOccurrence, EntityCandidate

REVIEW_PERMISSION = "discovery.review_entitycandidate"

_PLACE_KINDS = {
    "country": Place.Kind.COUNTRY,
    "subdivision": Place.Kind.TERRITORY,
    "region": Place.Kind.REGION,
    "city": Place.Kind.CITY,
}


def _require(user: User | AnonymousUser | None, permission: str) -> None:
    if user is None or not user.has_perm(permission):
        raise PermissionDenied(f"{user} lacks the {permission} permission")


# Variant spellings: one index per kind, per dictionary version ------------------------


@dataclass
class KindVariants:
    index: VariantIndex
    entities: dict[str, set[int]]  # alias as written -> ids of the entities it names


def _variant_indexes_build() -> dict[str, KindVariants]:
    names: dict[str, dict[str, set[int]]] = {kind: {} for kind in ENTITY_KINDS}
    rows = Alias.objects.values_list("name", *(f"{k}_id" for k in ENTITY_KINDS))
    for name, *ids in rows.iterator(chunk_size=5000):
        for kind, entity_id in zip(ENTITY_KINDS, ids, strict=True):
            if entity_id is not None:
                names[kind].setdefault(name, set()).add(entity_id)
    return {kind: KindVariants(VariantIndex(by_name), by_name) for kind, by_name in names.items()}


_variant_indexes = PerAliasVersion(_variant_indexes_build)


def variant_indexes_current() -> dict[str, KindVariants]:
    """This process's variant indexes, rebuilt when any alias changed (as the matcher is)."""
    return _variant_indexes.current()


@dataclass
class Variant:
    known_name: str
    score: float
    entity_id: int | None  # None when several entities share the known spelling


def variant_for(kind: str, name: str) -> Variant | None:
    """The best known name of ``kind`` that ``name`` may be a spelling of, or None."""
    variants = variant_indexes_current()[kind]
    found = variants.index.suggest(name, threshold=THRESHOLD, limit=1)
    if not found:
        return None
    known, score = found[0]
    ids = variants.entities.get(known, set())
    return Variant(known, score, next(iter(ids)) if len(ids) == 1 else None)


# Collecting -----------------------------------------------------------------------


@dataclass
class CollectReport:
    proposed: int = 0  # occurrences stored for this article
    created: int = 0  # candidates seen for the first time
    skipped: int = 0  # names editors already decided on (rejected, accepted, merged)
    keys: list[tuple[str, str]] = field(default_factory=list)


def _display_name(group: CandidateGroup) -> str:
    if group.kind == "place":
        place = gazetteer().get(group.key)
        if place is not None:
            return place.name
    return max(group.names, key=lambda n: (len(normalize_name(n).split()), -group.names.index(n)))


def _candidates_for(
    groups: list[CandidateGroup],
) -> tuple[dict[tuple[str, str], EntityCandidate], int]:
    """The candidate row of each group, created (open, with a variant) when new; and how
    many were new."""
    wanted = {(g.kind, g.key): g for g in groups}
    existing = {
        (c.kind, c.key): c
        for c in EntityCandidate.objects.filter(key__in={k for _, k in wanted})
        if (c.kind, c.key) in wanted
    }
    new = []
    for pair, group in wanted.items():
        if pair in existing:
            continue
        name = _display_name(group)
        candidate = EntityCandidate(
            kind=group.kind, key=group.key, name=name[:200], country=group.country
        )
        variant = variant_for(group.kind, name)
        if variant is not None:
            candidate.variant_of, candidate.variant_score = variant.known_name, variant.score
            if variant.entity_id is not None:
                setattr(candidate, f"{group.kind}_id", variant.entity_id)
        new.append(candidate)
    if new:
        # Another task may insert the same name at once: the unique key settles it.
        EntityCandidate.objects.bulk_create(new, ignore_conflicts=True)
        existing |= {
            (c.kind, c.key): c
            for c in EntityCandidate.objects.filter(key__in={c.key for c in new})
            if (c.kind, c.key) in wanted
        }
    return existing, len(new)


@transaction.atomic
def candidates_collect(*, article: Article) -> CollectReport:
    """Store the new names ``article`` gives, replacing what an earlier run stored for it.

    Names the dictionary knows are left to the matcher; names editors decided on are
    skipped (a rejected one is never proposed again, however often it is re-imported).
    """
    report = CollectReport()
    # One collection per article at a time (a save and a task may overlap): both would
    # delete the same old occurrences and then insert the same new ones.
    list(Article.objects.select_for_update().filter(pk=article.pk).values_list("pk"))
    groups = candidates_grouped(discover(article_document(article), known=matcher_current()))
    CandidateOccurrence.objects.filter(article=article).delete()
    if not groups:
        return report
    candidates, report.created = _candidates_for(groups)
    occurrences = []
    for group in groups:
        candidate = candidates.get((group.kind, group.key))
        if candidate is None:
            continue
        if candidate.status != EntityCandidate.Status.OPEN:
            report.skipped += 1
            continue
        occurrences.append(
            CandidateOccurrence(
                candidate=candidate,
                article=article,
                names=[n[:200] for n in group.names],
                count=group.count,
                first_position=group.start,
                sentence=group.sentence[:2000],
                evidence=[e[:200] for e in group.evidence],
            )
        )
        report.keys.append((group.kind, group.key))
    CandidateOccurrence.objects.bulk_create(occurrences)
    report.proposed = len(occurrences)
    return report


# Reviewing ------------------------------------------------------------------------


def candidate_queue() -> QuerySet[EntityCandidate]:
    """Open candidates, the most widely named first: by outlets, then articles, then name."""
    return (
        EntityCandidate.objects.filter(status=EntityCandidate.Status.OPEN)
        .annotate(
            article_count=Count("occurrences__article", distinct=True),
            outlet_count=Count("occurrences__article__outlet", distinct=True),
        )
        .filter(article_count__gt=0)
        .order_by("-outlet_count", "-article_count", "name", "pk")
    )


def _locked_open(candidate: EntityCandidate) -> EntityCandidate:
    # NO KEY UPDATE: a collection task inserting an occurrence of this name only takes a
    # KEY SHARE lock on it, and must not wait for a decision that waits for its article.
    candidate = EntityCandidate.objects.select_for_update(no_key=True).get(pk=candidate.pk)
    if candidate.status != EntityCandidate.Status.OPEN:
        raise ValidationError(
            {"status": f"“{candidate.name}” was already decided: {candidate.get_status_display()}."}
        )
    return candidate


def candidate_spellings(candidate: EntityCandidate) -> list[str]:
    """Every spelling the articles used, most used first, the candidate's name first."""
    counts: dict[str, int] = {}
    for names in candidate.occurrences.values_list("names", flat=True):
        for name in names:
            counts[name] = counts.get(name, 0) + 1
    ordered = sorted(counts, key=lambda n: -counts[n])
    return list(dict.fromkeys([candidate.name, *ordered]))


# Articles matched per transaction when linking: one transaction for all of 2,000 kept
# them locked 14 s; one each took 40 s (a commit and the page invalidation per article).
LINK_BATCH = 100


def _link_articles(candidate: EntityCandidate) -> list[int]:
    """Re-match every article naming the candidate (the dictionary now knows it), in
    transactions of ``LINK_BATCH`` articles.

    Returns the ids of the articles that now have a mention of the candidate's entity.
    """
    article_ids = sorted(set(candidate.occurrences.values_list("article_id", flat=True)))
    for start in range(0, len(article_ids), LINK_BATCH):
        with transaction.atomic():
            batch = article_ids[start : start + LINK_BATCH]
            for article in Article.objects.filter(pk__in=batch).order_by("pk"):
                mentions_suggest(article=article)
    entity = candidate.entity
    if entity is None:
        raise ValueError("link the articles of a candidate once it has its entity")
    return sorted(
        Mention.objects.filter(article_id__in=article_ids, **{entity.kind: entity}).values_list(
            "article_id", flat=True
        )
    )


def _decided(candidate: EntityCandidate, status: str, by: User) -> None:
    candidate.status = status
    candidate.decided_by = by
    candidate.decided_at = timezone.now()
    candidate.save()


def _settle(
    candidate: EntityCandidate,
    *,
    entity: Entity,
    status: str,
    by: User,
    action: str,
    payload: dict[str, Any],
) -> None:
    """Decide ``candidate`` as naming ``entity`` and audit it with ``payload`` besides the
    entity and how many articles name it (accept and merge alike); link those articles
    in a task once this commits."""
    # A cycle within the app: the task module imports this one.
    from .tasks import link_candidate_articles

    candidate.entity = entity
    _decided(candidate, status, by)
    editorial_log(
        actor=by,
        action=action,
        target=candidate,
        payload={
            "kind": candidate.kind,
            "entity_id": entity.pk,
            "entity_name": entity.name,
            **payload,
            "articles_to_link": candidate.occurrences.count(),
        },
    )
    transaction.on_commit(
        partial(link_candidate_articles.enqueue, candidate_id=candidate.pk), robust=True
    )


LINK_ACTION = "candidate.link"


def candidate_articles_link(*, candidate: EntityCandidate) -> list[int] | None:
    """Link the articles of an accepted or merged name: the task after the decision.

    In transactions of ``LINK_BATCH`` articles, so no article stays locked while all
    the others are matched (an editor saving one waits a second at most). Safe to
    run again (``mentions_suggest`` is); the first run writes a ``candidate.link`` audit
    row by the system user with the articles linked, and re-runs write none. Returns the
    linked article ids, or None for a name that is open or rejected (nothing to link).
    """
    candidate = EntityCandidate.objects.get(pk=candidate.pk)
    if candidate.status not in {
        EntityCandidate.Status.ACCEPTED,
        EntityCandidate.Status.MERGED,
    } or (candidate.entity is None):
        return None
    entity_id = candidate.entity.pk
    linked = _link_articles(candidate)
    with transaction.atomic():
        # Two runs at once (a re-queued task) audit once: the second waits, then sees it.
        candidate = EntityCandidate.objects.select_for_update(no_key=True).get(pk=candidate.pk)
        audited = EditorialLogEntry.objects.filter(
            action=LINK_ACTION,
            target_type=ContentType.objects.get_for_model(EntityCandidate),
            target_id=str(candidate.pk),
        )
        if not audited.exists():
            editorial_log(
                actor=system_user(),
                action=LINK_ACTION,
                target=candidate,
                payload={
                    "entity_id": entity_id,
                    "articles_linked": len(linked),
                    "article_ids": linked,
                },
            )
    return linked


@transaction.atomic
def candidate_accept(*, candidate: EntityCandidate, by: User, name: str = "") -> Entity:
    """Create the person, place or event, its spellings as aliases; its articles are
    linked by a task once this commits."""
    _require(by, REVIEW_PERMISSION)
    candidate = _locked_open(candidate)
    name = " ".join((name or candidate.name).split())
    if not normalize_name(name):
        raise ValidationError({"name": "A name needs at least one letter or digit."})
    taken = _entities_answering(candidate.kind, [name])
    if taken:
        raise ValidationError(
            {"name": f"“{taken[0]}” already answers to “{name}”: merge the name into it instead."}
        )
    spellings = list(dict.fromkeys([name, *candidate_spellings(candidate)]))
    fields = {}
    if candidate.kind == "place":
        place = gazetteer().get(candidate.key)
        fields["country"] = candidate.country
        if place is not None:
            fields["place_kind"] = _PLACE_KINDS.get(place.level, Place.Kind.OTHER)
    entity = entity_create(kind=candidate.kind, name=name, aliases=tuple(spellings), **fields)
    _settle(
        candidate,
        entity=entity,
        status=EntityCandidate.Status.ACCEPTED,
        by=by,
        action="candidate.accept",
        payload={"aliases": spellings},
    )
    return entity  # pages: the new entity's and its mentions' receivers name them


def _entities_answering(kind: str, names: list[str]) -> list[Entity]:
    keys = {normalize_name(n) for n in names} - {""}
    ids = Alias.objects.filter(normalized__in=keys, **{f"{kind}__isnull": False}).values(
        f"{kind}_id"
    )
    return list(MODEL_BY_KIND[kind].objects.filter(pk__in=ids).order_by("pk"))


@transaction.atomic
def candidate_merge(*, candidate: EntityCandidate, into: Entity, by: User) -> Entity:
    """The name is another spelling of ``into``: add its spellings as aliases; its
    articles are linked by a task once this commits."""
    _require(by, REVIEW_PERMISSION)
    candidate = _locked_open(candidate)
    if into is None or into.kind != candidate.kind:
        raise ValidationError(
            {candidate.kind: f"Choose the {candidate.kind} that “{candidate.name}” is."}
        )
    spellings = candidate_spellings(candidate)
    for spelling in spellings:
        alias_add(entity=into, name=spelling)
    _settle(
        candidate,
        entity=into,
        status=EntityCandidate.Status.MERGED,
        by=by,
        action="candidate.merge",
        payload={"aliases_added": spellings, "variant_score": candidate.variant_score},
    )
    return into


@transaction.atomic
def candidate_reject(*, candidate: EntityCandidate, by: User) -> EntityCandidate:
    """Not a name worth an entity: never proposed again, on any article."""
    _require(by, REVIEW_PERMISSION)
    candidate = _locked_open(candidate)
    articles = candidate.occurrences.count()
    candidate.occurrences.all().delete()
    # Cleared: a rejected name points at no entity, not even the suggested variant's.
    candidate.entity = None
    _decided(candidate, EntityCandidate.Status.REJECTED, by)
    editorial_log(
        actor=by,
        action="candidate.reject",
        target=candidate,
        payload={"kind": candidate.kind, "key": candidate.key, "articles": articles},
    )
    return candidate


def candidate_for_name(*, kind: str, name: str) -> EntityCandidate:
    """The candidate row for a name typed in the article form, created open when new."""
    key = normalize_name(name)
    if kind not in ENTITY_KINDS or not key:
        raise ValidationError({"name": "A name needs a kind and at least one letter or digit."})
    candidate, _ = EntityCandidate.objects.get_or_create(
        kind=kind, key=key[:200], defaults={"name": " ".join(name.split())[:200]}
    )
    return candidate


# Linking from the article form ------------------------------------------------------


def mention_link(*, article: Article, entity: Entity, by: User) -> Mention:
    """An editor says the article names ``entity``: its mention, confirmed (and logged)."""
    mention = Mention.objects.filter(article=article, **{entity.kind: entity}).first()
    if mention is None:
        mention = Mention(article=article, count=0)
        mention.entity = entity
        mention.full_clean(validate_constraints=False)
        mention.save()
    return mention_review(mention=mention, state=Mention.State.CONFIRMED, by=by)


@dataclass(frozen=True)
class EntityLink:
    """One "Add" clicked while typing: a known entity, a variant spelling or a new name."""

    how: str  # "known", "variant" or "new"
    kind: str
    entity_id: int | None = None
    name: str = ""

    @property
    def token(self) -> str:
        return ":".join(str(p) for p in (self.how, self.kind, self.entity_id or "", self.name))

    @classmethod
    def parse(cls, token: str) -> EntityLink:
        how, _, rest = token.strip().partition(":")
        kind, _, rest = rest.partition(":")
        entity_id, _, name = rest.partition(":")
        if how not in {"known", "variant", "new"} or kind not in ENTITY_KINDS:
            raise ValidationError(f"“{token[:80]}” is not a person, place or event to link.")
        is_id = entity_id.isascii() and entity_id.isdigit() and len(entity_id) < 19
        if how in {"known", "variant"} and not is_id:
            raise ValidationError(f"“{token[:80]}” names no entity.")
        if how in {"variant", "new"} and not normalize_name(name):
            raise ValidationError(f"“{token[:80]}” gives no name.")
        if len(name) > 200:
            raise ValidationError("A name can be at most 200 characters long.")
        return cls(how, kind, int(entity_id) if is_id else None, name.strip())


def entity_links_check(*, links: list[EntityLink], by: User) -> None:
    """Refuse links the user may not make or that point at nothing, before anything saves."""
    for link in links:
        if link.how != "known":
            _require_or_field(by, REVIEW_PERMISSION, "Only editors can add new names or spellings.")
        else:
            _require_or_field(by, MENTION_REVIEW_PERMISSION, "You may not link entities.")
        if (
            link.entity_id
            and not MODEL_BY_KIND[link.kind].objects.filter(pk=link.entity_id).exists()
        ):
            raise ValidationError(f"The {link.kind} #{link.entity_id} no longer exists.")
        if link.how == "new":
            rejected = EntityCandidate.objects.filter(
                kind=link.kind,
                key=normalize_name(link.name),
                status=EntityCandidate.Status.REJECTED,
            )
            if rejected.exists():
                raise ValidationError(f"“{link.name}” was rejected as a {link.kind} by an editor.")


def _require_or_field(user: User | AnonymousUser | None, permission: str, message: str) -> None:
    if user is None or not user.has_perm(permission):
        raise ValidationError(message)


@transaction.atomic
def article_entities_link(*, article: Article, links: list[EntityLink], by: User) -> list[Entity]:
    """Apply the "Add" clicks of the article form once the article is saved.

    Known entities get a confirmed mention. A variant spelling is merged into the
    entity it was suggested for (the editor's yes), a new name is accepted as a new
    entity; both through the queue's services, so they are audited and every other
    article that names them is linked by a task once this commits (this one at once).
    Returns the entities linked.
    """
    entity_links_check(links=links, by=by)
    linked = []
    for link in links:
        if link.how == "known":
            entity = MODEL_BY_KIND[link.kind].objects.get(pk=link.entity_id)
        elif link.how == "variant":
            entity = MODEL_BY_KIND[link.kind].objects.get(pk=link.entity_id)
            candidate = candidate_for_name(kind=link.kind, name=link.name)
            if candidate.status == EntityCandidate.Status.OPEN:
                _occurrence_here(candidate, article, link.name)
                candidate_merge(candidate=candidate, into=entity, by=by)
            else:
                alias_add(entity=entity, name=link.name)
                mentions_suggest(article=article)
        else:
            candidate = candidate_for_name(kind=link.kind, name=link.name)
            if candidate.status == EntityCandidate.Status.OPEN:
                _occurrence_here(candidate, article, link.name)
                entity = candidate_accept(candidate=candidate, by=by, name=link.name)
            else:
                entity = candidate.entity
                if entity is None:
                    raise ValidationError(f"“{link.name}” was rejected by an editor.")
        mention_link(article=article, entity=entity, by=by)
        linked.append(entity)
    return linked


def _occurrence_here(candidate: EntityCandidate, article: Article, name: str) -> None:
    """The name was typed in this article: it counts as one of its occurrences."""
    CandidateOccurrence.objects.get_or_create(
        candidate=candidate, article=article, defaults={"names": [name]}
    )


# While typing -----------------------------------------------------------------------


MAX_TEXT = 100_000


def suggestions_for_text(*, text: str, user: User | AnonymousUser) -> dict[str, Any]:
    """People, places and events the text names: known ones, variants, new names.

    Known entities come from the matcher; new names from discovery, less those editors
    rejected or already decided on; a new name close to a known one (a variant spelling)
    is offered as that entity with its score, never linked without a click.
    """
    if len(text) > MAX_TEXT:
        raise ValidationError({"text": f"At most {MAX_TEXT:,} characters can be checked."})
    matcher = matcher_current()
    result = matcher.find(text)
    known = []
    for kind in ENTITY_KINDS:
        ids = {entity_id: found for (k, entity_id), found in result.entities.items() if k == kind}
        for entity in MODEL_BY_KIND[kind].objects.filter(pk__in=ids).order_by("name"):
            known.append(
                {
                    "kind": kind,
                    "name": entity.name,
                    "count": ids[entity.pk].count,
                    "token": EntityLink("known", kind, entity.pk).token,
                }
            )
    groups = candidates_grouped(discover(text, known=matcher))
    decided = set(
        EntityCandidate.objects.filter(key__in={g.key for g in groups})
        .exclude(status=EntityCandidate.Status.OPEN)
        .values_list("kind", "key")
    )
    variants, new = [], []
    can_create = bool(user and user.has_perm(REVIEW_PERMISSION))
    for group in groups:
        if (group.kind, group.key) in decided:
            continue
        name = group.names[0]
        variant = variant_for(group.kind, name)
        if variant is not None and variant.entity_id is not None:
            variants.append(
                {
                    "kind": group.kind,
                    "name": name,
                    "known_name": variant.known_name,
                    "score": round(variant.score),
                    "token": EntityLink("variant", group.kind, variant.entity_id, name).token,
                }
            )
        else:
            new.append(
                {
                    "kind": group.kind,
                    "name": name,
                    "evidence": list(group.evidence[:2]),
                    "token": EntityLink("new", group.kind, None, name).token,
                }
            )
    return {"known": known, "variants": variants, "new": new, "can_create": can_create}
