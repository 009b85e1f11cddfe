"""A reader's first visit, in a real browser: home → article → story."""

import pytest
from playwright.sync_api import Page, expect

from articles.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_finds_all_five_seed_articles_from_home_through_the_story(
    live_server, page: Page, seed_demo
):
    headlines = list(Article.objects.published().values_list("headline", flat=True))
    assert len(headlines) == 5

    page.goto(live_server.url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Today's coverage")
    latest = page.get_by_role("region", name="Latest articles")
    for headline in headlines:
        expect(latest.get_by_role("link", name=headline, exact=True)).to_be_visible()

    page.get_by_role(
        "link", name="Russia Offers to Mediate in Kashmir Crisis: India and Pakistan"
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Russia Offers to Mediate in Kashmir Crisis: India and Pakistan"
    )
    expect(page.get_by_text("Kanako Mita, Sawako Utsumi, Lee Jay Walker")).to_be_visible()

    page.get_by_role("link", name="Full coverage:").click()
    grid = page.get_by_role("region", name="How each outlet covered it")
    for headline in headlines:
        expect(grid.get_by_role("link", name=headline, exact=True)).to_be_visible()
    expect(page.get_by_text("5 articles")).to_be_visible()
