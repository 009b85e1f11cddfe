"""Valid, findable pages on realistic data: a few hundred real articles, not five seeds.

The corpus is built once for this module: the seeds, then the first articles of each
coverage dev set (dated allsides and basil articles, and undated neus excerpts) imported
through the real importer (`load_coverage_sets`, as `make run` does), clustered into
stories, with approved comments and a reply on sampled articles. The Nu checker, feed and
sitemap checks and JSON-LD checks then run over a sample of every public page type,
logged out and logged in; the counts go into the test report (`record_property`) and
conftest prints them at the end of the run.

Skips with a reason when the coverage data is absent (settings.COVERAGE_DATA_DIR).
"""

import datetime as dt
import io
import json
import re
import subprocess
import time
import uuid
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from tests.test_validity import SCHEMAS, URLSET_XSD, VNU, require, xmllint

# A deterministic sample: each file is sorted by date, so its first N records are dated
# in order (neus has no dates at all). About 330 articles, 100+ outlets.
LIMITS = {"allsides-dev.jsonl": 200, "basil-dev.jsonl": 90, "neus-dev.jsonl": 40}
SAMPLE = 6  # pages per page type that has many

# One corpus build for the whole module: the axe test (live_server, so transactional)
# would otherwise be moved to the end of the session and build the corpus again.
pytestmark = pytest.mark.keep_module_together


def _corpus_build(paths):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from demo.coverage_sets import load_coverage_sets
    from search.services import search_terms_rebuild

    call_command("load_demo", "--seeds-only", stdout=io.StringIO())
    User = get_user_model()
    editor = User.objects.create_user("corpus-editor", "e@example.com", is_staff=True)
    editor.groups.add(Group.objects.get(name="editor"))
    moderator = User.objects.create_user("corpus-moderator", "m@example.com", is_staff=True)
    moderator.groups.add(Group.objects.get(name="moderator"))
    for path in paths:
        load_coverage_sets(paths=[path], by=editor, limit_per_file=LIMITS[path.name])
    search_terms_rebuild()
    commented = _comments_add(moderator)
    _tags_add()
    return _sample_pages(), commented, moderator


@pytest.fixture(scope="module")
def corpus(django_db_setup, django_db_blocker):
    paths = [settings.COVERAGE_DATA_DIR / name for name in LIMITS]
    if not all(path.is_file() for path in paths):
        pytest.skip(f"coverage data {settings.COVERAGE_DATA_DIR} is absent")
    if not settings.SEEDS_DIR.is_dir():
        pytest.skip(f"seed directory {settings.SEEDS_DIR} is absent")
    started = time.monotonic()
    with django_db_blocker.unblock():
        # Committed, not rolled back: start from (and leave) an empty database, even when
        # building the corpus fails (the test database is reused by the next run).
        call_command("flush", interactive=False, verbosity=0)
        try:
            pages, commented, moderator = _corpus_build(paths)
        except BaseException:
            call_command("flush", interactive=False, verbosity=0)
            raise
    seconds = time.monotonic() - started
    yield {
        "pages": pages,
        "commented": commented,
        "moderator": moderator,
        "seconds": seconds,
    }
    with django_db_blocker.unblock():
        call_command("flush", interactive=False, verbosity=0)


def _comments_add(moderator) -> list:
    """Approved comments, a reply and one pending comment on a few sampled articles."""
    from django.contrib.auth import get_user_model

    from accounts.models import Profile
    from articles.models import Article
    from comments.models import Comment
    from comments.services import comment_approve, comment_post

    User = get_user_model()
    readers = []
    for n in range(3):
        reader = User.objects.create_user(f"reader{n}", f"reader{n}@example.com")
        Profile.objects.update_or_create(user=reader, defaults={"display_name": f"Reader {n}"})
        readers.append(reader)
    articles = list(Article.objects.published().exclude(published_at=None).order_by("pk")[::60])
    for article in articles:
        first = comment_post(
            article=article,
            author=readers[0],
            body="Useful to see every outlet side by side. See https://example.com/a",
            idempotency_key=uuid.uuid4(),
        )
        if first.status != Comment.Status.APPROVED:
            comment_approve(comment=first, by=moderator)
        reply = comment_post(
            article=article,
            author=readers[1],
            body="Agreed, though the dates differ between outlets.",
            idempotency_key=uuid.uuid4(),
            parent=first,
        )
        if reply.status != Comment.Status.APPROVED:
            comment_approve(comment=reply, by=moderator)
        comment_post(
            article=article,
            author=readers[2],
            body="Waiting for a moderator.",
            idempotency_key=uuid.uuid4(),
        )
    return articles


