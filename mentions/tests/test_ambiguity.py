"""A name several entities share becomes a choice for an editor, never a guessed link."""

import pytest

from articles.tests.factories import ArticleFactory
from entities.services import alias_add
from entities.tests.factories import PersonFactory
from mentions.models import AmbiguousMention, Mention
from mentions.services import mentions_suggest


def article_with(text: str, **kwargs):
    return ArticleFactory(headline="Report", dek="", body=f"<p>{text}</p>", **kwargs)


@pytest.mark.django_db
def test_two_people_sharing_a_surname_produce_a_choice_not_a_link():
    narendra = PersonFactory(name="Narendra Modi")
    nirav = PersonFactory(name="Nirav Modi")
    for person in (narendra, nirav):
        alias_add(entity=person, name=person.name)
        alias_add(entity=person, name="Modi")
    article = article_with("Modi said the talks would go on. Modi left.")

    mentions_suggest(article=article)

    assert not Mention.objects.filter(article=article).exists()
    choice = AmbiguousMention.objects.get(article=article)
    assert (choice.surface, choice.count, choice.state) == ("Modi", 2, "open")
    assert set(choice.candidate_people.all()) == {narendra, nirav}


@pytest.mark.django_db
def test_full_name_links_even_when_the_surname_is_shared():
    narendra = PersonFactory(name="Narendra Modi")
    nirav = PersonFactory(name="Nirav Modi")
    for person in (narendra, nirav):
        alias_add(entity=person, name=person.name)
        alias_add(entity=person, name="Modi")
    article = article_with("Narendra Modi said the talks would go on.")

    mentions_suggest(article=article)

    assert [m.person for m in Mention.objects.filter(article=article)] == [narendra]
    assert not AmbiguousMention.objects.filter(article=article).exists()
