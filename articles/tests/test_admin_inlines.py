"""The article form's inlines: corrections refused with a reason, bylines and images audited."""

import pytest

from articles.models import Article, ArticleImage, Correction, Image
from articles.tests.factories import ArticleFactory
from articles.tests.test_admin import change_url, form_data, logged_in
from audit.models import EditorialLogEntry

pytestmark = pytest.mark.django_db


def total_forms(data, prefix) -> int:
    value = data[f"{prefix}-TOTAL_FORMS"]  # form_data gives each field its list of values
    return int(value[0] if isinstance(value, list) else value)


def with_new_correction(data, text, kind="correction"):
    total = total_forms(data, "corrections")
    data.update(
        {
            "corrections-TOTAL_FORMS": str(total + 1),
            f"corrections-{total}-kind": kind,
            f"corrections-{total}-text": text,
        }
    )
    return data


def test_correction_on_a_draft_is_refused_beside_the_inline_and_keeps_the_text(client):
    logged_in(client, "editor")
    article = ArticleFactory(status=Article.Status.DRAFT)
    data = with_new_correction(form_data(client, article), "The bridge is 40 m long, not 400 m.")
    response = client.post(change_url(article), data)
    assert response.status_code == 200
    assert "Only published articles take corrections and updates." in response.text
    assert "The bridge is 40 m long, not 400 m." in response.text  # the input survives
    assert not Correction.objects.exists()


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_correction_on_a_published_article_is_appended_and_logged(client, role):
    editor = logged_in(client, role)
    article = ArticleFactory()
    data = with_new_correction(form_data(client, article), "The bridge is 40 m long.")
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    assert Correction.objects.get().text == "The bridge is 40 m long."
    assert EditorialLogEntry.objects.filter(actor=editor, action="article.correction").exists()


def test_byline_edit_in_the_article_form_writes_an_audit_row_with_before_and_after(client):
    editor = logged_in(client, "editor")
    article = ArticleFactory(bylines=["Ana Lima"])
    data = form_data(client, article, **{"bylines-0-name": "Ana Lima Costa"})
    response = client.post(change_url(article), data)
    assert response.status_code == 302
    entry = EditorialLogEntry.objects.get(action="article.bylines")
    assert entry.actor == editor
    assert entry.target_id == str(article.pk)
    assert [b["name"] for b in entry.payload["before"]] == ["Ana Lima"]
    assert [b["name"] for b in entry.payload["after"]] == ["Ana Lima Costa"]
    assert article.bylines.get().person.name == "Ana Lima Costa"


def test_removing_a_byline_in_the_article_form_is_audited(client):
    logged_in(client, "editor")
    article = ArticleFactory(bylines=["Ana Lima", "Bo Chen"])
    data = form_data(client, article, **{"bylines-1-DELETE": "on"})
    assert client.post(change_url(article), data).status_code == 302
    entry = EditorialLogEntry.objects.get(action="article.bylines")
    assert [b["name"] for b in entry.payload["after"]] == ["Ana Lima"]
    assert list(article.bylines.values_list("name", flat=True)) == ["Ana Lima"]


def test_saving_the_form_without_touching_bylines_writes_no_byline_row(client):
    logged_in(client, "editor")
    article = ArticleFactory(bylines=["Ana Lima"])
    assert client.post(change_url(article), form_data(client, article)).status_code == 302
    assert not EditorialLogEntry.objects.filter(action="article.bylines").exists()


def test_adding_an_image_in_the_article_form_writes_an_audit_row(client):
    editor = logged_in(client, "editor")
    article = ArticleFactory()
    image = Image.objects.create(file="images/harbour.png", alt_text="Boats", width=10, height=10)
    data = form_data(client, article)
    total = total_forms(data, "images")
    data |= {
        "images-TOTAL_FORMS": str(total + 1),
        f"images-{total}-position": "0",
        f"images-{total}-image": str(image.pk),
        f"images-{total}-caption": "The harbour at dawn.",
    }
    assert client.post(change_url(article), data).status_code == 302
    assert ArticleImage.objects.get().caption == "The harbour at dawn."
    entry = EditorialLogEntry.objects.get(action="article.images")
    assert entry.actor == editor
    assert entry.payload["before"] == []
    assert entry.payload["after"][0]["image_id"] == image.pk
