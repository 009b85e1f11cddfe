"""The editorial admin: roles, conflicts, images, previews, a changelist that stays cheap."""

import io
import re
from html.parser import HTMLParser

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image as PILImage

from accounts.tests.factories import UserFactory
from articles import preview
from articles.images import image_generate_renditions, image_update, rendition_formats
from articles.models import Article, Image, ImageRendition
from articles.tests.factories import ArticleFactory
from audit.models import EditorialLogEntry

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:articles_article_changelist")


def change_url(article):
    return reverse("admin:articles_article_change", args=[article.pk])


def logged_in(client, role):
    user = UserFactory(role=role)
    client.force_login(user)
    return user


class RenderedForm(HTMLParser):
    """Collects what a browser would submit from the page's article form, and nothing else.

    Only rendered inputs count: a field the admin forgets to render is not sent, as in a
    browser. Submit buttons are left out (a test passes the one it "clicks").
    """

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.data, self._in_form, self._textarea, self._select = [], False, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == "article_form":
            self._in_form = True
        if not self._in_form or "name" not in attrs or "disabled" in attrs:
            if tag == "option" and self._select is not None and "selected" in attrs:
                self.data.append((self._select, attrs.get("value", "")))
            return
        kind = attrs.get("type", "text")
        if tag == "input" and kind not in {"submit", "button", "file", "image", "reset"}:
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.data.append((attrs["name"], attrs.get("value") or "on"))
            else:
                self.data.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "textarea":
            self._textarea = [attrs["name"], ""]
        elif tag == "select":
            self._select = attrs["name"]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._in_form = False
        elif tag == "textarea" and self._textarea is not None:
            name, text = self._textarea
            self.data.append((name, text.removeprefix("\n")))  # HTML drops that newline
            self._textarea = None
        elif tag == "select":
            self._select = None


def form_data(client, article, **changes):
    """The change form as the browser submits it (from the rendered page), ``changes`` applied."""
    response = client.get(change_url(article))
    assert response.status_code == 200
    return {**rendered_form(response.text), **changes}


def rendered_form(html) -> dict[str, list[str]]:
    parser = RenderedForm()
    parser.feed(html)
    data = {}
    for name, value in parser.data:
        data.setdefault(name, []).append(value)
    return data


# --- permission matrix: the admin


@pytest.mark.parametrize(
    ("role", "sees_changelist", "can_open_others_article", "has_publish_action"),
    [
        ("reporter", True, False, False),
        ("editor", True, True, True),
        ("moderator", True, False, False),
        ("admin", True, True, True),
    ],
)
def test_permission_matrix_through_the_admin(
    client, role, sees_changelist, can_open_others_article, has_publish_action
):
    logged_in(client, role)
    others = ArticleFactory(created_by=UserFactory(role="editor"))
    response = client.get(CHANGELIST)
    assert (response.status_code == 200) is sees_changelist
    action_form = response.context["action_form"]
    actions = dict(action_form.fields["action"].choices) if action_form else {}
    assert ("publish_selected" in actions) is has_publish_action
    page = client.get(change_url(others))
    editable = page.status_code == 200 and "_save" in page.text
    assert editable is can_open_others_article


def test_reader_without_staff_role_cannot_open_the_admin(client):
    client.force_login(UserFactory())
    assert client.get(CHANGELIST).status_code == 302


def test_reporter_cannot_publish_through_a_forged_bulk_action(client):
    logged_in(client, "reporter")
    article = ArticleFactory(status=Article.Status.DRAFT)
    client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": [article.pk]})
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


def test_editor_bulk_publishes_and_sets_section(client):
    logged_in(client, "editor")
    articles = ArticleFactory.create_batch(3, status=Article.Status.DRAFT)
    ids = [a.pk for a in articles]
    client.post(CHANGELIST, {"action": "publish_selected", "_selected_action": ids})
    assert set(Article.objects.filter(pk__in=ids).values_list("status", flat=True)) == {"published"}
    from articles.services import section_get_or_create

    regional = section_get_or_create(name="Regional")
    client.post(
        CHANGELIST,
        {"action": "set_section", "_selected_action": ids, "section": regional.pk},
    )
    assert set(Article.objects.filter(pk__in=ids).values_list("section", flat=True)) == {
        regional.pk
    }


# --- edit conflicts


