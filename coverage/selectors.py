"""Reads for the coverage pages, each with a fixed number of queries."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q

from articles.models import Article

from .models import Story, StoryArticle


def story_for_page(*, story: Story) -> list[Article]:
    """The story's articles, earliest first: who reported first leads the list."""
    return list(
        Article.objects.published()
        .filter(
            story_memberships__story=story,
        )
        .exclude(story_memberships__joined_by=StoryArticle.JoinedBy.EXCLUDED)
        .for_listing()
        .order_by("published_at", "pk")
    )


def stories_for_homepage(*, limit: int = 10) -> list[Story]:
    """Stories with the widest coverage first, then the most recent."""
    members = StoryArticle.objects.exclude(joined_by=StoryArticle.JoinedBy.EXCLUDED)
    return list(
        Story.objects.annotate(
            article_count=Count(
                "memberships", filter=~Q(memberships__joined_by=StoryArticle.JoinedBy.EXCLUDED)
            ),
            outlet_count=Count(
                "memberships__article__outlet",
                distinct=True,
                filter=~Q(memberships__joined_by=StoryArticle.JoinedBy.EXCLUDED),
            ),
        )
        .filter(article_count__gt=0)
        .order_by("-article_count", "-last_updated_at", "-pk")
        .prefetch_related(
            Prefetch("memberships", queryset=members.select_related("article__outlet"))
        )[:limit]
    )


def story_for_article(*, article: Article) -> Story | None:
    membership = (
        StoryArticle.objects.filter(article=article)
        .exclude(joined_by=StoryArticle.JoinedBy.EXCLUDED)
        .select_related("story")
        .first()
    )
    return membership.story if membership else None
