"""Grouping articles into stories.

This first version compares an article with the members of recent stories by
term-vector cosine and joins the best story above a threshold, else starts a new
one. Same input in the same order gives the same stories.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from articles.models import Article

from .models import Story, StoryArticle
from .text import cosine, term_vector

JOIN_THRESHOLD = 0.35
CANDIDATE_WINDOW = dt.timedelta(days=7)


def _vector(article: Article):
    return term_vector(headline=article.headline, dek=article.dek, body=article.body_text)


def _candidate_stories(article: Article):
    """Stories active near the article's time.

    An undated article cannot be placed in time, so it looks at the stories created
    recently (imports arrive close to publication) and at other undated stories.
    """
    if article.published_at:
        moment = article.published_at
        in_window = Q(
            last_updated_at__gte=moment - CANDIDATE_WINDOW,
            first_reported_at__lte=moment + CANDIDATE_WINDOW,
        )
    else:
        in_window = Q(created_at__gte=timezone.now() - CANDIDATE_WINDOW)
    return (
        Story.objects.filter(in_window | Q(last_updated_at__isnull=True))
        .exclude(memberships__article=article, memberships__joined_by="excluded")
        .prefetch_related("articles")
        .order_by("pk")
    )


@transaction.atomic
def article_cluster(*, article: Article) -> tuple[Story, float]:
    """Put ``article`` in the most similar recent story, or start a story with it."""
    # Lock the article so that the worker and a command never cluster it twice at once.
    article = Article.objects.select_for_update().get(pk=article.pk)
    current = article.story_memberships.exclude(joined_by="excluded").select_related("story")
    membership = current.first()
    if membership is not None:
        return membership.story, membership.score

    vector = _vector(article)
    best_story, best_score = None, 0.0
    for story in _candidate_stories(article):
        members = [a for a in story.articles.all() if a.pk != article.pk]
        score = max((cosine(vector, _vector(m)) for m in members), default=0.0)
        if score > best_score:
            best_story, best_score = story, score

    if best_story is None or best_score < JOIN_THRESHOLD:
        best_story = Story.objects.create(
            title=article.headline, slug=slugify(article.headline)[:200] or "story"
        )
        best_score = 1.0
    StoryArticle.objects.create(story=best_story, article=article, score=best_score)
    story_refresh_dates(story=best_story)
    return best_story, best_score


def story_refresh_dates(*, story: Story) -> Story:
    dates = [a.published_at for a in story.articles.all() if a.published_at]
    if dates:
        story.first_reported_at, story.last_updated_at = min(dates), max(dates)
    else:
        story.last_updated_at = None
    story.save(update_fields=["first_reported_at", "last_updated_at"])
    return story
