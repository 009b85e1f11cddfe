"""What "standing" and "public" mean for a mention (mentions/querysets.py)."""

import datetime as dt

import pytest
from django.utils import timezone

from articles.models import Article
from articles.tests.factories import ArticleFactory
from mentions.models import Mention
from mentions.querysets import STANDING_STATES
from mentions.tests.factories import MentionFactory

pytestmark = pytest.mark.django_db


def mention(state=Mention.State.SUGGESTED, **article):
    return MentionFactory(article=ArticleFactory(**article), state=state)


def test_suggested_and_confirmed_mentions_of_a_published_article_are_public():
    suggested, confirmed = mention(), mention(Mention.State.CONFIRMED)
    assert set(Mention.objects.public()) == {suggested, confirmed}


def test_a_rejected_mention_is_neither_standing_nor_public():
    mention(Mention.State.REJECTED)
    assert not Mention.objects.standing().exists()
    assert not Mention.objects.public().exists()


def test_an_embargoed_articles_mention_stands_but_is_not_public():
    embargoed = mention(published_at=timezone.now() + dt.timedelta(hours=1))
    assert list(Mention.objects.standing()) == [embargoed]
    assert not Mention.objects.public().exists()


def test_a_draft_or_unpublished_articles_mention_is_not_public():
    mention(status=Article.Status.DRAFT)
    mention(status=Article.Status.UNPUBLISHED)
    assert Mention.objects.standing().count() == 2
    assert not Mention.objects.public().exists()


def test_standing_names_the_models_states():
    assert set(STANDING_STATES) == {Mention.State.SUGGESTED, Mention.State.CONFIRMED}