def test_change_form_renders_the_version_it_shows_as_a_hidden_input(client):
    logged_in(client, "editor")
    article = ArticleFactory(status=Article.Status.DRAFT)
    Article.objects.filter(pk=article.pk).update(version=7)
    response = client.get(change_url(article))
    assert re.search(r'<input type="hidden" name="version_opened" value="7"', response.text)


def opened_by_two_editors(**fields):
    """An article saved once through the workflow (so its history has version 1), and two
    editors' clients that have each opened its change form."""
    from django.test import Client

    from articles import workflow

    author = UserFactory(role="editor")
    article = workflow.article_save(
        article=Article(slug="storm", status=Article.Status.DRAFT, **fields), by=author
    )
    first, second = Client(), Client()
    logged_in(first, "editor")
    logged_in(second, "editor")
    return article, first, second


def test_second_of_two_editors_saving_the_same_article_is_refused_and_keeps_their_input():
    article, first, second = opened_by_two_editors(headline="Original headline", dek="Original dek")
    first_data = form_data(first, article, headline="First editor's headline")
    second_data = form_data(second, article, dek="Second editor's dek")

    assert first.post(change_url(article), first_data).status_code == 302
    response = second.post(change_url(article), second_data)

    assert response.status_code == 200
    saved = Article.objects.get(pk=article.pk)
    assert (saved.headline, saved.dek) == ("First editor's headline", "Original dek")
    assert "Someone else saved this article" in response.text
    conflict = response.context["adminform"].form.conflict
    headline = next(row for row in conflict.rows if row.label == "Headline")
    assert (headline.opened, headline.current, headline.mine) == (
        "Original headline",
        "First editor's headline",
        "Original headline",
    )
    dek = next(row for row in conflict.rows if row.label == "Dek")
    assert (dek.opened, dek.current, dek.mine) == (
        "Original dek",
        "Original dek",
        "Second editor's dek",
    )
    assert "First editor&#x27;s headline" in response.text  # the table, escaped
    assert rendered_form(response.text)["dek"] == ["Second editor's dek"]  # input kept


def test_an_article_without_history_still_refuses_the_stale_save_and_says_so(client):
    from django.test import Client

    article = ArticleFactory(status=Article.Status.DRAFT, headline="Imported")  # no revision
    first, second = Client(), Client()
    logged_in(first, "editor")
    logged_in(second, "editor")
    second_data = form_data(second, article, headline="Mine")
    first.post(change_url(article), form_data(first, article, headline="Theirs"))

    response = second.post(change_url(article), second_data)

    assert Article.objects.get(pk=article.pk).headline == "Theirs"
    assert "The history has no copy of version 1" in response.text
    headline = response.context["adminform"].form.conflict.rows[0]
    assert (headline.opened, headline.current, headline.mine) == (None, "Theirs", "Mine")


def test_the_comparison_shows_markup_in_headlines_as_text():
    article, first, second = opened_by_two_editors(headline="<i>Storm</i>", dek="Winds")
    second_data = form_data(second, article, dek="<script>alert(1)</script>")
    first.post(change_url(article), form_data(first, article, headline="<b>Storm</b>"))
    response = second.post(change_url(article), second_data)
    table = response.text.split('class="edit-conflict-table"')[1].split("</table>")[0]
    assert "&lt;i&gt;Storm&lt;/i&gt;" in table
    assert "&lt;b&gt;Storm&lt;/b&gt;" in table
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in table
    assert "<script>" not in table and "<b>" not in table


def test_after_seeing_the_comparison_the_editors_next_save_is_their_merge():
    article, first, second = opened_by_two_editors(headline="Original", dek="Original dek")
    second_data = form_data(second, article, dek="Mine")
    first.post(change_url(article), form_data(first, article, headline="Theirs"))
    refused = second.post(change_url(article), second_data)
    assert refused.status_code == 200
    merged = {**rendered_form(refused.text), "headline": "Theirs"}
    assert merged["dek"] == ["Mine"]

    assert second.post(change_url(article), merged).status_code == 302
    saved = Article.objects.get(pk=article.pk)
    assert (saved.headline, saved.dek, saved.version) == ("Theirs", "Mine", 3)


