"""The five seeds are one story; an unrelated article starts its own."""

import datetime as dt

import pytest
from django.contrib.auth.models import User

from articles.models import Article
from coverage.models import ArticleSignature, Story, StoryArticle, TermStatistic
from coverage.services import article_cluster, articles_cluster, stories_retitle, story_refresh
from entities.models import Person
from entities.tests.factories import PersonFactory
from mentions.models import Mention
from mentions.services import entity_merge, mention_reject, mention_review

pytestmark = pytest.mark.django_db


def _forget_clustering() -> None:
    """No stories, signatures or term counts: as before the first article arrived."""
    Story.objects.all().delete()
    ArticleSignature.objects.all().delete()
    TermStatistic.objects.all().delete()


def test_the_five_seed_articles_form_exactly_one_story(seed_demo):
    assert Story.objects.count() == 1
    story = Story.objects.get()
    assert story.articles.count() == 5


def test_clustering_counts_the_people_an_article_mentions_however_they_are_spelt(seed_demo):
    """Clustering runs after mentions are suggested, so the spellings "Sergey" and
    "Sergei" Lavrov are one piece of shared evidence, not two unrelated names."""
    lavrov = Person.objects.get(name="Sergey Lavrov")
    key = f"person:{lavrov.pk}"
    mentioning = set(lavrov.mentions.values_list("article_id", flat=True))
    assert len(mentioning) >= 3
    signatures = ArticleSignature.objects.filter(article_id__in=mentioning)
    assert all(key in signature.entity_keys for signature in signatures)
    spellings = {"Sergei Lavrov" in a.body_text for a in Article.objects.filter(pk__in=mentioning)}
    assert spellings == {True, False}  # both spellings among them


def test_an_unrelated_article_does_not_join_the_seed_story(seed_demo):
    unrelated = Article.objects.create(
        headline="City council approves new bicycle lanes on the harbour road",
        slug="bicycle-lanes",
        body_text=(
            "The city council voted on Tuesday to build protected bicycle lanes along the "
            "harbour road, after two years of consultation with cyclists and shop owners.\n\n"
            "Construction starts in the spring and will close one lane to cars for six weeks."
        ),
        status=Article.Status.PUBLISHED,
        published_at=dt.datetime(2025, 5, 5, 12, tzinfo=dt.UTC),
    )
    story, _score = article_cluster(article=unrelated)
    assert story.articles.count() == 1
    assert Story.objects.count() == 2


def test_clustering_twice_keeps_an_article_in_its_story(seed_demo):
    article = Article.objects.first()
    first, _ = article_cluster(article=article)
    again, _ = article_cluster(article=article)
    assert first == again
    assert Story.objects.count() == 1


def test_the_seeds_form_one_story_in_import_order_too(seed_demo):
    """The worker clusters articles as they are imported, undated ones included."""
    _forget_clustering()
    for article in Article.objects.order_by("pk"):
        article_cluster(article=article)
    assert Story.objects.count() == 1
    assert Story.objects.get().member_count == 5


def test_the_story_is_titled_after_its_most_central_article(seed_demo):
    story = Story.objects.get()
    story_refresh(story=story)
    assert story.title in set(Article.objects.values_list("headline", flat=True))


def _clustered_from_scratch(cluster) -> tuple[dict, dict, dict]:
    """Cluster every article again with ``cluster(ids)``; return what a reader or the
    next article would see: each article's story-mates, vector and score."""
    _forget_clustering()
    ids = list(Article.objects.order_by("published_at", "pk").values_list("pk", flat=True))
    cluster(ids)
    mates = {
        article.pk: frozenset(article.story_memberships.values_list("story__articles", flat=True))
        for article in Article.objects.all()
    }
    vectors = dict(ArticleSignature.objects.values_list("article_id", "vector"))
    scores = dict(StoryArticle.objects.values_list("article_id", "score"))
    return mates, vectors, scores


