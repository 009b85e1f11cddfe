"""Moving one story's members into another: shared by an editor's merge
(``editing.story_merge``) and the converging pass (``passes.stories_merge_converging``).

Below both so that neither imports the other: locking story rows in a fixed order,
moving the members, and leaving a 301 from each story that goes away to the story that
took its articles (the windowed re-clustering pass records its redirects here too).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import Story, StoryArticle, StoryRedirect

JoinedBy = StoryArticle.JoinedBy


def _lock_stories(stories: Iterable[Story]) -> dict[int, Story]:
    """Lock story rows in primary-key order (no deadlock between two merges)."""
    ids = sorted({s.pk for s in stories})
    return {s.pk: s for s in Story.objects.select_for_update().filter(pk__in=ids).order_by("pk")}


def _merge_into(keep: Story, other: Story, *, pin: bool, note: dict[str, int]) -> int:
    """Move ``other``'s members into ``keep`` and delete ``other``; returns members moved."""
    members = StoryArticle.objects.current().filter(story=other)
    article_ids = list(members.values_list("article_id", flat=True))
    # The merged story's own exclusions go with it; an exclusion from ``keep`` of an
    # article now merged in is overruled by the merge.
    StoryArticle.objects.exclusions().filter(story=keep, article_id__in=article_ids).delete()
    for membership in members:
        membership.story = keep
        if pin:
            membership.joined_by = JoinedBy.PINNED
        membership.explanation = {**membership.explanation, **note}
        membership.save(update_fields=["story", "joined_by", "explanation"])
    story_redirect_record(old_story_id=other.pk, story=keep)
    other.delete()
    return len(article_ids)


def story_redirect_record(*, old_story_id: int, story: Story) -> None:
    """Make ``old_story_id``'s URL answer with a 301 to ``story`` (call before deleting
    the old story)."""
    stories_redirect_record(moves={old_story_id: story.pk})


def stories_redirect_record(*, moves: dict[int, int]) -> None:
    """Old story id → the id of the story that absorbed it, for many at once.
    Redirects that pointed at an old story now point at its heir, so a reader never
    follows a chain."""
    if not moves:
        return
    repointed = list(StoryRedirect.objects.filter(story_id__in=list(moves)))
    for redirect in repointed:
        redirect.story_id = moves[redirect.story_id]
    StoryRedirect.objects.bulk_update(repointed, ["story"])
    StoryRedirect.objects.bulk_create(
        [StoryRedirect(old_story_id=old, story_id=new) for old, new in sorted(moves.items())],
        update_conflicts=True,
        unique_fields=["old_story_id"],
        update_fields=["story"],
    )
