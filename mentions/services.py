"""Writes that involve articles: suggested mentions, editors' decisions, ambiguous
names, and merges of people, places and events (which move bylines and mentions).

Layering: mentions sits directly above articles and imports it and entities; the
alias dictionary and the matcher it runs are entities'.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

import pagecache
from articles.models import Article
from audit.services import editorial_log
from entities.matcher import EntityKey, matcher_current
from entities.models import ENTITY_KINDS, Alias, Entity, EntityMerge, SlugRedirect
from entities.services import MODEL_BY_KIND, alias_version_bump, slug_redirect_add

from .models import AmbiguousMention, Mention
from .signals import mentions_changed

MERGE_PERMISSION = "entities.merge_entity"
UNDO_PERMISSION = "entities.undo_entitymerge"
REVIEW_PERMISSION = "mentions.review_mention"


def _require(user: User | AnonymousUser | None, permission: str) -> None:
    if user is None or not user.has_perm(permission):
        raise PermissionDenied(f"{user} lacks the {permission} permission")


def article_document(article: Article) -> str:
    """The text of an article that matching reads, in this order.

    Headline, dek, key points, body paragraphs, then image captions (where places
    such as Anantnag are often named). Positions in Mention are offsets in this text.
    """
    parts = [article.headline, article.dek, *article.key_points, article.body_text]
    parts += [image.caption for image in article.images.all()]
    return "\n\n".join(part for part in parts if part)


# Mentions --------------------------------------------------------------------------


@dataclass
class SuggestReport:
    created: int = 0
    updated: int = 0
    removed: int = 0
    ambiguous: int = 0


def _entity_key(row: Mention) -> EntityKey:
    for kind in ENTITY_KINDS:
        entity_id = getattr(row, f"{kind}_id")
        if entity_id is not None:
            return kind, entity_id
    raise ValueError(f"{row!r} points at no entity")


def _existing_keys(keys: Iterable[EntityKey]) -> set[EntityKey]:
    """Drop keys of entities deleted since the automaton was built."""
    alive: set[EntityKey] = set()
    for kind in ENTITY_KINDS:
        ids = [entity_id for each, entity_id in keys if each == kind]
        if ids:
            pks = MODEL_BY_KIND[kind].objects.filter(pk__in=ids).values_list("pk", flat=True)
            alive |= {(kind, pk) for pk in pks}
    return alive


@transaction.atomic
def mentions_suggest(*, article: Article) -> SuggestReport:
    """Suggest the entities ``article`` names, from the alias dictionary.

    Writes a suggested Mention per entity found and an AmbiguousMention per name
    several entities share. Editors' decisions stand: confirmed and rejected
    mentions keep their state (their counts and positions are refreshed), and a
    suggestion that is no longer found is removed. Safe to run again at any time.
    """
    # bulk_create and bulk_update send no signals; the article's key reaches the lists
    # of every entity it names (mentions/invalidation.py), removed ones by their delete.
    pagecache.invalidate_on_commit(f"article:{article.pk}")
    article = Article.objects.select_for_update().get(pk=article.pk)
    result = matcher_current().find(article_document(article))
    report = SuggestReport()

    ambiguous_rows = {a.normalized: a for a in article.ambiguous_mentions.all()}
    found = {key: (f.count, f.first_position) for key, f in result.entities.items()}
    # A name an editor resolved counts towards the entity chosen for it.
    for normalized, hit in result.ambiguous.items():
        row = ambiguous_rows.get(normalized)
        if row is not None and row.state == AmbiguousMention.State.RESOLVED:
            mention = row.resolved_mention
            if mention is not None:
                key = _entity_key(mention)
                count, position = found.get(key, (0, None))
                positions = [p for p in (position, hit.first_position) if p is not None]
                found[key] = (count + hit.count, min(positions, default=None))
    alive = _existing_keys(
        set(found) | {k for h in result.ambiguous.values() for k in h.candidates}
    )
    found = {key: value for key, value in found.items() if key in alive}

    existing = {_entity_key(m): m for m in article.mentions.all()}
    to_update = []
    now = timezone.now()  # bulk_update leaves auto_now fields alone: set here
    for key, mention in existing.items():
        if key in found:
            count, position = found[key]
            if (mention.count, mention.first_position) != (count, position):
                mention.count, mention.first_position = count, position
                mention.updated_at = now
                to_update.append(mention)
        elif mention.state == Mention.State.SUGGESTED:
            mention.delete()
            report.removed += 1
    Mention.objects.bulk_update(to_update, ["count", "first_position", "updated_at"])
    report.updated = len(to_update)
    new = []
    for key, (count, position) in found.items():
        if key not in existing:
            mention = Mention(article=article, count=count, first_position=position)
            setattr(mention, f"{key[0]}_id", key[1])
            new.append(mention)
    Mention.objects.bulk_create(new)
    report.created = len(new)

    for normalized, hit in result.ambiguous.items():
        candidates = [key for key in hit.candidates if key in alive]
        row = ambiguous_rows.pop(normalized, None)
        if row is None:
            row = AmbiguousMention.objects.create(
                article=article,
                normalized=normalized,
                surface=hit.surface,
                count=hit.count,
                first_position=hit.first_position,
            )
        else:
            row.count, row.first_position = hit.count, hit.first_position
            row.save(update_fields=["count", "first_position", "updated_at"])
        if row.state == AmbiguousMention.State.OPEN:
            report.ambiguous += 1
            _set_candidates(row, candidates)
    for row in ambiguous_rows.values():
        if row.state == AmbiguousMention.State.OPEN:
            row.delete()  # the name is gone from the article, or no longer ambiguous
    return report


def _set_candidates(row: AmbiguousMention, keys: list[EntityKey]) -> None:
    row.candidate_people.set([pk for kind, pk in keys if kind == "person"])
    row.candidate_places.set([pk for kind, pk in keys if kind == "place"])
    row.candidate_events.set([pk for kind, pk in keys if kind == "event"])


_REVIEW_ACTIONS: dict[str, str] = {
    Mention.State.CONFIRMED: "mention.confirm",
    Mention.State.REJECTED: "mention.reject",
    Mention.State.SUGGESTED: "mention.reopen",
}


def _announce_change_on_commit(*article_ids: int) -> None:
    """Tell the apps that read mentions (clustering) once the decision has committed."""
    for article_id in sorted(set(article_ids)):
        transaction.on_commit(partial(mentions_changed.send, Mention, article_id=article_id))


@transaction.atomic
def mention_review(*, mention: Mention, state: str, by: User) -> Mention:
    """Record an editor's decision on a mention (or put it back to suggested)."""
    _require(by, REVIEW_PERMISSION)
    if state not in _REVIEW_ACTIONS:
        raise ValidationError({"state": f"Unknown state {state!r}."})
    mention = Mention.objects.select_for_update().get(pk=mention.pk)
    before = mention.state
    if before == state:
        return mention
    mention.state = state
    mention.save(update_fields=["state", "updated_at"])
    _announce_change_on_commit(mention.article_id)
    editorial_log(
        actor=by,
        action=_REVIEW_ACTIONS[state],
        target=mention,
        payload={"article_id": mention.article_id, "before": before, "after": state},
    )
    return mention


