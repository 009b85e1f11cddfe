"""Public pages are valid HTML (Nu HTML Checker) and have no axe-core violations.

The validators come from npm (tools/package.json, installed by `make test`) and run
against pages rendered from the seed demo. Without them the tests skip with a reason,
except under CI=true.
"""

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

TOOLS = Path(settings.BASE_DIR) / "tools" / "node_modules"
VNU = TOOLS / "vnu-jar" / "build" / "dist" / "vnu.jar"
AXE = TOOLS / "axe-core" / "axe.min.js"


def require(path: Path):
    if path.exists():
        return
    message = f"{path} missing: run `make test` (npm ci --prefix tools)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def large_story_path() -> str:
    """A story with more articles than a page holds: pager, per-day timeline."""
    from articles.tests.factories import ArticleFactory
    from coverage.models import Story, StoryArticle
    from coverage.selectors import ENTRIES_PER_PAGE, TIMELINE_ARTICLES
    from coverage.services import story_refresh

    story = Story.objects.create(title="Floods close the valley road", slug="floods")
    count = max(ENTRIES_PER_PAGE, TIMELINE_ARTICLES) + 5
    for article in ArticleFactory.create_batch(count):
        StoryArticle.objects.create(story=story, article=article, score=0.5)
    story_refresh(story=story)
    return story.get_absolute_url() + "?page=2"


def public_pages() -> dict[str, str]:
    """Name → path of every kind of public page, on the seed demo."""
    from articles.models import Article
    from coverage.models import Story
    from entities.models import Person

    article = Article.objects.get(headline__startswith="Russia Offers to Mediate in Kashmir")
    return {
        "home": reverse("home"),
        "story": Story.objects.get().get_absolute_url(),
        "large story": large_story_path(),
        "article": article.get_absolute_url(),
        "provisional article": Article.objects.get(is_headline_provisional=True).get_absolute_url(),
        "search": reverse("search:search") + "?q=Lavorv",
        "person": Person.objects.get(slug="sergey-lavrov").get_absolute_url(),
        "section": reverse("articles:section", args=["regional"]),
        "outlet": article.outlet.get_absolute_url(),
        "not found": "/no-such-page/",
    }


@pytest.mark.django_db
def test_public_pages_have_no_html_errors_in_the_nu_checker(client, seed_demo, tmp_path):
    require(VNU)
    from search.services import search_terms_rebuild

    search_terms_rebuild()
    files = {}
    for name, path in public_pages().items():
        response = client.get(path)
        assert response.status_code in (200, 404), (name, response.status_code)
        target = tmp_path / (name.replace(" ", "-") + ".html")
        target.write_bytes(response.content)
        files[str(target)] = name
    result = subprocess.run(  # noqa: S603
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", *files],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    messages = json.loads(result.stderr or '{"messages": []}')["messages"]
    errors = [
        f"{files.get(m.get('url', '').removeprefix('file:'), m.get('url'))}: "
        f"line {m.get('lastLine')}: {m['message']}"
        for m in messages
    ]
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_public_pages_have_no_axe_violations(live_server, page, seed_demo):
    require(AXE)
    from search.services import search_terms_rebuild

    search_terms_rebuild()
    source = AXE.read_text()
    found = {}
    pages = public_pages()
    for scheme in ("light", "dark"):  # both themes: contrast differs
        page.emulate_media(color_scheme=scheme)
        for name, path in pages.items():
            page.goto(live_server.url + path)
            page.evaluate(source)  # evaluated by the browser itself: not subject to its CSP
            violations = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                ".map(v => `${v.id}: ${v.help} (${v.nodes.length})`)"
            )
            if violations:
                found[f"{name} ({scheme})"] = violations
    assert found == {}


SCHEMAS = Path(__file__).resolve().parent / "schemas"
URLSET_XSD = TOOLS / "sitemap" / "schema" / "sitemap.xsd"


def xmllint(document: bytes, schema: Path, tmp_path: Path) -> str:
    if not shutil.which("xmllint"):
        if os.environ.get("CI") == "true":
            pytest.fail("xmllint missing (apt-get install libxml2-utils)")
        pytest.skip("xmllint missing (apt-get install libxml2-utils)")
    target = tmp_path / "document.xml"
    target.write_bytes(document)
    result = subprocess.run(  # noqa: S603
        ["xmllint", "--noout", "--nonet", "--schema", str(schema), str(target)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    return "" if result.returncode == 0 else result.stderr


@pytest.mark.django_db
def test_sitemaps_validate_against_the_sitemaps_org_schema(client, seed_demo, tmp_path):
    require(URLSET_XSD)
    from django.utils import timezone

    from articles.tests.factories import ArticleFactory

    fresh = ArticleFactory(headline="Fresh news for the news sitemap", published_at=timezone.now())
    fresh.tags.add("Kashmir")
    assert xmllint(client.get("/sitemap.xml").content, SCHEMAS / "siteindex.xsd", tmp_path) == ""
    for section in ("articles", "sections", "tags", "people", "places", "events", "outlets"):
        document = client.get(f"/sitemap-{section}.xml").content
        assert xmllint(document, URLSET_XSD, tmp_path) == "", section
    news = client.get("/sitemap-news.xml").content
    assert b"Fresh news for the news sitemap" in news
    assert xmllint(news, SCHEMAS / "news-urlset.xsd", tmp_path) == ""


@pytest.mark.django_db
def test_an_empty_sitemap_is_left_out_of_the_index(client):
    assert b"sitemap-tags.xml" not in client.get("/sitemap.xml").content
    assert client.get("/sitemap-tags.xml").status_code == 404
