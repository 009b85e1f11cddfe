"""Hostile input never makes a 5xx: the article form, comment forms, search, imports.

Each test feeds hypothesis-generated values through the real views (Django's test
client, logged in where the page needs it) or the real import pipeline, on PostgreSQL.
The client re-raises any exception a view lets escape, so an unhandled error fails the
example as a 500 would. Each example runs in its own transaction (hypothesis' Django
``TestCase``) against data made once per class. Example counts are bounded so that the
whole module stays well under a minute and a half on the CI machine; together they run
more than 2,000 examples.
"""

from __future__ import annotations

import json
import uuid
from urllib.parse import quote

from django.test import override_settings
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from accounts.tests.factories import UserFactory
from articles.models import Article
from articles.tests.factories import ArticleFactory
from comments.tests.factories import CommentFactory
from sources.importers.jsonl import iter_jsonl_records
from sources.services.imports import records_import


def fuzz(examples: int) -> settings:
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
        database=None,  # no example database in the worktree: derandomised runs repeat
        derandomize=True,
    )


# Anything a browser could send: every code point that UTF-8 can encode (no surrogates).
TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
NUMBERS = st.integers(min_value=-(2**70), max_value=2**70).map(str)
ODD = st.sampled_from(
    ["", "x", "abc", "-1", "0", "1e9", "9" * 30, "1.5", " 1", "[]", "{}", "null", "\x00", "١٢"]
)
VALUES = st.one_of(TEXT, NUMBERS, ODD)
# A formset's form counts: malformed or small. A large count is refused by Django only
# after it has built and drawn up to 1,000 empty forms, seconds an example, so large
# counts are left to Django's own absolute_max tests.
FORM_COUNTS = st.one_of(
    st.integers(min_value=-3, max_value=6).map(str),
    st.sampled_from(["", "x", "1.5", "\x00", "٣"]),
    TEXT.filter(lambda text: not any(c.isdigit() for c in text)),
)


def assert_no_server_error(response):
    assert response.status_code < 500, response.status_code


class ArticleAdminFormFuzz(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.editor = UserFactory(role="editor")
        cls.article = ArticleFactory(bylines=["Ada Reporter", "Desk Report"])
        cls.url = reverse("admin:articles_article_change", args=[cls.article.pk])

    def setup_example(self):
        super().setup_example()
        self.client.force_login(self.editor)

    def form_data(self):
        """The change form as a browser would submit it (cached: it does not change)."""
        if not hasattr(type(self), "_form_data"):
            response = self.client.get(self.url)
            assert response.status_code == 200
            form = response.context["adminform"].form
            data = {name: form[name].value() for name in form.fields}
            data["key_points"] = "\n".join(self.article.key_points)
            data["tags"] = ""
            for formset in response.context["inline_admin_formsets"]:
                management = formset.formset.management_form
                for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
                    data[f"{management.prefix}-{name}"] = management[name].value()
                for inline_form in formset.formset.forms:
                    for name in inline_form.fields:
                        data[inline_form.add_prefix(name)] = inline_form[name].value()
            type(self)._form_data = {
                k: "" if v is None else (v if isinstance(v, list) else str(v))
                for k, v in data.items()
            }
        return dict(type(self)._form_data)

    @fuzz(150)  # a change form is drawn and saved each time: about 0.25 s an example
    @given(data=st.data())
    def test_article_change_form_never_answers_5xx(self, data):
        form = self.form_data()
        names = sorted(form)
        mutated = data.draw(st.lists(st.sampled_from(names), min_size=1, max_size=6, unique=True))
        for name in mutated:
            form[name] = data.draw(FORM_COUNTS if name.endswith("_FORMS") else VALUES)
        if data.draw(st.booleans()):
            form["_transition"] = data.draw(
                st.sampled_from(["publish", "submit", "unpublish", "draft", "schedule", "x"])
            )
        assert_no_server_error(self.client.post(self.url, form))


class CommentFormsFuzz(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.reader = UserFactory()
        cls.article = ArticleFactory()
        cls.comment = CommentFactory(article=cls.article, author=cls.reader)

    def setup_example(self):
        super().setup_example()
        self.client.force_login(self.reader)

    @fuzz(400)
    @given(
        form=st.sampled_from(["post", "edit", "delete", "flag"]),
        fields=st.dictionaries(
            st.sampled_from(["body", "parent", "idempotency_key", "reason", "note", "next"]),
            VALUES,
        ),
        uuid_key=st.booleans(),
    )
    @override_settings(COMMENTS_RATE_LIMIT_PER_MINUTE=10_000)
    def test_comment_forms_never_answer_5xx(self, form, fields, uuid_key):
        if uuid_key:
            fields["idempotency_key"] = str(uuid.uuid4())
        target = self.article.pk if form == "post" else self.comment.pk
        response = self.client.post(reverse(f"comments:{form}", args=[target]), fields)
        assert_no_server_error(response)


class SearchFuzz(TestCase):
    @classmethod
    def setUpTestData(cls):
        ArticleFactory(headline="Lavrov offers to mediate")
        ArticleFactory(headline="Harbour bridge closed")

    @fuzz(800)
    @given(
        params=st.dictionaries(
            st.sampled_from(
                ["q", "section", "outlet", "person", "place", "date_from", "date_to", "page"]
            ),
            st.one_of(VALUES, st.dates().map(str), st.just("2025-13-45")),
        )
    )
    def test_search_never_answers_5xx(self, params):
        assert_no_server_error(self.client.get(reverse("search:search"), params))

    @fuzz(500)
    @given(q=st.one_of(VALUES, st.text(max_size=120, alphabet=st.characters(codec="utf-8"))))
    @override_settings(SEARCH_SUGGEST_RATE_PER_MINUTE=100_000)
    def test_search_suggestions_never_answer_5xx(self, q):
        assert_no_server_error(self.client.get(reverse("search:suggest"), {"q": q}))


class PreviewTokenFuzz(TestCase):
    @fuzz(200)
    @given(token=st.text(alphabet=st.characters(exclude_categories=("Cs",)), min_size=1))
    def test_preview_token_of_any_shape_is_404(self, token):
        response = self.client.get(f"/preview/{quote(token, safe='')}/")
        assert response.status_code == 404, response.status_code


# JSON values of any shape, as the importer might meet them in a record's fields.
JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=True)
    | st.text(max_size=30)
    | st.dates().map(str)
    | st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat()),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(), children),
    max_leaves=8,
)
KEYS = ["id", "outlet", "title", "text", "published", "url", "dek", "authors", "section"]


class ImportRecordFuzz(TestCase):
    @fuzz(400)
    @given(
        lines=st.lists(
            st.one_of(
                st.dictionaries(st.sampled_from(KEYS + ["key_points"]), JSON_VALUES).map(
                    json.dumps
                ),
                st.builds(
                    lambda title, published: json.dumps(
                        {"title": title, "text": "Some words.", "published": published}
                    ),
                    st.text(min_size=1, max_size=30),
                    JSON_VALUES,
                ),
                st.text(max_size=60),
                st.sampled_from(["[" * 100_000, '{"title": "\\ud800"}', "\x00", "{}"]),
            ),
            min_size=1,
            max_size=4,
        )
    )
    def test_every_jsonl_line_is_imported_or_reported(self, lines):
        raw = [line.encode("utf-8", "surrogatepass") for line in lines]
        report = records_import(iter_jsonl_records(raw, source="fuzz.jsonl"))
        readable = sum(1 for line in raw if line.strip())
        assert report.total == readable
        assert Article.objects.count() == report.created
        for article in Article.objects.all():
            article.published_at and article.published_at.isoformat()