def mention_confirm(*, mention: Mention, by: User) -> Mention:
    """An editor agrees the article is about this entity."""
    return mention_review(mention=mention, state=Mention.State.CONFIRMED, by=by)


def mention_reject(*, mention: Mention, by: User) -> Mention:
    """An editor says the match is wrong; it stays rejected when suggestions re-run."""
    return mention_review(mention=mention, state=Mention.State.REJECTED, by=by)


@transaction.atomic
def ambiguous_mention_resolve(*, ambiguous: AmbiguousMention, entity: Entity, by: User) -> Mention:
    """An editor picks which candidate a shared name means; confirms that mention."""
    _require(by, REVIEW_PERMISSION)
    if entity not in ambiguous.candidates():
        raise ValidationError({"entity": f"{entity} is not a candidate for “{ambiguous.surface}”."})
    mention = Mention.objects.filter(
        article_id=ambiguous.article_id, **{entity.kind: entity}
    ).first()
    if mention is None:
        mention = Mention(article_id=ambiguous.article_id, count=0)
        mention.entity = entity
    positions = [p for p in (mention.first_position, ambiguous.first_position) if p is not None]
    mention.count += ambiguous.count
    mention.first_position = min(positions, default=None)
    mention.state = Mention.State.CONFIRMED
    mention.save()
    ambiguous.state = AmbiguousMention.State.RESOLVED
    ambiguous.resolved_mention = mention
    ambiguous.save(update_fields=["state", "resolved_mention", "updated_at"])
    _announce_change_on_commit(mention.article_id)
    editorial_log(
        actor=by,
        action="mention.resolve",
        target=mention,
        payload={"ambiguous_id": ambiguous.pk, "alias": ambiguous.normalized},
    )
    return mention


