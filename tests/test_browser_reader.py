"""A reader's journey in a real browser: home → story → article → person → search."""

import pytest
from playwright.sync_api import Page, expect

from tests.test_validity import AXE

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reader_follows_a_story_to_a_person_and_finds_the_seeds_despite_a_typo(
    live_server, page: Page, seed_demo
):
    from search.services import search_terms_rebuild

    search_terms_rebuild()
    page.set_default_timeout(10000)
    page.goto(live_server.url)

    # Home → the top story.
    page.get_by_role("region", name="Top stories").get_by_role("link").first.click()
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert "/stories/" in page.url

    # Story → one outlet's article.
    page.get_by_role(
        "link", name="Russia Offers to Mediate in Kashmir Crisis: India and Pakistan"
    ).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Russia Offers to Mediate in Kashmir Crisis: India and Pakistan"
    )

    # Article → a person it mentions.
    page.get_by_role("region", name="In this article").get_by_role(
        "link", name="Sergey Lavrov"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Sergey Lavrov")
    expect(page.get_by_text("Sergei Lavrov").first).to_be_visible()  # the other spelling

    # Search, misspelt, with the keyboard only.
    page.get_by_role("link", name="Search").first.focus()
    page.keyboard.press("Enter")
    box = page.get_by_label("Search articles")
    box.fill("Lavorv")
    box.press("Enter")
    expect(page.get_by_text("Showing results for")).to_contain_text("Lavrov")
    results = page.get_by_role("region", name="5 results")
    expect(results.get_by_role("article")).to_have_count(5)


def test_a_reader_types_part_of_a_name_and_picks_the_person_with_the_keyboard(
    live_server, page: Page, seed_demo
):
    page.set_default_timeout(10000)
    page.goto(live_server.url + "/search/")
    box = page.get_by_role("combobox", name="Search articles")
    box.press_sequentially("lavr", delay=50)

    suggestions = page.get_by_role("listbox", name="People and places")
    expect(suggestions).to_be_visible()
    expect(box).to_have_attribute("aria-expanded", "true")
    expect(suggestions.get_by_role("option")).to_have_count(1)
    expect(page.get_by_role("status")).to_have_text(
        "1 suggestion. Use the up and down arrows to choose."
    )

    box.press("ArrowDown")
    option = suggestions.get_by_role("option", name="Sergey Lavrov")
    expect(option).to_have_attribute("aria-selected", "true")
    expect(box).to_have_attribute("aria-activedescendant", option.get_attribute("id"))
    expect(box).to_be_focused()
    if AXE.exists():  # installed by `make test`; test_validity says so when it is missing
        page.evaluate(AXE.read_text())
        violations = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => `${v.id}: ${v.help}`)"
        )
        assert violations == [], "the open list of suggestions must pass axe"

    box.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sergey Lavrov")
    assert page.url == live_server.url + "/people/sergey-lavrov/"