def test_clustering_a_batch_gives_the_same_stories_as_one_by_one(seed_demo):
    """Imports cluster in batches, the worker one article at a time: the counts an
    article's vector is weighted by must be the same either way."""
    Article.objects.create(
        headline="Kashmir tourism slumps after the Pahalgam attack, hotel owners say",
        slug="kashmir-tourism",
        body_text="Hotel owners in Srinagar report cancellations after the attack in April.",
        status=Article.Status.PUBLISHED,
        published_at=dt.datetime(2025, 5, 6, 9, tzinfo=dt.UTC),
    )
    one_by_one = _clustered_from_scratch(
        lambda ids: [article_cluster(article=Article.objects.get(pk=pk)) for pk in ids]
    )
    batched = _clustered_from_scratch(lambda ids: articles_cluster(article_ids=ids))
    assert batched == one_by_one
    assert len(one_by_one[1]) == 6  # every article got a vector
    assert Story.objects.count() >= 1
    assert TermStatistic.objects.get(term=TermStatistic.DOCUMENTS).document_count == 6


def test_the_periodic_pass_titles_a_story_after_its_most_central_article(seed_demo):
    story = Story.objects.get()
    stories_retitle()
    story.refresh_from_db()
    assert story.title in set(Article.objects.values_list("headline", flat=True))
    assert story.is_title_edited is False


def test_the_story_evidence_follows_an_editors_review_of_a_mention(
    seed_demo, django_capture_on_commit_callbacks
):
    """A wrong suggestion must not keep pulling articles into a story: once an editor
    rejects a mention, the article's and its story's entity evidence drop it, and
    reopening the mention brings it back."""
    editor = User.objects.create_superuser("chief", "chief@example.com", "x")
    lavrov = Person.objects.get(name="Sergey Lavrov")
    key = f"person:{lavrov.pk}"
    story = Story.objects.get()
    mentioning = story.entity_counts[key]
    mention = lavrov.mentions.order_by("pk").first()

    with django_capture_on_commit_callbacks(execute=True):
        mention_reject(mention=mention, by=editor)
    assert key not in ArticleSignature.objects.get(article_id=mention.article_id).entity_keys
    story.refresh_from_db()
    assert story.entity_counts[key] == mentioning - 1
    assert story.articles.count() == 5  # the article itself stays

    with django_capture_on_commit_callbacks(execute=True):
        mention_review(mention=mention, state=Mention.State.SUGGESTED, by=editor)
    assert key in ArticleSignature.objects.get(article_id=mention.article_id).entity_keys
    story.refresh_from_db()
    assert story.entity_counts[key] == mentioning
    assert TermStatistic.objects.get(term=f"e:{key}").document_count == mentioning


def test_merging_two_people_merges_them_in_the_story_evidence(
    seed_demo, django_capture_on_commit_callbacks
):
    """After an editor merges a duplicate person, articles that named the duplicate
    count as naming the person the story already has."""
    editor = User.objects.create_superuser("chief", "chief@example.com", "x")
    lavrov = Person.objects.get(name="Sergey Lavrov")
    duplicate = PersonFactory(name="Sergei V. Lavrov", slug="sergei-v-lavrov")
    mention = lavrov.mentions.order_by("pk").first()
    Mention.objects.filter(pk=mention.pk).update(person=duplicate)  # a suggestion for it
    article_cluster(article=mention.article)  # the worker, after that suggestion
    story = Story.objects.get()
    assert story.entity_counts[f"person:{duplicate.pk}"] == 1

    with django_capture_on_commit_callbacks(execute=True):
        entity_merge(keep=lavrov, duplicate=duplicate, by=editor)
    story.refresh_from_db()
    assert f"person:{duplicate.pk}" not in story.entity_counts
    naming = lavrov.mentions.exclude(state=Mention.State.REJECTED).count()
    assert story.entity_counts[f"person:{lavrov.pk}"] == naming