@transaction.atomic
def ambiguous_mention_reject(*, ambiguous: AmbiguousMention, by: User) -> AmbiguousMention:
    """None of the candidates is meant; the name stays unlinked on later runs."""
    _require(by, REVIEW_PERMISSION)
    ambiguous.state = AmbiguousMention.State.REJECTED
    ambiguous.save(update_fields=["state", "updated_at"])
    editorial_log(
        actor=by,
        action="mention.reject_ambiguous",
        target=ambiguous,
        payload={"alias": ambiguous.normalized},
    )
    return ambiguous


# Merges ----------------------------------------------------------------------------


def _suggest_again_on_commit(article_ids: list[int]) -> None:
    """Re-run suggestions for these articles once the merge (or undo) has committed."""
    # Late: mentions.tasks imports this module (a cycle within the app).
    from .tasks import suggest_mentions  # tasks imports this module

    for article_id in article_ids:
        transaction.on_commit(partial(suggest_mentions.enqueue, article_id=article_id))


_STATE_RANK: dict[str, int] = {
    Mention.State.REJECTED: 0,
    Mention.State.SUGGESTED: 1,
    Mention.State.CONFIRMED: 2,
}


def _field_values(instance: models.Model) -> dict[str, Any]:
    return {
        f.attname: (v.isoformat() if hasattr(v, "isoformat") else v)
        for f in instance._meta.concrete_fields
        for v in [getattr(instance, f.attname)]
    }


def _candidate_through(*, kind: str, model: type[models.Model]) -> tuple[Any, str]:
    """The table linking ambiguous names to their candidate entities of ``kind``, and its
    column for the entity: a merge repoints those links and its undo puts them back."""
    candidate_field = {
        "person": "candidate_people",
        "place": "candidate_places",
        "event": "candidate_events",
    }[kind]
    through = getattr(AmbiguousMention, candidate_field).through
    return through, f"{model._meta.model_name}_id"


def merge_keys(kind: str, pk: int) -> list[str]:
    """The entity's page and list, and the pages of every article naming or crediting
    it (expanded at commit: mentions/invalidation.py, articles/invalidation.py)."""
    return [f"{kind}:{pk}", f"list:{kind}:{pk}", f"articles-of-{kind}:{pk}"]


