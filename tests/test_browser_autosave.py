"""Unsaved edits survive a closed tab: the article form offers them back."""

import pytest
from playwright.sync_api import Browser, expect

from accounts.tests.factories import UserFactory
from articles import workflow
from articles.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def article(settings):
    settings.ARTICLE_AUTOSAVE_SECONDS = 1
    editor = UserFactory(username="ana", role="editor", password=PASSWORD)
    return workflow.article_save(
        article=Article(headline="Storm", slug="storm", dek="Winds", body="<p>Rain.</p>"),
        by=editor,
    )


def logged_in_context(browser: Browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("ana")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    return context, page


def test_unsaved_edits_are_offered_back_after_closing_the_tab(
    browser: Browser, live_server, article
):
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    context, page = logged_in_context(browser, live_server)

    page.goto(change_url)
    page.locator("#id_headline").fill("Storm floods the harbour")
    body = page.locator(".ProseMirror[contenteditable=true]")
    body.click()
    page.keyboard.press("End")
    body.type(" The harbour flooded at noon.")
    expect(page.locator("#autosave-status")).to_contain_text("Unsaved changes kept at")
    page.close()  # the tab is gone; nothing was saved
    assert Article.objects.get(pk=article.pk).headline == "Storm"

    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(change_url)
    expect(page.locator("#id_headline")).to_have_value("Storm")
    page.get_by_role("button", name="Restore your unsaved changes from").click()
    expect(page.locator("#id_headline")).to_have_value("Storm floods the harbour")
    expect(page.locator(".ProseMirror[contenteditable=true]")).to_contain_text(
        "Rain. The harbour flooded at noon."
    )
    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was changed successfully")

    saved = Article.objects.get(pk=article.pk)
    assert saved.headline == "Storm floods the harbour"
    assert "The harbour flooded at noon." in saved.body
    page.reload()
    expect(page.get_by_role("button", name="Restore your unsaved changes from")).to_have_count(0)
    context.close()


def test_restored_edits_typed_on_an_older_version_do_not_overwrite_a_newer_save(
    browser: Browser, live_server, article
):
    change_url = f"{live_server.url}/admin/articles/article/{article.pk}/change/"
    context, page = logged_in_context(browser, live_server)
    page.goto(change_url)
    page.locator("#id_dek").fill("Winds of 120 km/h")
    expect(page.locator("#autosave-status")).to_contain_text("Unsaved changes kept at")

    # A colleague saves a new headline; Ana keeps typing, then her tab crashes.
    colleague = UserFactory(username="ben", first_name="Ben", role="editor")
    newer = Article.objects.get(pk=article.pk)
    newer.headline = "Storm reaches the coast"
    workflow.article_save(article=newer, by=colleague, expected_version=1)
    page.locator("#id_dek").fill("Winds of 130 km/h")
    expect(page.locator("#autosave-status")).to_contain_text("Unsaved changes kept at")
    page.close()

    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(change_url)
    expect(page.get_by_text("version 2 has been saved since")).to_be_visible()
    page.get_by_role("button", name="Restore your unsaved changes from").click()
    expect(page.locator("#id_dek")).to_have_value("Winds of 130 km/h")
    page.get_by_role("button", name="Save and continue editing").click()

    expect(page.get_by_text("Someone else saved this article after you opened it")).to_be_visible()
    headline_row = page.locator(".edit-conflict-table").get_by_role("row", name="Headline")
    expect(headline_row.get_by_role("cell")).to_have_text(
        ["Storm", "Storm reaches the coast", "Storm"]
    )
    expect(page.locator("#id_dek")).to_have_value("Winds of 130 km/h")
    saved = Article.objects.get(pk=article.pk)
    assert (saved.headline, saved.dek) == ("Storm reaches the coast", "Winds")
    context.close()