def _tags_add() -> None:
    from articles.models import Article

    for article in Article.objects.published().order_by("pk")[::25]:
        article.tags.add("Elections" if article.pk % 2 else "Foreign policy")


def _sample_pages() -> list[tuple[str, str]]:
    """(page type, path): every public page type, several of each where there are many."""
    from django.db.models import Count
    from taggit.models import Tag

    from articles.models import Article, Section
    from coverage.models import Story
    from entities.models import Event, Person, Place
    from sources.models import Outlet

    def spread(queryset, n=SAMPLE):
        items = list(queryset)
        step = max(1, len(items) // n)
        return items[::step][:n]

    published = Article.objects.published().order_by("pk")
    stories = Story.objects.filter(member_count__gt=0).order_by("-member_count", "pk")
    pages = [("home", reverse("home")), ("home", reverse("home") + "?page=2")]
    pages += [
        ("article", a.get_absolute_url()) for a in spread(published.exclude(published_at=None))
    ]
    pages += [
        ("article", a.get_absolute_url()) for a in spread(published.filter(published_at=None), 2)
    ]
    pages += [("story", s.get_absolute_url()) for s in spread(stories)]
    pages += [("story", s.get_absolute_url()) for s in stories.filter(last_updated_at=None)[:1]]
    pages += [
        ("section", reverse("articles:section", args=[s.slug]))
        for s in spread(Section.objects.order_by("slug"), 3)
    ]
    pages += [("tag", reverse("articles:tag", args=[t.slug])) for t in Tag.objects.order_by("slug")]
    outlets = Outlet.objects.annotate(n=Count("articles")).order_by("-n", "slug")
    pages += [("outlet", o.get_absolute_url()) for o in spread(outlets)]
    pages += [("person", p.get_absolute_url()) for p in spread(Person.objects.order_by("slug"), 4)]
    pages += [("place", p.get_absolute_url()) for p in spread(Place.objects.order_by("slug"), 4)]
    pages += [("event", e.get_absolute_url()) for e in spread(Event.objects.order_by("slug"), 3)]
    search = reverse("search:search")
    pages += [
        ("search", search),
        ("search", search + "?q=Biden"),
        ("search", search + "?q=Lavorv"),
        ("search", search + "?q=vaccine&date_from=2021-05-01"),
        ("search", search + "?q=vaccine&date_from=2021-13-45"),  # a field error
        ("search", search + "?q=" + "vaccine+" * 40),  # too long: a field error
    ]
    pages += [("sign-up", reverse("account_signup")), ("log-in", reverse("account_login"))]
    return pages


def _commented_pages(corpus) -> list[tuple[str, str]]:
    return [("article with comments", a.get_absolute_url()) for a in corpus["commented"]]


def _record(record_property, name, **counts) -> None:
    record_property("validity", f"{name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@pytest.mark.django_db
def test_corpus_pages_have_no_html_errors_logged_in_or_out(
    client, corpus, tmp_path, record_property
):
    require(VNU)
    from django.contrib.auth import get_user_model

    started = time.monotonic()
    reader = get_user_model().objects.get(username="reader0")
    files: dict[str, str] = {}
    kinds: set[str] = set()
    moderation = [
        ("moderation", reverse("comments:queue")),
        ("moderation", reverse("comments:queue") + "?status=all"),
        ("moderation", reverse("comments:commenter", args=[reader.pk])),
    ]
    pages = corpus["pages"] + _commented_pages(corpus)
    for who, user, extra in (("out", None, []), ("in", corpus["moderator"], moderation)):
        client.logout()
        if user:
            client.force_login(user)
        for n, (kind, path) in enumerate(pages + extra):
            if user and kind in ("sign-up", "log-in"):
                continue  # allauth redirects a logged-in reader away
            response = client.get(path)
            assert response.status_code == 200, (kind, path, response.status_code)
            target = tmp_path / f"{who}-{n:03d}-{kind.replace(' ', '-')}.html"
            target.write_bytes(response.content)
            files[str(target)] = f"{kind} ({who}) {path}"
            kinds.add(kind)
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
    _record(
        record_property,
        "Nu HTML Checker on the corpus",
        pages=len(files),
        page_types=len(kinds),
        errors=len(errors),
        seconds=round(time.monotonic() - started, 1),
        corpus_seconds=round(corpus["seconds"], 1),
    )
    assert len(files) >= 50 and len(kinds) >= 10
    assert errors == []


def _feed_errors(body: bytes, path: str) -> list[str]:
    """feedparser's complaints, plus what RFC 4287 and RSS readers need per entry."""
    import feedparser

    feed = feedparser.parse(body)
    errors = [f"{path}: {feed.bozo_exception}"] if feed.bozo else []
    atom = body.lstrip().startswith(b"<?xml") and b"http://www.w3.org/2005/Atom" in body[:500]
    for entry in feed.entries:
        if not entry.get("title") or not entry.get("link"):
            errors.append(f"{path}: entry without title or link")
        if atom and not (entry.get("author") or feed.feed.get("author")):
            errors.append(f"{path}: Atom entry without an author: {entry.get('title')}")
        if atom and not entry.get("updated"):
            errors.append(f"{path}: Atom entry without <updated>: {entry.get('title')}")
        if not atom and not entry.get("published"):
            errors.append(f"{path}: RSS item without a date: {entry.get('title')}")
    return errors


@pytest.mark.django_db
def test_corpus_feeds_are_valid_and_carry_no_undated_article(client, corpus, record_property):
    from articles.models import Article
    from coverage.models import Story
    from entities.models import Event, Person

    story = Story.objects.filter(member_count__gt=2).order_by("-member_count").first()
    person = Person.objects.get(slug="sergey-lavrov")
    event = Event.objects.order_by("slug").first()
    paths = [reverse("articles:latest_rss"), reverse("articles:latest_atom")]
    paths += [reverse("coverage:story_rss", args=[story.pk])]
    paths += [reverse("coverage:story_atom", args=[story.pk])]
    paths += [reverse("entities:person_rss", args=[person.slug])]
    paths += [reverse("entities:person_atom", args=[person.slug])]
    paths += [reverse("entities:event_atom", args=[event.slug])]
    paths += [reverse("articles:section_atom", args=["regional"])]
    undated = set(
        Article.objects.published().filter(published_at=None).values_list("pk", flat=True)
    )
    errors, entries = [], 0
    for path in paths:
        response = client.get(path)
        assert response.status_code == 200, path
        errors += _feed_errors(response.content, path)
        ids = {int(n) for n in re.findall(rb"newsroom:article:(\d+)", response.content)}
        entries += len(ids)
        errors += [f"{path}: undated article {pk}" for pk in ids & undated]
    _record(
        record_property,
        "feeds on the corpus",
        feeds=len(paths),
        entries=entries,
        errors=len(errors),
    )
    assert undated and entries > 0
    assert errors == []


@pytest.mark.django_db
def test_corpus_sitemaps_validate_and_date_only_what_the_source_dated(
    client, corpus, tmp_path, record_property
):
    require(URLSET_XSD)
    from articles.models import Article

    namespace = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    index = client.get("/sitemap.xml").content
    errors = [xmllint(index, SCHEMAS / "siteindex.xsd", tmp_path)]
    locations = [loc.text for loc in ET.fromstring(index).findall("sm:sitemap/sm:loc", namespace)]
    assert any(loc.endswith("/sitemap-stories.xml") for loc in locations)
    urls = 0
    today = dt.datetime.now(tz=dt.UTC).date().isoformat()
    for location in locations:
        document = client.get(location.removeprefix("http://testserver")).content
        errors.append(xmllint(document, URLSET_XSD, tmp_path))
        for url in ET.fromstring(document).findall("sm:url", namespace):
            urls += 1
            lastmod = url.find("sm:lastmod", namespace)
            if lastmod is not None and lastmod.text.startswith(today):
                errors.append(f"{url.find('sm:loc', namespace).text}: lastmod is today")
    news = client.get("/sitemap-news.xml")
    assert news.status_code == 404  # nothing in the corpus is from the last two days
    assert "sitemap-news.xml" not in client.get("/robots.txt").text
    errors = [e for e in errors if e]
    _record(
        record_property,
        "sitemaps on the corpus",
        sitemaps=len(locations) + 1,
        urls=urls,
        schema_errors=len(errors),
    )
    assert Article.objects.published().count() > 300
    assert errors == []


JSONLD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _jsonld_errors(data, where: str) -> list[str]:
    errors = []
    items = data if isinstance(data, list) else [data]
    for item in items:
        if item.get("@context") != "https://schema.org" or not item.get("@type"):
            errors.append(f"{where}: no schema.org @context or @type")
        if item.get("@type") == "CollectionPage":
            listed = item.get("mainEntity", {}).get("itemListElement", [])
            if not listed:
                errors.append(f"{where}: CollectionPage without items")
            errors += _news_errors([entry["item"] for entry in listed], where)
        if item.get("@type") == "NewsArticle":
            errors += _news_errors([item], where)
    return errors


def _news_errors(articles, where) -> list[str]:
    errors = []
    for article in articles:
        if article.get("@type") != "NewsArticle" or not article.get("headline"):
            errors.append(f"{where}: not a NewsArticle with a headline")
        if not article.get("image"):
            errors.append(f"{where}: NewsArticle without image")
        for author in article.get("author", [None]):
            if not author or author.get("@type") not in ("Person", "Organization"):
                errors.append(f"{where}: author is not a Person or Organization")
            elif not author.get("url"):
                errors.append(f"{where}: author {author.get('name')} without url")
        for key in ("datePublished", "dateModified"):
            if key in article:
                try:
                    dt.datetime.fromisoformat(article[key])
                except ValueError:
                    errors.append(f"{where}: {key} {article[key]!r} is not ISO 8601")
    return errors


@pytest.mark.django_db
def test_corpus_pages_carry_valid_json_ld_and_share_tags(client, corpus, record_property):
    errors, blocks, pages = [], 0, 0
    kinds = set()
    for kind, path in corpus["pages"]:
        html = client.get(path).text
        pages += 1
        for tag in (
            'rel="canonical"',
            'name="description"',
            'property="og:title"',
            'property="og:image"',
            'name="twitter:card"',
        ):
            if tag not in html:
                errors.append(f"{kind} {path}: no {tag}")
        for block in JSONLD.findall(html):
            blocks += 1
            kinds.add(kind)
            try:
                data = json.loads(block)
            except ValueError as error:
                errors.append(f"{kind} {path}: {error}")
                continue
            errors += _jsonld_errors(data, f"{kind} {path}")
    _record(
        record_property,
        "JSON-LD and share tags on the corpus",
        pages=pages,
        blocks=blocks,
        page_types_with_json_ld=len(kinds),
        errors=len(errors),
    )
    assert {"article", "story", "person", "place", "event", "outlet"} <= kinds
    assert errors == []


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_corpus_pages_have_no_axe_violations_logged_in_or_out(
    live_server, page, corpus, record_property
):
    """Last in this module: the live server's transactional test empties the database."""
    from django.test import Client

    from tests.test_validity import AXE

    require(AXE)
    started = time.monotonic()
    source = AXE.read_text()
    first_of_each: dict[str, str] = {}
    for kind, path in corpus["pages"] + _commented_pages(corpus):
        first_of_each.setdefault(kind, path)
    browser = Client()
    browser.force_login(corpus["moderator"])
    found, checked = {}, 0
    for who in ("out", "in"):
        if who == "in":
            page.context.add_cookies(
                [
                    {
                        "name": settings.SESSION_COOKIE_NAME,
                        "value": browser.cookies[settings.SESSION_COOKIE_NAME].value,
                        "url": live_server.url,
                    }
                ]
            )
        for kind, path in first_of_each.items():
            if who == "in" and kind in ("sign-up", "log-in"):
                continue
            page.goto(live_server.url + path)
            page.evaluate(source)  # evaluated by the browser itself: not subject to CSP
            violations = page.evaluate(
                "async () => (await axe.run(document, {resultTypes: ['violations']}))"
                ".violations.map(v => `${v.id}: ${v.help} (${v.nodes.length})`)"
            )
            checked += 1
            if violations:
                found[f"{kind} ({who}) {path}"] = violations
    _record(
        record_property,
        "axe-core on the corpus",
        pages=checked,
        page_types=len(first_of_each),
        violations=sum(len(v) for v in found.values()),
        seconds=round(time.monotonic() - started, 1),
    )
    assert found == {}