@transaction.atomic(durable=True)
def entity_merge(*, keep: Entity, duplicate: Entity, by: User) -> EntityMerge:
    """Fold ``duplicate`` into ``keep``: aliases, mentions, bylines, children, URL.

    Both rows are locked in primary-key order. The duplicate's slug becomes a 301
    redirect to ``keep``. What moved is recorded in an EntityMerge (for
    ``entity_merge_undo``) and in the editorial log; the duplicate is deleted.
    """
    kind = keep.kind
    # Mentions, bylines, children and events move with update(): no signals. At commit
    # they are all the kept entity's, whose articles' pages then show its name.
    pagecache.invalidate_on_commit(*merge_keys(kind, keep.pk))
    if duplicate.kind != kind:
        raise ValidationError({"duplicate": f"Cannot merge a {duplicate.kind} into a {kind}."})
    if keep.pk == duplicate.pk:
        raise ValidationError({"duplicate": "An entity cannot be merged into itself."})
    _require(by, MERGE_PERMISSION)
    model = type(keep)
    locked = {
        e.pk: e
        for e in model.objects.select_for_update()
        .filter(pk__in=[keep.pk, duplicate.pk])
        .order_by("pk")
    }
    if len(locked) != 2:
        raise ValidationError({"duplicate": "One of the entities no longer exists."})
    keep, duplicate = locked[keep.pk], locked[duplicate.pk]
    if keep.wikidata_id and duplicate.wikidata_id and keep.wikidata_id != duplicate.wikidata_id:
        raise ValidationError(
            {
                "duplicate": f"“{keep}” is Wikidata {keep.wikidata_id} and “{duplicate}” is "
                f"Wikidata {duplicate.wikidata_id}: two different items, so they are not "
                "duplicates. If one ID is wrong, correct it first, then merge."
            }
        )
    snapshot: dict[str, Any] = {"duplicate": _field_values(duplicate)}

    # Aliases: move the duplicate's; drop those the kept entity already has.
    kept_aliases = set(keep.aliases.values_list("normalized", flat=True))
    dropped = [a for a in duplicate.aliases.all() if a.normalized in kept_aliases]
    snapshot["aliases_dropped"] = [_field_values(a) for a in dropped]
    Alias.objects.filter(pk__in=[a.pk for a in dropped]).delete()
    snapshot["aliases_moved"] = list(duplicate.aliases.values_list("pk", flat=True))
    duplicate.aliases.update(**{kind: keep, "updated_at": timezone.now()})

    # Mentions: move; where both are mentioned in one article, combine into keep's.
    kept_mentions = {m.article_id: m for m in keep.mentions.select_for_update()}
    moved, combined, kept_before, repointed = [], [], [], []
    duplicate_mentions = list(duplicate.mentions.select_for_update())
    _announce_change_on_commit(*(m.article_id for m in duplicate_mentions))
    for mention in duplicate_mentions:
        other = kept_mentions.get(mention.article_id)
        if other is None:
            moved.append(mention.pk)
            continue
        kept_before.append(_field_values(other))
        combined.append(_field_values(mention))
        positions = [p for p in (other.first_position, mention.first_position) if p is not None]
        other.count += mention.count
        other.first_position = min(positions, default=None)
        other.state = max(other.state, mention.state, key=_STATE_RANK.__getitem__)
        other.save()
        resolved = AmbiguousMention.objects.filter(resolved_mention=mention)
        repointed += [[pk, mention.pk] for pk in resolved.values_list("pk", flat=True)]
        resolved.update(resolved_mention=other)
        mention.delete()
    Mention.objects.filter(pk__in=moved).update(**{kind: keep})
    snapshot |= {
        "mentions_moved": moved,
        "mentions_combined": combined,
        "kept_mentions_before": kept_before,
        "resolutions_repointed": repointed,
    }

    # Ambiguous names listing the duplicate as a candidate now list the kept entity.
    through, column = _candidate_through(kind=kind, model=model)
    rows = list(
        through.objects.filter(**{column: duplicate.pk}).values_list(
            "ambiguousmention_id", flat=True
        )
    )
    already = set(
        through.objects.filter(**{column: keep.pk, "ambiguousmention_id__in": rows}).values_list(
            "ambiguousmention_id", flat=True
        )
    )
    through.objects.filter(**{column: duplicate.pk}).delete()
    through.objects.bulk_create(
        [through(ambiguousmention_id=r, **{column: keep.pk}) for r in rows if r not in already]
    )
    snapshot |= {
        "candidate_in": rows,
        "candidate_added_keep": [r for r in rows if r not in already],
        "candidate_articles": sorted(
            set(AmbiguousMention.objects.filter(pk__in=rows).values_list("article_id", flat=True))
        ),
    }
    # Where the duplicate made a name ambiguous, it may now name one entity: re-match.
    _suggest_again_on_commit(snapshot["candidate_articles"])

    # Other rows that point at the duplicate: bylines (articles'), child places, events.
    if kind == "person":
        snapshot["bylines"] = list(duplicate.bylines.values_list("pk", flat=True))
        duplicate.bylines.update(person=keep)
    if kind == "place":
        snapshot["children"] = list(duplicate.children.values_list("pk", flat=True))
        duplicate.children.update(parent=keep)
        snapshot["events"] = list(duplicate.events.values_list("pk", flat=True))
        duplicate.events.update(place=keep)
    snapshot["redirects"] = list(duplicate.slug_redirects.values_list("pk", flat=True))
    duplicate.slug_redirects.update(**{kind: keep})
    redirect = slug_redirect_add(entity=keep, old_slug=duplicate.slug)
    snapshot["redirect_created"] = redirect.pk
    # The kept entity takes over the duplicate's Wikidata ID; undo gives it back.
    snapshot["wikidata_id_taken"] = bool(duplicate.wikidata_id and not keep.wikidata_id)

    merge = EntityMerge.objects.create(
        kind=kind,
        kept_id=keep.pk,
        duplicate_id=duplicate.pk,
        duplicate_name=duplicate.name,
        snapshot=snapshot,
        merged_by=by,
    )
    editorial_log(
        actor=by,
        action=f"{kind}.merge",
        target=keep,
        payload={
            "merge_id": merge.pk,
            "duplicate_id": duplicate.pk,
            "duplicate_name": duplicate.name,
            "duplicate_slug": duplicate.slug,
            "aliases_moved": len(snapshot["aliases_moved"]),
            "mentions_moved": len(moved) + len(combined),
            "wikidata_id_taken": duplicate.wikidata_id if snapshot["wikidata_id_taken"] else "",
        },
    )
    duplicate.delete()
    if snapshot["wikidata_id_taken"]:  # unique: only now that the duplicate is gone
        keep.wikidata_id = duplicate.wikidata_id
        keep.save(update_fields=["wikidata_id"])
    alias_version_bump()
    return merge