def test_a_change_to_bylines_alone_refuses_a_later_save_of_the_older_version():
    article, first, second = opened_by_two_editors(headline="Storm", dek="Winds")
    first_data = form_data(first, article)
    second_data = form_data(second, article, headline="Storm warning")
    first_data.update(
        {
            "bylines-TOTAL_FORMS": "1",
            "bylines-0-position": "0",
            "bylines-0-name": "Ana Lima",
            "bylines-0-role": "author",
        }
    )
    assert first.post(change_url(article), first_data).status_code == 302
    assert Article.objects.get(pk=article.pk).version == 2

    response = second.post(change_url(article), second_data)

    assert response.status_code == 200
    assert Article.objects.get(pk=article.pk).headline == "Storm"
    bylines = next(
        r for r in response.context["adminform"].form.conflict.rows if r.label == "Bylines"
    )
    assert (bylines.opened, bylines.current) == ("", "Ana Lima")


def test_the_comparison_adds_images_and_corrections_saved_since_the_editor_opened(
    client, settings, tmp_path
):
    """Another editor's new caption and correction appear beside the text conflict: the
    opened version's images come from its revision, its corrections are those written
    before it."""
    from django.test import Client

    from articles.tests.test_admin_inlines import with_new_correction

    settings.MEDIA_ROOT = tmp_path
    author = logged_in(client, "editor")
    article = ArticleFactory(headline="Storm")
    article.images.create(
        position=0, image=library_image(uploaded_by=author), caption="Waves at the pier"
    )
    assert client.post(change_url(article), form_data(client, article)).status_code == 302
    first, second = Client(), Client()
    logged_in(first, "editor")
    logged_in(second, "editor")
    second_data = form_data(second, article, headline="Storm warning")
    first_data = form_data(first, article, **{"images-0-caption": "Waves over the pier"})
    first_data = with_new_correction(first_data, "The pier is 40 m long.")
    assert first.post(change_url(article), first_data).status_code == 302

    response = second.post(change_url(article), second_data)

    assert response.status_code == 200
    rows = {row.label: row for row in response.context["adminform"].form.conflict.rows}
    images = rows["Images"]
    assert (images.opened, images.current, images.mine) == (
        "0. A red square: Waves at the pier",
        "0. A red square: Waves over the pier",
        "0. A red square: Waves at the pier",
    )
    corrections = rows["Corrections and updates"]
    assert (corrections.opened, corrections.current, corrections.mine) == (
        "",
        "Correction: The pier is 40 m long.",
        "",
    )
    table = response.text.split('class="edit-conflict-table"')[1].split("</table>")[0]
    assert "Waves over the pier" in table
    assert "Correction: The pier is 40 m long." in table


def test_the_comparison_leaves_out_images_and_corrections_nobody_changed():
    article, first, second = opened_by_two_editors(headline="Storm", dek="Winds")
    second_data = form_data(second, article, dek="Gales")
    first.post(change_url(article), form_data(first, article, headline="Storm warning"))
    response = second.post(change_url(article), second_data)
    labels = [row.label for row in response.context["adminform"].form.conflict.rows]
    assert labels == ["Headline", "Dek", "Body", "Key points", "Section", "Outlet", "Bylines"]


def test_editor_publishes_from_the_change_form(client):
    logged_in(client, "editor")
    article = ArticleFactory(status=Article.Status.DRAFT)
    response = client.post(change_url(article), form_data(client, article, _publish="1"))
    assert response.status_code == 302
    assert Article.objects.get(pk=article.pk).status == Article.Status.PUBLISHED


def test_scheduling_without_a_time_shows_a_field_error(client):
    logged_in(client, "editor")
    article = ArticleFactory(status=Article.Status.DRAFT)
    response = client.post(change_url(article), form_data(client, article, _schedule="1"))
    assert response.status_code == 200
    assert "Set a publication time in the future" in response.text
    assert Article.objects.get(pk=article.pk).status == Article.Status.DRAFT


# --- images


