"""Feeding the change feed from what the apps below already announce.

* ``articles.signals.article_published`` (sent after commit by the workflow, by
  corrections and by imports): "published" the first time, then "updated".
* ``audit.EditorialLogEntry`` rows, which every editorial service writes in its own
  transaction: an unpublish, and every regrouping of stories (merge, split, pin,
  exclude, converging stories merged by the periodic pass). The entry is read after the
  transaction commits, so a rolled-back change never reaches the feed.

Automatic clustering of a new article is not an editorial action: the article's
"published" entry covers it (its detail names its story).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_save
from django.utils import timezone

from articles.models import Article
from articles.signals import article_published
from audit.models import EditorialLogEntry

from .models import Change
from .services import changes_record

Kind = Change.Kind
ARTICLE, STORY = Change.ObjectType.ARTICLE, Change.ObjectType.STORY
REGROUPING = {"story.merge", "story.merge_converged", "story.split", "story.pin", "story.exclude"}


def on_article_published(sender, *, article_id, **kwargs):
    article = Article.objects.filter(pk=article_id).only("published_at").first()
    if article is None:
        return
    latest = (
        Change.objects.filter(object_type=ARTICLE, object_id=article_id)
        .order_by("-at", "-id")
        .values_list("kind", flat=True)
        .first()
    )
    kind = Kind.PUBLISHED if latest in (None, Kind.UNPUBLISHED) else Kind.UPDATED
    now = timezone.now()
    # Embargoed: announced when readers can see it, not before.
    at = max(now, article.published_at) if article.published_at else now
    changes_record(kind=kind, object_type=ARTICLE, object_ids=[article_id], at=at)


def _story_changes(entry: EditorialLogEntry) -> None:
    payload = entry.payload or {}
    story_id = int(entry.target_id)
    # Story ids only: an article id could name one that is no longer public.
    details = {k: v for k, v in payload.items() if "story" in k}
    regrouped = [story_id]
    if entry.action == "story.split" and payload.get("new_story_id"):
        regrouped.append(payload["new_story_id"])
    if entry.action == "story.pin" and payload.get("previous_story_id"):
        regrouped.append(payload["previous_story_id"])
    changes_record(
        kind=Kind.REGROUPED,
        object_type=STORY,
        object_ids=list(dict.fromkeys(regrouped)),
        action=entry.action,
        details=details,
    )
    removed = payload.get("merged_story_ids") or []
    if removed:
        changes_record(
            kind=Kind.REMOVED,
            object_type=STORY,
            object_ids=removed,
            action=entry.action,
            details={"merged_into": story_id},
        )


def _record_from_log(entry: EditorialLogEntry) -> None:
    if entry.action == "article.unpublish":
        changes_record(
            kind=Kind.UNPUBLISHED,
            object_type=ARTICLE,
            object_ids=[int(entry.target_id)],
            action=entry.action,
        )
    elif entry.action in REGROUPING:
        _story_changes(entry)
    elif entry.action in ("story.update", "story.retitle"):
        changes_record(
            kind=Kind.UPDATED,
            object_type=STORY,
            object_ids=[int(entry.target_id)],
            action=entry.action,
        )


def on_log_entry_saved(sender, *, instance, created, **kwargs):
    if created and (instance.action == "article.unpublish" or instance.action.startswith("story.")):
        transaction.on_commit(lambda: _record_from_log(instance))


def connect() -> None:
    article_published.connect(on_article_published, dispatch_uid="api.changes.published")
    post_save.connect(
        on_log_entry_saved, sender=EditorialLogEntry, dispatch_uid="api.changes.editorial_log"
    )
