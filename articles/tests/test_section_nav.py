"""The section navigation lists sections with published articles, judged at each request."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article, Section
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def nav(client) -> str:
    page = client.get(reverse("home")).text
    return (
        page.split('<nav class="section-nav"', 1)[1].split("</nav>", 1)[0]
        if ('<nav class="section-nav"' in page)
        else ""
    )


def test_a_section_shows_once_its_embargoed_article_is_public(client):
    weather = Section.objects.create(name="Weather", slug="weather")
    ArticleFactory(section=Section.objects.create(name="World", slug="world"))
    article = ArticleFactory(section=weather, published_at=timezone.now() + dt.timedelta(hours=1))
    assert ">World</a>" in nav(client)
    assert "Weather" not in nav(client)
    Article.objects.filter(pk=article.pk).update(
        published_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert ">Weather</a>" in nav(client)


def test_a_section_with_only_drafts_is_not_listed(client):
    ArticleFactory(
        section=Section.objects.create(name="Drafts only", slug="drafts"),
        status=Article.Status.DRAFT,
    )
    ArticleFactory(section=Section.objects.create(name="Sport", slug="sport"))
    assert ">Sport</a>" in nav(client)
    assert "Drafts only" not in nav(client)


def test_sections_are_listed_by_name_and_at_most_eight(client):
    for name in ["Zoology", *(f"Section {n}" for n in range(9)), "Arts"]:
        ArticleFactory(
            section=Section.objects.create(name=name, slug=name.lower().replace(" ", "-"))
        )
    listed = nav(client)
    assert listed.count("<li>") == 8
    assert listed.index("Arts") < listed.index("Section 0")
    assert "Zoology" not in listed
