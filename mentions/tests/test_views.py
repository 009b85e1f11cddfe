"""Public entity pages: content, JSON-LD, redirects, and query counts that stay flat."""

import datetime as dt
import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Byline
from articles.tests.factories import ArticleFactory
from entities.services import alias_add
from entities.tests.factories import EventFactory, PersonFactory, PlaceFactory
from mentions.models import Mention

pytestmark = pytest.mark.django_db


def jsonld(response) -> dict:
    match = re.search(
        r'<script type="application/ld\+json">(.*?)</script>', response.text, re.DOTALL
    )
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


def mention(entity, *, articles, state=Mention.State.SUGGESTED):
    for article in articles:
        row = Mention(article=article, count=1, first_position=0, state=state)
        row.entity = entity
        row.save()


def test_person_page_describes_the_person_in_json_ld(client, seed_demo):
    data = jsonld(client.get("/people/narendra-modi/"))
    assert data["@type"] == "Person"
    assert data["name"] == "Narendra Modi"
    assert data["jobTitle"] == "Prime Minister of India"
    assert data["alternateName"] == ["Modi"]
    assert data["sameAs"] == ["https://www.wikidata.org/wiki/Q1058"]


def test_place_page_shows_its_parent_children_and_events(client, seed_demo):
    response = client.get("/places/pahalgam/")
    assert response.status_code == 200
    assert 'href="/places/anantnag/"' in response.text
    assert 'href="/events/pahalgam-attack/"' in response.text
    data = jsonld(response)
    assert (data["@type"], data["containedInPlace"]["name"]) == ("City", "Anantnag")


def test_event_page_gives_its_date_and_place(client, seed_demo):
    response = client.get("/events/tashkent-declaration/")
    assert '<time datetime="1966-01-10">10 January 1966</time>' in response.text
    data = jsonld(response)
    assert data["@type"] == "Event"
    assert data["startDate"] == "1966-01-10"
    assert data["location"]["name"] == "Tashkent"


def test_rejected_mentions_and_unpublished_articles_are_not_listed(client):
    person = PersonFactory(name="Ishaq Dar")
    shown = ArticleFactory(headline="Shown article")
    rejected = ArticleFactory(headline="Rejected article")
    draft = ArticleFactory(headline="Draft article", status=Article.Status.DRAFT)
    mention(person, articles=[shown, draft])
    mention(person, articles=[rejected], state=Mention.State.REJECTED)
    response = client.get(person.get_absolute_url())
    assert "Shown article" in response.text
    assert "Rejected article" not in response.text
    assert "Draft article" not in response.text


def test_entity_pages_are_paginated(client):
    place = PlaceFactory()
    mention(place, articles=ArticleFactory.create_batch(23))
    first = client.get(place.get_absolute_url())
    second = client.get(place.get_absolute_url() + "?page=2")
    assert first.text.count('class="card"') == 20
    assert second.text.count('class="card"') == 3
    assert "Page 2 of 2" in second.text


def test_unknown_slug_is_404(client):
    assert client.get("/events/no-such-event/").status_code == 404


def test_names_in_json_ld_cannot_close_the_script_element(client):
    person = PersonFactory(name="</script><script>alert(1)</script>", slug="mischief")
    alias_add(entity=person, name="A & B <b>")
    response = client.get(person.get_absolute_url())
    assert "<script>alert(1)" not in response.text
    assert jsonld(response)["name"] == "</script><script>alert(1)</script>"


def entity_of_kind(kind):
    """An entity with a parent place, child place and event where its kind has them."""
    kashmir = PlaceFactory(name="Kashmir")
    if kind == "place":
        entity = PlaceFactory(parent=kashmir)
        PlaceFactory(parent=entity)
        EventFactory(place=entity)
    elif kind == "event":
        entity = EventFactory(place=kashmir, start_date=dt.date(2025, 4, 22))
    else:
        entity = PersonFactory()
    alias_add(entity=entity, name=entity.name)
    alias_add(entity=entity, name=entity.name + " Jr")
    return entity


def test_person_page_lists_the_articles_they_wrote(client, seed_demo):
    response = client.get("/people/k-n-mishra/")
    assert response.status_code == 200
    assert "Pakistan asks Russia to mediate" in response.text
    assert response.text.count('class="card"') == 1


def test_article_both_written_by_and_naming_a_person_is_listed_once(client):
    person = PersonFactory(name="Lee Jay Walker")
    article = ArticleFactory(bylines=["Lee Jay Walker"])
    article.bylines.update(person=person)
    mention(person, articles=[article])
    assert client.get(person.get_absolute_url()).text.count('class="card"') == 1


def test_a_person_s_pages_count_each_article_once(client):
    person = PersonFactory(name="Lee Jay Walker")
    articles = ArticleFactory.create_batch(21, bylines=["Lee Jay Walker"])
    Byline.objects.filter(article__in=articles).update(person=person)
    mention(person, articles=articles)
    second = client.get(person.get_absolute_url() + "?page=2")
    assert second.text.count('class="card"') == 1
    assert "Page 2 of 2" in second.text


def test_article_entities_tag_links_what_the_article_names_in_one_query(seed_demo):
    from django.template import Context, Template

    article = Article.objects.get(headline__startswith="Russia Offers to Mediate in Kashmir")
    Mention.objects.filter(article=article, place__slug="pahalgam").update(state="rejected")
    template = Template("{% load mentions_tags %}{% article_entities article %}")
    with CaptureQueriesContext(connection) as queries:
        html = template.render(Context({"article": article}))
    assert len(queries) == 1
    assert '<a href="/people/sergey-lavrov/">Sergey Lavrov</a>' in html
    assert '<a href="/events/simla-agreement/">Simla Agreement</a>' in html
    assert "Pahalgam" not in html
