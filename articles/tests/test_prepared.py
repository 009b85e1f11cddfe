"""A prepared query reads what its queryset reads, in one compile per process.

The pages' own tests run every prepared query with ``PREPARED_QUERIES_CHECKED`` on
(test settings), which compares its SQL with the ORM's for the real values.
"""

import datetime as dt

import pytest
from django.db.models import Q
from django.test.utils import override_settings
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Byline, Section
from articles.prepared import PreparedQuery, PreparedQueryError, ids_in
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def published(pk, now):
    return Article.objects.filter(Article.objects.published_q(now=now), pk=pk).select_related(
        "outlet"
    )


def test_a_prepared_query_reads_the_rows_its_queryset_reads(django_assert_num_queries):
    shown, embargoed = ArticleFactory(), ArticleFactory()
    Article.objects.filter(pk=embargoed.pk).update(
        published_at=timezone.now() + dt.timedelta(hours=1)
    )
    prepared = PreparedQuery(published, pk=int, now=dt.datetime)
    now = timezone.now()
    with django_assert_num_queries(1):  # the outlet comes with the article
        found = prepared.run(pk=shown.pk, now=now)
        assert [a.pk for a in found] == [shown.pk]
        assert found[0].outlet.name == shown.outlet.name
    assert prepared.run(pk=embargoed.pk, now=now) == []
    assert [a.pk for a in prepared.run(pk=embargoed.pk, now=now + dt.timedelta(hours=2))] == [
        embargoed.pk
    ]


def test_a_list_of_ids_is_one_parameter_and_prefetches_still_run(django_assert_num_queries):
    articles = ArticleFactory.create_batch(3)
    for article in articles:
        Byline.objects.create(article=article, position=9, name=f"Writer {article.pk}")
    prepared = PreparedQuery(
        lambda ids: Article.objects.filter(pk__in=ids_in(ids)).prefetch_related("bylines"),
        ids=list,
    )
    wanted = [articles[0].pk, articles[2].pk]
    with django_assert_num_queries(2):  # the articles, their bylines
        found = prepared.run(ids=wanted)
        assert sorted(a.pk for a in found) == sorted(wanted)
        names = {b.name for a in found for b in a.bylines.all()}
        assert {f"Writer {pk}" for pk in wanted} <= names
        assert f"Writer {articles[1].pk}" not in names
    assert [a.pk for a in prepared.run(ids=[articles[1].pk])] == [articles[1].pk]


def test_a_slot_that_is_not_a_parameter_is_refused():
    prepared = PreparedQuery(lambda pk: Article.objects.filter(pk__gte=1)[:3], pk=int)
    with pytest.raises(PreparedQueryError, match="pk"):
        prepared.run(pk=5)


@override_settings(PREPARED_QUERIES_CHECKED=True)
def test_a_queryset_whose_sql_depends_on_a_value_fails_the_check():
    ArticleFactory()

    def build(pk):  # a different condition for some values: not one SQL
        return Article.objects.filter(Q(pk=pk) | Q(pk__gt=pk) if pk > 0 else Q(pk=pk))

    prepared = PreparedQuery(build, pk=int)
    with pytest.raises(PreparedQueryError, match="differs"):
        prepared.run(pk=1)


def test_listing_pages_read_their_cards_page_by_page(client):
    Section.objects.create(name="Empty", slug="empty")
    world = Section.objects.create(name="World", slug="world")
    articles = ArticleFactory.create_batch(23, section=world)
    Article.objects.filter(pk=articles[0].pk).update(status=Article.Status.DRAFT)
    assert "No articles yet." in client.get(reverse("articles:section", args=["empty"])).text
    first = client.get(reverse("articles:section", args=["world"])).text
    second = client.get(reverse("articles:section", args=["world"]) + "?page=2").text
    assert "Page 1 of 2" in first and "Page 2 of 2" in second
    shown = [a for a in articles[1:] if a.headline in first + second]
    assert len(shown) == 22  # every published article once, the draft nowhere
    assert articles[0].headline not in first + second
