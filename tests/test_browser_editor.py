"""An editor's day in a real browser: write, illustrate, preview, publish, see it live."""

import re

import pytest
from PIL import Image as PILImage
from playwright.sync_api import Page, expect

from accounts.tests.factories import UserFactory
from articles.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "correct horse battery staple"


@pytest.fixture
def photo(tmp_path):
    path = tmp_path / "harbour.png"
    PILImage.new("RGB", (1200, 800), (30, 90, 160)).save(path)
    return path


def test_editor_writes_illustrates_previews_and_publishes_an_article(
    live_server, page: Page, photo, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    UserFactory(username="ed", role="editor", password=PASSWORD)

    page.set_default_timeout(8000)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Username").fill("ed")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()

    # Upload an image to the library.
    page.goto(f"{live_server.url}/admin/articles/image/add/")
    page.locator("#id_file").set_input_files(photo)
    page.get_by_label("Alt text").fill("Boats in the harbour at dawn")
    page.get_by_label("Caption").fill("The harbour on Monday morning.")
    page.get_by_label("Credit").fill("Photo: Ana Lima")
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")

    # Write the article.
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.locator("#id_headline").fill("Harbour reopens after storm repairs")
    page.locator("#id_dek").fill("Ferries resume on Tuesday, the port authority says.")
    editor = page.locator(".ProseMirror[contenteditable=true]")
    editor.click()
    editor.type("The harbour reopened on Monday after three weeks of repairs.")
    page.locator("#id_key_points").fill("Ferries resume Tuesday\nRepairs cost 2 million")
    tags = page.locator(".field-tags .select2-search__field")
    for tag in ("harbour", "transport"):
        tags.fill(tag)
        page.locator(".select2-results__option", has_text=tag).first.click()

    bylines = page.locator("#bylines-group")
    for position, name in enumerate(["Ana Lima", "Desk Report"]):
        bylines.locator(".add-row a").click()
        row = bylines.locator("tr.form-row:not(.empty-form)").nth(position)
        row.locator("input[name$='-position']").fill(str(position))
        row.locator("input[name$='-name']").fill(name)
        if name == "Desk Report":
            row.locator("select[name$='-role']").select_option("desk")

    images = page.locator("#images-group")
    images.locator(".add-row a").click()
    image_row = images.locator("tr.form-row:not(.empty-form)").first
    image_row.locator("input[name$='-position']").fill("0")
    image_row.locator(".select2-selection").click()
    page.locator(".select2-dropdown .select2-search__field").fill("Boats")
    page.locator(".select2-results__option", has_text="Boats in the harbour").click()

    page.get_by_role("button", name="Save and continue editing").click()
    expect(page.locator(".messagelist")).to_contain_text("was added successfully")
    article = Article.objects.get(headline="Harbour reopens after storm repairs")
    assert article.status == Article.Status.DRAFT
    assert [b.name for b in article.bylines.order_by("position")] == ["Ana Lima", "Desk Report"]
    assert article.key_points == ["Ferries resume Tuesday", "Repairs cost 2 million"]
    assert sorted(article.tags.names()) == ["harbour", "transport"]

    # Preview it before anyone else can see it.
    with page.context.expect_page() as preview_info:
        page.get_by_role("link", name="Preview link").click()
    preview = preview_info.value
    expect(preview.get_by_role("heading", level=1)).to_have_text(
        "Harbour reopens after storm repairs"
    )
    expect(preview.get_by_text("Preview: this article is draft")).to_be_visible()
    expect(preview.get_by_role("img", name="Boats in the harbour at dawn")).to_be_visible()
    preview.close()

    # Publish and find it on the home page.
    page.get_by_role("button", name="Save and publish").click()
    expect(page.locator(".messagelist")).to_contain_text("is now published")
    page.goto(live_server.url)
    latest = page.get_by_role("region", name="Latest articles")
    latest.get_by_role("link", name="Harbour reopens after storm repairs").click()
    expect(page.get_by_text("By Ana Lima, Desk Report")).to_be_visible()
    expect(page.get_by_text("Ferries resume Tuesday")).to_be_visible()
    expect(page.get_by_text("Photo: Ana Lima")).to_be_visible()
    expect(page.get_by_text("The harbour reopened on Monday")).to_be_visible()
    assert re.search(r"/articles/\d+/harbour-reopens-after-storm-repairs/$", page.url)
