"""Cached article cards: reused while unchanged, never stale after an edit."""

import re

import pytest
from django.conf import settings
from django.template.loader import get_template
from django.urls import reverse

from accounts.tests.factories import UserFactory
from articles import fragments, workflow
from articles.models import Article, Byline
from articles.tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    return UserFactory(role="editor")


def listed(article_id):
    """The article as the listing pages load it (ArticleQuerySet.for_listing)."""
    return Article.objects.for_listing().get(pk=article_id)


def test_an_unchanged_card_is_rendered_once_and_then_read_from_the_cache(client):
    article = ArticleFactory(headline="Ferry strike ends")
    first = client.get(reverse("home")).text
    key = fragments.card_key(listed(article.pk), get_template(fragments.CARD_TEMPLATE))
    assert "Ferry strike ends" in fragments.fragment_cache().get(key)
    assert client.get(reverse("home")).text == first


def test_a_corrected_headline_shows_on_the_card_at_once(client, editor):
    article = ArticleFactory(headline="Ferry strike ends", created_by=editor)
    assert "Ferry strike ends" in client.get(reverse("home")).text
    article = Article.objects.get(pk=article.pk)
    article.headline = "Ferry strike suspended, not ended"
    workflow.article_save(
        article=article, by=editor, expected_version=article.version, changed_fields=["headline"]
    )
    workflow.correction_append(article=article, text="The strike is suspended.", by=editor)
    home = client.get(reverse("home")).text
    assert "Ferry strike suspended, not ended" in home
    assert "Ferry strike ends" not in home


def test_a_changed_byline_shows_on_the_card_at_once(client, editor):
    article = ArticleFactory(bylines=["Ana Lima"], created_by=editor)
    assert "Ana Lima" in client.get(reverse("home")).text
    byline = Byline.objects.get(article=article)
    byline.name = "Ana Lima Souza"
    workflow.article_attachments_save(article=article, saved=[byline], deleted=[], by=editor)
    assert "Ana Lima Souza" in client.get(reverse("home")).text


def test_a_renamed_outlet_shows_on_every_card_at_once(client):
    article = ArticleFactory()
    assert article.outlet.name in client.get(reverse("home")).text
    article.outlet.name = "The Harbour Gazette"
    article.outlet.save()
    assert "The Harbour Gazette" in client.get(reverse("home")).text


@pytest.mark.parametrize(
    "change",
    [
        lambda a: setattr(a, "headline", "Another headline"),
        lambda a: setattr(a, "slug", "another-slug"),
        lambda a: setattr(a, "dek", "Another dek"),
        lambda a: setattr(a, "is_headline_provisional", not a.is_headline_provisional),
        lambda a: setattr(a, "published_at", None),
        lambda a: setattr(a, "published_at_precision", Article.Precision.DAY),
        lambda a: setattr(a.outlet, "name", "Another outlet"),
        lambda a: setattr(a.outlet, "logo", "logos/other.png"),
        lambda a: setattr(a, "outlet", None),
        lambda a: a.bylines.all()[0].__setattr__("name", "Someone else"),
    ],
)
def test_the_card_key_changes_with_everything_the_card_shows(change):
    template = get_template(fragments.CARD_TEMPLATE)
    article = listed(ArticleFactory().pk)
    before = fragments.card_key(article, template)
    change(article)
    assert fragments.card_key(article, template) != before


def test_the_card_template_reads_only_what_the_key_covers():
    """A field added to _card.html must be added to card_key (and to the list here)."""
    source = (settings.BASE_DIR / "templates" / fragments.CARD_TEMPLATE).read_text()
    read = set(re.findall(r"\barticle\.([\w.]+)", source))
    assert read <= {
        "get_absolute_url",
        "headline",
        "is_headline_provisional",
        "outlet",
        "outlet.logo",
        "outlet.logo.url",
        "outlet.name",
        "published_at",
        "published_at_precision",
        "bylines.all",
        "dek",
    }