@transaction.atomic(durable=True)
def entity_merge_undo(*, merge: EntityMerge, by: User) -> Entity:
    """Bring the duplicate back as it was and return what the merge moved to it.

    Changes made to the kept entity after the merge (new aliases, new mentions)
    stay with the kept entity.
    """
    kind = merge.kind
    pagecache.invalidate_on_commit(
        *merge_keys(kind, merge.kept_id), *merge_keys(kind, merge.duplicate_id)
    )
    _require(by, UNDO_PERMISSION)
    merge = EntityMerge.objects.select_for_update().get(pk=merge.pk)
    if merge.undone_at is not None:
        raise ValidationError("This merge has already been undone.")
    model = MODEL_BY_KIND[kind]
    keep = model.objects.select_for_update().filter(pk=merge.kept_id).first()
    if keep is None:
        raise ValidationError("The entity kept by this merge no longer exists; undo it first.")
    snap = merge.snapshot

    SlugRedirect.objects.filter(pk=snap["redirect_created"]).delete()
    if snap.get("wikidata_id_taken") and keep.wikidata_id == snap["duplicate"]["wikidata_id"]:
        keep.wikidata_id = ""  # back to the duplicate, which had it first
        keep.save(update_fields=["wikidata_id"])
    duplicate = model(**snap["duplicate"])
    duplicate.save(force_insert=True)
    # Keep the original created_at (auto_now_add overwrote it on insert).
    model.objects.filter(pk=duplicate.pk).update(created_at=snap["duplicate"]["created_at"])

    Alias.objects.filter(pk__in=snap["aliases_moved"]).update(**{kind: duplicate})
    Alias.objects.bulk_create([Alias(**values) for values in snap["aliases_dropped"]])

    Mention.objects.filter(pk__in=snap["mentions_moved"]).update(**{kind: duplicate})
    _announce_change_on_commit(
        *Mention.objects.filter(pk__in=snap["mentions_moved"]).values_list("article_id", flat=True),
        *(values["article_id"] for values in snap["mentions_combined"]),
    )
    for values in snap["kept_mentions_before"]:
        Mention.objects.filter(pk=values["id"]).update(
            count=values["count"], first_position=values["first_position"], state=values["state"]
        )
    Mention.objects.bulk_create([Mention(**values) for values in snap["mentions_combined"]])
    for ambiguous_id, mention_id in snap["resolutions_repointed"]:
        AmbiguousMention.objects.filter(pk=ambiguous_id).update(resolved_mention_id=mention_id)

    through, column = _candidate_through(kind=kind, model=model)
    through.objects.filter(
        **{column: keep.pk, "ambiguousmention_id__in": snap["candidate_added_keep"]}
    ).delete()
    # Suggestions re-run after the merge may have settled some of those names.
    still_open = set(
        AmbiguousMention.objects.filter(pk__in=snap["candidate_in"]).values_list("pk", flat=True)
    )
    through.objects.bulk_create(
        [through(ambiguousmention_id=r, **{column: duplicate.pk}) for r in sorted(still_open)]
    )

    if kind == "person":
        keep.bylines.filter(pk__in=snap.get("bylines", [])).update(person=duplicate)
    if kind == "place":
        keep.children.filter(pk__in=snap.get("children", [])).update(parent=duplicate)
        keep.events.filter(pk__in=snap.get("events", [])).update(place=duplicate)
    SlugRedirect.objects.filter(pk__in=snap["redirects"]).update(**{kind: duplicate})

    # The shared name is ambiguous again where suggestions settled it after the merge.
    _suggest_again_on_commit(snap["candidate_articles"])
    merge.undone_at = timezone.now()
    merge.save(update_fields=["undone_at"])
    editorial_log(
        actor=by,
        action=f"{kind}.merge_undo",
        target=duplicate,
        payload={"merge_id": merge.pk, "kept_id": keep.pk},
    )
    alias_version_bump()
    return duplicate
