"""The API docs work in a real browser under the site's Content-Security-Policy, with
every asset from our own origin."""

import pytest
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_docs_list_every_operation_and_load_nothing_from_elsewhere(live_server, page: Page):
    requested, console = [], []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: console.append(message.text))
    page.set_default_timeout(15000)
    page.goto(f"{live_server.url}/api/v1/docs")
    expect(page.get_by_text("Newsroom API").first).to_be_visible()
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/stories/{story_id}" in [p.replace("\u200b", "") for p in paths]
    assert len(paths) == 16
    assert all(url.startswith(live_server.url) for url in requested), requested
    assert [text for text in console if "Content Security Policy" in text] == []
