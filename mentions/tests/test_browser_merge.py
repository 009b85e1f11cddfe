"""An editor merges a duplicate person in the admin, in a real browser."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from entities.models import EntityMerge, Person
from entities.services import alias_add
from entities.tests.factories import PersonFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_editor_merges_a_duplicate_and_the_old_address_leads_to_the_kept_person(
    live_server, page: Page
):
    User.objects.create_superuser("chief", "chief@example.com", "merge-demo-password")
    keep = PersonFactory(name="Sergey Lavrov", slug="sergey-lavrov")
    duplicate = PersonFactory(name="Sergei Lavrov", slug="sergei-lavrov")
    for person in (keep, duplicate):
        alias_add(entity=person, name=person.name)

    page.goto(f"{live_server.url}/admin/entities/person/")
    page.get_by_label("Username").fill("chief")
    page.get_by_label("Password").fill("merge-demo-password")
    page.get_by_role("button", name="Log in").click()
    for name in ("Sergey Lavrov", "Sergei Lavrov"):
        page.get_by_role("checkbox", name=f"Select this object for an action - {name}").check()
    page.locator('select[name="action"]').select_option("merge_selected")
    page.locator('button[name="index"]').click()
    page.get_by_label("Sergey Lavrov").check()
    page.get_by_role("button", name="Merge").click()
    expect(page.get_by_text("Merged 1 into Sergey Lavrov")).to_be_visible()

    page.goto(f"{live_server.url}/people/sergei-lavrov/")
    expect(page).to_have_url(f"{live_server.url}/people/sergey-lavrov/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sergey Lavrov")
    expect(page.get_by_role("region", name="Also written as")).to_contain_text("Sergei Lavrov")
    assert list(Person.objects.values_list("slug", flat=True)) == ["sergey-lavrov"]
    assert EntityMerge.objects.count() == 1
