"""Two editors in two browsers on one article: told of each other, and no lost edits."""

import pytest
from playwright.sync_api import Browser, Page, expect

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def fast_pings(settings):
    """Ping every second so the test need not wait the real ten."""
    settings.ARTICLE_EDITING_PING_SECONDS = 1


@pytest.fixture
def article():
    author = UserFactory(username="desk", role="editor")
    return workflow.article_save(
        article=Article(
            headline="Original headline", slug="storm", dek="Original dek", body="<p>Rain.</p>"
        ),
        by=author,
    )


@pytest.fixture
def editors(browser: Browser, live_server):
    """A logged-in page for each of two editors, each in its own browser context."""
    pages = {}
    contexts = []
    for username, first_name in (("ana", "Ana"), ("ben", "Ben")):
        UserFactory(username=username, first_name=first_name, role="editor", password=PASSWORD)
        context = browser.new_context()
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(10_000)
        page.goto(f"{live_server.url}/admin/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()
        pages[username] = page
    yield pages
    for context in contexts:
        context.close()


def open_article(page: Page, live_server, article):
    page.goto(f"{live_server.url}/admin/articles/article/{article.pk}/change/")
    expect(page.locator("#id_headline")).to_have_value(article.headline)


def test_second_save_is_refused_with_a_comparison_and_both_texts_survive(
    editors, live_server, article, fast_pings
):
    ana, ben = editors["ana"], editors["ben"]
    open_article(ana, live_server, article)
    open_article(ben, live_server, article)

    ana.locator("#id_headline").fill("Ana's headline")
    ana.get_by_role("button", name="Save and continue editing").click()
    expect(ana.locator(".messagelist")).to_contain_text("was changed successfully")

    # Ben is warned before he saves, without reloading...
    expect(ben.get_by_role("alert")).to_contain_text("Ana saved a newer version at")
    ben.locator("#id_headline").fill("Ben's headline")
    ben.locator("#id_dek").fill("Ben's dek")
    ben.get_by_role("button", name="Save and continue editing").click()

    # ...and his save is refused, with the three versions side by side.
    expect(ben.locator(".errornote")).to_be_visible()
    expect(ben.get_by_text("Someone else saved this article after you opened it")).to_be_visible()
    table = ben.locator(".edit-conflict-table")
    headline_row = table.get_by_role("row", name="Headline")
    expect(headline_row.get_by_role("cell")).to_have_text(
        ["Original headline", "Ana's headline", "Ben's headline"]
    )
    dek_row = table.get_by_role("row", name="Dek")
    expect(dek_row.get_by_role("cell")).to_have_text(["Original dek", "Original dek", "Ben's dek"])
    expect(table.get_by_role("columnheader", name="Saved now (version 2, Ana)")).to_be_visible()
    expect(ben.locator("#id_headline")).to_have_value("Ben's headline")
    expect(ben.locator("#id_dek")).to_have_value("Ben's dek")
    saved = Article.objects.get(pk=article.pk)
    assert (saved.headline, saved.dek) == ("Ana's headline", "Original dek")

    # Ben merges by hand: Ana's headline, his dek. That save goes through.
    ben.locator("#id_headline").fill("Ana's headline")
    ben.get_by_role("button", name="Save and continue editing").click()
    expect(ben.locator(".messagelist")).to_contain_text("was changed successfully")
    saved = Article.objects.get(pk=article.pk)
    assert (saved.headline, saved.dek) == ("Ana's headline", "Ben's dek")


def test_each_editor_is_told_the_other_is_editing_without_a_reload(
    editors, live_server, article, fast_pings
):
    ana, ben = editors["ana"], editors["ben"]
    open_article(ben, live_server, article)
    presence = ben.locator("#editing-presence")
    expect(presence).to_be_hidden()

    open_article(ana, live_server, article)

    expect(presence).to_have_text("Ana is also editing this article.")
    expect(ana.locator("#editing-presence")).to_have_text("Ben is also editing this article.")
    ana.goto(f"{live_server.url}/admin/")  # Ana leaves the form
    expect(presence).to_be_hidden()
