"""An editor writes a paragraph and sees who and what it names before saving (issue 23).

Chromium, clicking and typing only: the paragraph names a known person (Antonio
Guterres), a variant spelling of a known one ("Sergej Lawrow" for Sergey Lavrov) and a
new name (Asim Munir). The suggestions appear while typing; "Add" on the new name, then
save and publish, and the public article links to the new person's page. The variant
is offered with its score and stays unlinked, since nobody clicked its "Add".
"""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from entities.services import entity_upsert
from mentions.models import Mention

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"
PARAGRAPH = (
    "UN Secretary-General Antonio Guterres called for calm. "
    "Russian Foreign Minister Sergej Lawrow said Moscow could mediate. "
    "Army chief General Asim Munir said the border was quiet."
)


def test_editor_sees_suggestions_while_typing_adds_a_new_person_and_publishes(
    live_server, page: Page
):
    guterres, _ = entity_upsert(kind="person", name="Antonio Guterres")
    lavrov, _ = entity_upsert(kind="person", name="Sergey Lavrov")
    UserFactory(username="ed", role="editor", password=PASSWORD)

    page.set_default_timeout(10000)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("ed")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.locator("#id_headline").fill("Calls for calm on the border")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    editor.type(PARAGRAPH)

    suggestions = page.get_by_role("region", name="Suggested people, places and events")
    expect(suggestions.get_by_text("Antonio Guterres", exact=True)).to_be_visible()
    expect(
        suggestions.get_by_text(re.compile(r"Sergej Lawrow → Sergey Lavrov\? 9\d"))
    ).to_be_visible()
    expect(suggestions.get_by_text("Asim Munir", exact=True)).to_be_visible()
    expect(suggestions.get_by_role("status")).to_have_text(re.compile(r"\d+ suggestions\."))

    suggestions.get_by_role("button", name="Add Asim Munir as a new person").click()
    chosen = suggestions.locator("#entity-links-chosen")
    expect(chosen).to_contain_text("Asim Munir")
    expect(chosen.get_by_role("button", name=re.compile("Remove Asim Munir"))).to_be_visible()

    page.get_by_role("button", name="Save and publish").click()
    expect(page.locator(".messagelist")).to_contain_text("Linked Asim Munir")
    expect(page.locator(".messagelist")).to_contain_text("is now published")

    # Nobody said yes to the variant: Lavrov is not linked.
    assert not Mention.objects.filter(person=lavrov).exists()
    assert Mention.objects.filter(person=guterres).exists()  # found by the matcher on save

    page.goto(live_server.url)
    latest = page.get_by_role("region", name="Latest articles")
    latest.get_by_role("link", name="Calls for calm on the border").click()
    page.get_by_role("link", name="Asim Munir").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Asim Munir")
