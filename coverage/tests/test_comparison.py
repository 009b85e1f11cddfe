"""The story page's "What each outlet reports" compares facts, not strings."""

import pytest

from articles.models import Article
from coverage.models import Story
from coverage.selectors import story_page
from entities.models import Person

pytestmark = pytest.mark.django_db


def seed_table():
    page = story_page(story=Story.objects.get())
    return page, page.comparison


def test_the_seed_story_has_one_row_per_person_whatever_the_spelling(seed_demo):
    _page, rows = seed_table()
    people = [row.label for row in rows if row.kind == "person"]
    assert len(people) == len(set(people))
    assert "Sergey Lavrov" in people
    assert not any("Lavrov" in label for label in people if label != "Sergey Lavrov")


def test_lavrov_is_ticked_for_every_outlet_that_names_him_under_any_spelling(seed_demo):
    page, rows = seed_table()
    lavrov = Person.objects.get(slug="sergey-lavrov")
    row = next(r for r in rows if r.kind == "person" and r.label == lavrov.name)
    naming = {
        entry.article.pk
        for entry in page.entries
        if "Lavrov" in entry.article.headline or "Lavrov" in entry.article.body_text
    }
    assert len(naming) >= 2
    ticked = {
        entry.article.pk
        for entry, is_ticked in zip(page.entries, row.reported_by, strict=True)
        if is_ticked
    }
    assert ticked == naming


def test_the_seed_table_has_no_capitalised_fragments_or_borrowed_years(client, seed_demo):
    _page, rows = seed_table()
    labels = [row.label for row in rows]
    for junk in (
        "Pakistan's Deputy",
        "Russia Offers",
        "Simla Accord (1999)",
        "Russian Foreign Minister Sergei Lavrov",
    ):
        assert junk not in labels
    assert not [row for row in rows if row.kind in ("name", "year")]
    html = client.get(Story.objects.get().get_absolute_url()).text
    table = html.split('<table class="comparison">', 1)[1].split("</table>", 1)[0]
    assert "Pakistan&#x27;s Deputy" not in table and "Russia Offers" not in table
    assert Article.objects.count() == 5
