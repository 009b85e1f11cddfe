"""The editors' corrections to the grouping: merge, split, pin, exclude, lock, edit.

Editors' decisions are memberships too, and clustering respects them afterwards:

* ``pinned`` memberships never move (merge and split pin what they move);
* ``excluded`` memberships keep an article out of that story for good;
* locked stories take no automatic members and lose none when re-clustering.

Each service checks the coverage editor role, runs in one transaction and is audited
as the editor.
"""

from __future__ import annotations

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from articles.models import Article
from audit.services import editorial_log

from ..invalidation import memberships_changed
from ..models import Story, StoryArticle
from .merging import _lock_stories, _merge_into
from .placement import article_cluster, story_refresh

JoinedBy = StoryArticle.JoinedBy
EDIT_PERMISSION = "coverage.edit_story_membership"


def _check_editor(by: User) -> None:
    if by is None or not by.has_perm(EDIT_PERMISSION):
        raise PermissionDenied("Changing how articles are grouped needs the coverage editor role.")


@transaction.atomic(durable=True)
def story_merge(*, keep: Story, others: list[Story], by: User) -> Story:
    """Merge ``others`` into ``keep``; their articles are pinned so re-clustering keeps them."""
    _check_editor(by)
    if any(o.pk == keep.pk for o in others) or not others:
        raise ValidationError({"others": "Choose other stories than the one kept."})
    locked = _lock_stories([keep, *others])
    keep = locked[keep.pk]
    moved = 0
    for other in sorted(others, key=lambda s: s.pk):
        moved += _merge_into(keep, locked[other.pk], pin=True, note={"merged_from": other.pk})
    StoryArticle.objects.filter(story=keep, joined_by=JoinedBy.AUTOMATIC).update(
        joined_by=JoinedBy.PINNED
    )
    story_refresh(story=keep)
    editorial_log(
        actor=by,
        action="story.merge",
        target=keep,
        payload={"merged_story_ids": sorted(o.pk for o in others), "articles_moved": moved},
    )
    return keep


@transaction.atomic(durable=True)
def story_split(*, story: Story, articles: list[Article], title: str, by: User) -> Story:
    """Move ``articles`` from ``story`` into a new story titled ``title``.

    They are pinned to the new story and excluded from the old one, and the old story's
    remaining members are pinned where they are, so automatic clustering never undoes
    the split.
    """
    _check_editor(by)
    story = _lock_stories([story])[story.pk]
    article_ids = sorted({a.pk for a in articles})
    members = StoryArticle.objects.current().filter(story=story, article_id__in=article_ids)
    if not article_ids or members.count() != len(article_ids):
        raise ValidationError({"articles": "Choose articles that belong to the story."})
    if not title.strip():
        raise ValidationError({"title": "The new story needs a title."})
    new = Story.objects.create(
        title=title.strip(), slug=slugify(title)[:200] or "story", is_title_edited=True
    )
    # update and bulk_create send no signals: both stories and the moved articles.
    memberships_changed(story_ids=[story.pk, new.pk], article_ids=article_ids)
    members.update(joined_by=JoinedBy.EXCLUDED, explanation={"split_to": new.pk})
    # The editor has now judged the remaining members too: they stay together.
    StoryArticle.objects.filter(story=story, joined_by=JoinedBy.AUTOMATIC).update(
        joined_by=JoinedBy.PINNED
    )
    StoryArticle.objects.bulk_create(
        StoryArticle(
            story=new,
            article_id=pk,
            joined_by=JoinedBy.PINNED,
            score=1.0,
            explanation={"split_from": story.pk},
        )
        for pk in article_ids
    )
    story_refresh(story=story)
    story_refresh(story=new)
    editorial_log(
        actor=by,
        action="story.split",
        target=story,
        payload={"new_story_id": new.pk, "article_ids": article_ids},
    )
    return new


@transaction.atomic(durable=True)
def article_pin(*, article: Article, story: Story, by: User) -> StoryArticle:
    """Pin ``article`` to ``story``: it leaves any other story and never moves again."""
    _check_editor(by)
    previous = StoryArticle.objects.current().filter(article=article).first()
    locked = _lock_stories([story] + ([previous.story] if previous else []))
    story = locked[story.pk]
    if previous is not None and previous.story_id != story.pk:
        previous.delete()
        story_refresh(story=locked[previous.story_id])
    membership, _ = StoryArticle.objects.update_or_create(
        story=story,
        article=article,
        defaults={"joined_by": JoinedBy.PINNED, "explanation": {"pinned": True}, "score": 1.0},
    )
    story_refresh(story=story)
    editorial_log(
        actor=by,
        action="story.pin",
        target=story,
        payload={
            "article_id": article.pk,
            "previous_story_id": previous.story_id if previous else None,
        },
    )
    return membership


@transaction.atomic(durable=True)
def article_exclude(*, article: Article, story: Story, by: User) -> Story:
    """Take ``article`` out of ``story`` for good, and cluster it again elsewhere.

    Returns the story it lands in (never ``story``).
    """
    _check_editor(by)
    story = _lock_stories([story])[story.pk]
    StoryArticle.objects.update_or_create(
        story=story,
        article=article,
        defaults={"joined_by": JoinedBy.EXCLUDED, "explanation": {"excluded": True}},
    )
    story_refresh(story=story)
    editorial_log(
        actor=by, action="story.exclude", target=story, payload={"article_id": article.pk}
    )
    new_story, _ = article_cluster(article=article)
    return new_story


@transaction.atomic(durable=True)
def story_lock(*, story: Story, is_locked: bool, by: User) -> Story:
    _check_editor(by)
    story = _lock_stories([story])[story.pk]
    before = story.is_locked
    story.is_locked = is_locked
    story.save(update_fields=["is_locked"])
    editorial_log(
        actor=by,
        action="story.lock" if is_locked else "story.unlock",
        target=story,
        payload={"before": before, "after": is_locked},
    )
    return story


@transaction.atomic
def story_update(*, story: Story, title: str, summary: str, by: User) -> Story:
    """An editor's title sticks: clustering stops choosing the title from then on."""
    _check_editor(by)
    before = {"title": story.title, "summary": story.summary}
    if title != story.title:
        story.title = title
        story.slug = slugify(title)[:200] or "story"
        story.is_title_edited = True
    story.summary = summary
    story.full_clean()
    story.save()
    editorial_log(
        actor=by,
        action="story.update",
        target=story,
        payload={"before": before, "after": {"title": title, "summary": summary}},
    )
    return story
