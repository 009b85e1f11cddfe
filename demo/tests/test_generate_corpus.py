"""The benchmark corpus: published articles whose words and names are spread as in news."""

import io

import pytest
from django.core.management import call_command

from articles.models import Article
from entities.models import Alias, Person
from mentions.models import Mention

pytestmark = pytest.mark.django_db


def generate(articles: int) -> None:
    call_command(
        "generate_corpus", articles=articles, people=50, places=20, stdout=io.StringIO(),
        stderr=io.StringIO(),
    )  # fmt: skip


def matching(word: str) -> int:
    from search.selectors import _search_query

    return Article.objects.published().filter(search_vector=_search_query(word)).count()


def test_common_words_are_in_most_articles_and_rare_ones_in_few():
    generate(400)
    assert Article.objects.published().count() == 400
    assert matching("said") > 200  # a function word full-text search keeps
    assert 20 < matching("minister") < matching("said")
    assert matching("mortgage") < matching("minister")


def test_people_named_in_the_text_have_a_mention_an_alias_and_a_page(client):
    generate(200)
    mention = Mention.objects.filter(person__isnull=False).select_related("person").first()
    person = mention.person
    assert person.name in mention.article.body_text
    assert Alias.objects.filter(person=person, name=person.name).exists()
    assert client.get(person.get_absolute_url()).status_code == 200


def test_a_second_run_adds_articles_after_the_first():
    generate(50)
    generate(30)
    assert Article.objects.filter(source__key__startswith="corpus:").count() == 80
    assert Person.objects.filter(slug__startswith="corpus-person-").count() == 50