def png_upload(name="photo.png", size=(2000, 1000)):
    from django.core.files.uploadedfile import SimpleUploadedFile

    buffer = io.BytesIO()
    PILImage.new("RGB", size, (200, 40, 40)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def test_an_image_without_alt_text_is_refused_with_a_field_error(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    logged_in(client, "editor")
    response = client.post(
        reverse("admin:articles_image_add"),
        {"file": png_upload(), "alt_text": "", "caption": "A caption", "credit": "AP"},
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["alt_text"] == ["This field is required."]
    assert Image.objects.count() == 0


def test_uploaded_image_gets_renditions_in_three_widths_and_modern_formats(
    client, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    logged_in(client, "editor")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:articles_image_add"),
            {"file": png_upload(), "alt_text": "A red square", "caption": "", "credit": ""},
        )
    image = Image.objects.get()
    renditions = ImageRendition.objects.filter(image=image)
    assert sorted({r.width for r in renditions}) == [480, 960, 1600]
    assert {r.format for r in renditions} == set(rendition_formats())
    assert "webp" in rendition_formats()
    webp = renditions.get(width=960, format="webp")
    with PILImage.open(webp.file.path) as opened:
        assert opened.format == "WEBP"
        assert opened.size == (960, 480)


def test_renditions_are_never_wider_than_the_original(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    image = Image(alt_text="Small")
    image.file.save("small.png", png_upload(size=(300, 200)), save=True)
    made = image_generate_renditions(image=image)
    assert {r.width for r in made} == {300}


# --- previews


def test_preview_link_shows_an_unpublished_article(client):
    article = ArticleFactory(status=Article.Status.DRAFT, headline="Embargoed scoop")
    assert client.get(article.get_absolute_url()).status_code == 404
    response = client.get(preview.preview_url(article))
    assert response.status_code == 200
    assert "Embargoed scoop" in response.text
    assert response["X-Robots-Tag"] == "noindex, nofollow"


def test_tampered_or_expired_preview_links_are_refused(client, monkeypatch):
    article = ArticleFactory(status=Article.Status.DRAFT)
    url = preview.preview_url(article)
    token = url.rstrip("/").rsplit("/", 1)[1]
    tampered = url.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    assert client.get(tampered).status_code == 404
    monkeypatch.setattr(preview, "MAX_AGE_SECONDS", -1)
    assert client.get(url).status_code == 404
    with pytest.raises(signing.SignatureExpired):
        preview.article_id_from_token(token)


@pytest.mark.parametrize(
    "payload",
    [{"article": "x"}, {"article": 10**30}, {"article": -1}, {"article": True}, [1], "1", {}],
)
def test_a_validly_signed_preview_token_of_another_shape_is_404(client, payload):
    token = signing.dumps(payload, salt=preview.SALT, compress=True)
    assert client.get(f"/preview/{token}/").status_code == 404


@pytest.mark.parametrize("token", ["x", "a:b:c", ".eJy:1:x", "é:ü", "%00", "A" * 5000])
def test_a_malformed_preview_token_is_404(client, token):
    assert client.get(f"/preview/{token}/").status_code == 404


# --- cost


def test_changelist_query_count_does_not_grow_with_rows(client):
    logged_in(client, "editor")
    ArticleFactory.create_batch(3, bylines=["A", "B"])
    with CaptureQueriesContext(connection) as few:
        assert client.get(CHANGELIST).status_code == 200
    ArticleFactory.create_batch(40, bylines=["A", "B", "C"])
    with CaptureQueriesContext(connection) as many:
        response = client.get(CHANGELIST)
    assert len(re.findall(r'name="_selected_action"', response.text)) == 43
    assert len(many) == len(few)


# --- history


def test_history_lists_revisions_and_compare_shows_the_changed_field(client):
    editor = logged_in(client, "editor")
    from articles import workflow

    article = workflow.article_save(
        article=Article(headline="Storm", slug="storm", dek="Winds of 80 km/h"), by=editor
    )
    article.dek = "Winds of 120 km/h"
    workflow.article_save(article=article, by=editor, expected_version=1, changed_fields=["dek"])
    history = client.get(reverse("admin:articles_article_history", args=[article.pk]))
    assert history.status_code == 200
    from reversion.models import Version

    first, second = Version.objects.get_for_object(article).order_by("pk")
    compare = client.get(
        reverse("admin:articles_article_compare", args=[article.pk]),
        {"version_id1": first.pk, "version_id2": second.pk},
    )
    assert compare.status_code == 200
    assert "80 km/h" in compare.text
    assert "120 km/h" in compare.text


def test_restoring_a_revision_in_the_admin_moves_the_version_forward_and_keeps_status(client):
    editor = logged_in(client, "editor")
    from reversion.models import Version

    from articles import workflow
    from audit.models import EditorialLogEntry

    article = workflow.article_save(
        article=Article(headline="Storm", slug="storm", dek="First"), by=editor
    )
    article.dek = "Second"
    workflow.article_save(article=article, by=editor, expected_version=1, changed_fields=["dek"])
    workflow.article_publish(article=article, by=editor)
    first = Version.objects.get_for_object(article).order_by("pk").first()
    url = reverse("admin:articles_article_revision", args=[article.pk, first.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Restore this revision" in page.text
    assert client.post(url).status_code == 302

    restored = Article.objects.get(pk=article.pk)
    assert restored.dek == "First"
    assert restored.status == Article.Status.PUBLISHED
    assert restored.version == 4  # 1 created, 2 edited, 3 published, 4 restored
    assert EditorialLogEntry.objects.filter(action="article.restore").count() == 1


def test_tag_autocomplete_suggests_existing_tags_to_editors_only(client):
    article = ArticleFactory()
    article.tags.add("Kashmir", "Karachi", "Budget")
    logged_in(client, "reporter")
    url = reverse("admin:articles_article_tags")
    assert client.get(url, {"term": "ka"}).json() == {"results": ["Karachi", "Kashmir"]}
    client.force_login(UserFactory())  # not staff
    assert client.get(url, {"term": "ka"}).status_code == 302


def test_admin_pages_allow_inline_styles_for_the_editor_but_never_inline_scripts(client):
    logged_in(client, "editor")
    article = ArticleFactory()
    policy = client.get(change_url(article))["Content-Security-Policy"]
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert (
        "script-src 'self'" in policy
        and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    )
    public = client.get(article.get_absolute_url())["Content-Security-Policy"]
    assert "unsafe-inline" not in public


def library_image(*, uploaded_by, alt_text="A red square", on_article_status=None):
    image = Image(alt_text=alt_text, caption="Before", uploaded_by=uploaded_by)
    image.file.save("square.png", png_upload(size=(40, 40)), save=True)
    if on_article_status is not None:
        article = ArticleFactory(status=on_article_status)
        article.images.create(position=0, image=image)
    return image


def edit_image(client, image, **changes):
    data = {"alt_text": image.alt_text, "caption": image.caption, "credit": image.credit}
    data.update(changes)
    return client.post(reverse("admin:articles_image_change", args=[image.pk]), data)


def test_reporter_cannot_edit_the_image_on_a_published_article(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    reporter = logged_in(client, "reporter")
    image = library_image(uploaded_by=reporter, on_article_status=Article.Status.PUBLISHED)
    response = edit_image(client, image, alt_text="Something else entirely")
    assert response.status_code == 403
    image.refresh_from_db()
    assert image.alt_text == "A red square"
    assert not EditorialLogEntry.objects.filter(action="image.change").exists()


def test_reporter_cannot_edit_a_colleagues_image(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    logged_in(client, "reporter")
    image = library_image(uploaded_by=UserFactory(role="reporter"))
    assert edit_image(client, image, caption="Mine now").status_code == 403
    image.refresh_from_db()
    assert image.caption == "Before"


def test_reporter_edits_their_own_unpublished_image_and_the_edit_is_audited(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    reporter = logged_in(client, "reporter")
    image = library_image(uploaded_by=reporter, on_article_status=Article.Status.DRAFT)
    assert edit_image(client, image, caption="After").status_code == 302
    image.refresh_from_db()
    assert image.caption == "After"
    entry = EditorialLogEntry.objects.get(action="image.change")
    assert entry.actor == reporter
    assert entry.payload["before"] == {"caption": "Before"}
    assert entry.payload["after"] == {"caption": "After"}


def test_editor_edits_the_image_on_a_published_article_with_an_audit_entry(
    client, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    editor = logged_in(client, "editor")
    image = library_image(
        uploaded_by=UserFactory(role="reporter"), on_article_status=Article.Status.PUBLISHED
    )
    assert edit_image(client, image, alt_text="A red tile").status_code == 302
    image.refresh_from_db()
    assert image.alt_text == "A red tile"
    entry = EditorialLogEntry.objects.get(action="image.change")
    assert (entry.actor, entry.payload["before"]) == (editor, {"alt_text": "A red square"})


def test_image_update_refuses_a_reporter_whatever_calls_it(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    reporter = UserFactory(role="reporter")
    image = library_image(uploaded_by=reporter, on_article_status=Article.Status.PUBLISHED)
    with pytest.raises(PermissionDenied):
        image_update(image=image, changes={"alt_text": "Changed"}, by=reporter)


def test_an_upload_is_audited_with_its_uploader(client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    reporter = logged_in(client, "reporter")
    client.post(
        reverse("admin:articles_image_add"),
        {"file": png_upload(), "alt_text": "A red square", "caption": "", "credit": ""},
    )
    image = Image.objects.get()
    assert image.uploaded_by == reporter
    assert EditorialLogEntry.objects.get(action="image.upload").actor == reporter
