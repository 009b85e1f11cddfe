import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from articles.tests.factories import ArticleFactory
from coverage.models import Story, StoryArticle
from coverage.services import story_refresh
from entities.models import Person
from sources.services import articles_fingerprint
from sources.tests.factories import OutletFactory

pytestmark = pytest.mark.django_db


def add_members(story, count):
    """``count`` more articles, each from a new outlet, with two bylines each."""
    for article in ArticleFactory.create_batch(count, bylines=["A. Writer", "B. Writer"]):
        StoryArticle.objects.create(story=story, article=article, score=0.5)
    story_refresh(story=story)


def test_story_page_lists_every_outlets_article(client, seed_demo):
    story = Story.objects.get()
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    for article in story.articles.all():
        assert article.headline in response.text
    for outlet in ("The Nation Express", "Modern Tokyo Times"):
        assert outlet in response.text
    assert "5 articles" in response.text


def test_story_page_compares_what_each_outlet_reports(client, seed_demo):
    story = Story.objects.get()
    page = client.get(story.get_absolute_url()).text
    assert "What each outlet reports" in page
    for fact in ("26 killed", "Simla Agreement (1972)", "Lahore Declaration (1999)"):
        assert fact in page


def test_story_page_explains_why_each_article_was_grouped(client, seed_demo):
    story = Story.objects.get()
    page = client.get(story.get_absolute_url()).text
    assert page.count("Why grouped") == 5
    assert "This article started the story." in page
    assert "Top shared terms:" in page


def test_why_grouped_names_the_shared_people_and_links_their_pages(client, seed_demo):
    lavrov = Person.objects.get(name="Sergey Lavrov")
    page = client.get(Story.objects.get().get_absolute_url()).text
    assert f'<a href="{lavrov.get_absolute_url()}">Sergey Lavrov</a>' in page
    assert "person:" not in page  # keys never show as such


def test_story_page_lists_registered_outlets_that_did_not_cover_it(client, seed_demo):
    OutletFactory(name="Silent Gazette", country="NZ")
    story = Story.objects.get()
    page = client.get(story.get_absolute_url()).text
    assert "Coverage gaps" in page
    assert "<strong>New Zealand</strong>, Unknown: 1 — Silent Gazette" in page


def test_story_page_names_the_outlets_of_a_coverage_gap_alphabetically(client, seed_demo):
    for name in ("Zeta Herald", "Alpha Post", "Mid Courier"):
        OutletFactory(name=name, country="NZ")
    page = client.get(Story.objects.get().get_absolute_url()).text
    assert "New Zealand</strong>, Unknown: 3 — Alpha Post, Mid Courier, Zeta Herald" in page


def test_story_page_marks_wire_copy(client, seed_demo):
    story = Story.objects.get()
    wire = ArticleFactory(attribution="Reuters", bylines=["Reuters"])
    articles_fingerprint(articles=[wire])  # as its import or an editor's save does
    StoryArticle.objects.create(story=story, article=wire, score=0.5)
    page = client.get(story.get_absolute_url()).text
    assert "Wire copy: credited to Reuters" in page


def test_story_page_query_count_does_not_grow_with_articles_or_outlets(client, seed_demo):
    story = Story.objects.get()
    url = story.get_absolute_url()
    with CaptureQueriesContext(connection) as five_articles:
        assert client.get(url).status_code == 200
    add_members(story, 20)
    url = Story.objects.get().get_absolute_url()  # retitled after its most central article
    with CaptureQueriesContext(connection) as twenty_five_articles:
        response = client.get(url)
    assert response.text.count('class="card"') == 25
    # 4 for the page and its members (their wire-copy verdicts joined in), one per kind
    # of entity the explanations name, one for the people, places and events the
    # comparison table lines up, and one for the header's section navigation.
    assert len(twenty_five_articles) == len(five_articles) == 9


def test_related_coverage_box_shows_the_story_and_other_outlets_takes(client, seed_demo):
    article = Article.objects.get(headline__startswith="Russia Offers to Mediate in Kashmir")
    page = client.get(article.get_absolute_url()).text
    assert "Full coverage:" in page
    assert page.count('<li><a href="/articles/') == 4  # the other four outlets' takes


def test_related_coverage_box_query_count_does_not_grow_with_the_story(client, seed_demo):
    article = Article.objects.get(headline__startswith="Russia Offers to Mediate in Kashmir")
    story = Story.objects.get()
    url = article.get_absolute_url()
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add_members(story, 30)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.text.count('<li><a href="/articles/') == 5
    assert len(large) == len(small)


def test_story_url_with_an_old_slug_redirects_to_the_current_one(client, seed_demo):
    story = Story.objects.get()
    response = client.get(reverse("coverage:story_detail", args=[story.pk, "old-title"]))
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


def test_a_large_story_shows_its_articles_a_page_at_a_time(client, seed_demo):
    """A story covered by hundreds of outlets stays a page a reader can load: its
    articles come thirty a page, earliest first, and the comparison table compares the
    articles on the page."""
    story = Story.objects.get()
    add_members(story, 40)
    first = client.get(story.get_absolute_url()).text
    assert first.count('class="card"') == 30
    assert "Articles 1–30 of 45, earliest first." in first
    assert 'rel="next">Later articles</a>' in first
    second = client.get(story.get_absolute_url() + "?page=2").text
    assert second.count('class="card"') == 15
    assert '<ol class="coverage-grid" start="31">' in second
    assert 'rel="prev">Earlier articles</a>' in second
    table = second.split('<table class="comparison">', 1)[1]
    header = table.split("<thead>", 1)[1].split("</thead>", 1)[0]
    assert header.count('<th scope="col">') == 1 + 15  # "Reported" and one per article


def test_every_page_of_a_large_story_costs_at_most_ten_queries(client, seed_demo):
    """Ten for the story (coverage.selectors.story_page), one for the section navigation."""
    story = Story.objects.get()
    add_members(story, 40)
    with CaptureQueriesContext(connection) as first:
        client.get(story.get_absolute_url())
    with CaptureQueriesContext(connection) as second:
        client.get(story.get_absolute_url() + "?page=2")
    assert len(first) <= 11
    assert len(second) <= 11


def test_a_large_storys_timeline_counts_the_articles_of_each_day(client, seed_demo):
    story = Story.objects.get()
    day = dt.datetime(2025, 5, 9, 8, tzinfo=dt.UTC)
    for hour in range(35):
        article = ArticleFactory(published_at=day + dt.timedelta(hours=hour))
        StoryArticle.objects.create(story=story, article=article, score=0.5)
    story_refresh(story=story)
    page = client.get(story.get_absolute_url()).text
    timeline = page.split('<table class="timeline-days">', 1)[1].split("</table>", 1)[0]
    rows = timeline.split("<tbody>", 1)[1].count("<tr>")
    dated = story.articles.exclude(published_at=None)
    assert rows == len({a.published_at.date() for a in dated})
    assert '<time datetime="2025-05-09">9 May 2025</time></th><td>' in timeline
    nine_may = timeline.split('<time datetime="2025-05-09">', 1)[1].split("</tr>", 1)[0]
    assert "</meter> 16</td>" in nine_may  # 08:00 to 23:00 UTC


def test_story_page_draws_the_timeline_as_an_svg_with_the_figures_as_a_table(client, seed_demo):
    story = Story.objects.get()
    page = client.get(story.get_absolute_url()).text
    chart = page.split('<figure class="timeline-chart">', 1)[1].split("</figure>", 1)[0]
    assert 'role="img"' in chart
    assert 'aria-labelledby="timeline-chart-title timeline-chart-desc"' in chart
    assert '<title id="timeline-chart-title">Articles per outlet over time</title>' in chart
    assert chart.count("<circle") >= 2
    table = chart.split("<table>", 1)[1]
    assert '<th scope="row">Modern Tokyo Times</th><td>1</td>' in table


def test_story_page_highlights_the_first_reporter_and_groups_wire_copies(client, seed_demo):
    story = Story.objects.get()
    wire = ArticleFactory(attribution="Reuters", bylines=["Reuters"])
    articles_fingerprint(articles=[wire])  # as its import or an editor's save does
    StoryArticle.objects.create(story=story, article=wire, score=0.5)
    story_refresh(story=story)
    page = client.get(story.get_absolute_url()).text
    assert page.count("First to report") == 1
    assert 'class="is-first"' in page
    wires = page.split('<h3 id="wire-heading">Wire copies (1)</h3>', 1)[1].split("</section>")[0]
    assert wire.headline in wires


def test_comparison_table_scrolls_in_a_labelled_region_a_keyboard_can_reach(client, seed_demo):
    page = client.get(Story.objects.get().get_absolute_url()).text
    assert (
        '<div class="table-scroll" tabindex="0" role="region" '
        'aria-labelledby="comparison-caption">' in page
    )
    assert '<caption id="comparison-caption">' in page


def test_story_page_charts_its_outlets_by_country_and_by_ownership(client, seed_demo):
    story = Story.objects.get()
    for name, ownership in (("State Wire", "state"), ("State Radio", "state")):
        article = ArticleFactory(
            outlet=OutletFactory(name=name, country="NZ", ownership_type=ownership)
        )
        StoryArticle.objects.create(story=story, article=article, score=0.5)
    story_refresh(story=story)
    page = client.get(story.get_absolute_url()).text
    mix = page.split('<div class="outlet-mix">', 1)[1].split("</section>", 1)[0]
    assert "<strong>New Zealand</strong>: 2 outlets" in mix  # the name, not the code
    assert "<strong>State-owned</strong>: 2 outlets" in mix
    assert '<meter min="0" max="100" value="100" aria-hidden="true">' in mix


def test_home_query_count_does_not_grow_with_stories_or_their_articles(client):
    from coverage.models import Story, StoryArticle

    def story_with(count):
        story = Story.objects.create(title=f"Story of {count}", slug="story")
        for article in ArticleFactory.create_batch(count, bylines=["A"]):
            StoryArticle.objects.create(story=story, article=article, score=0.5)

    story_with(2)
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("home"))
    for _ in range(12):
        story_with(15)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("home"))
    assert response.text.count('class="story-card"') == 10
    assert len(many) == len(few)


def test_home_leads_with_the_widest_story_its_picture_and_outlets(client, settings, tmp_path):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image as PILImage

    from articles.models import ArticleImage, Image
    from coverage.models import Story, StoryArticle
    from sources.tests.factories import OutletFactory

    settings.MEDIA_ROOT = tmp_path
    wide = Story.objects.create(title="Harbour flood", slug="harbour-flood")
    narrow = Story.objects.create(title="Council vote", slug="council-vote")
    for name in ("Daily Tide", "Evening Quay", "Port Post"):
        article = ArticleFactory(outlet=OutletFactory(name=name))
        StoryArticle.objects.create(story=wide, article=article, score=0.5)
    StoryArticle.objects.create(story=narrow, article=ArticleFactory(), score=0.5)
    buffer = io.BytesIO()
    PILImage.new("RGB", (1600, 900), (10, 60, 120)).save(buffer, format="JPEG")
    image = Image.objects.create(
        file=SimpleUploadedFile("flood.jpg", buffer.getvalue()), alt_text="Water in the square"
    )
    ArticleImage.objects.create(article=article, position=0, image=image)
    from coverage.services import story_refresh

    story_refresh(story=wide)
    story_refresh(story=narrow)
    wide.refresh_from_db()
    narrow.refresh_from_db()  # both retitled after their most central article
    page = client.get(reverse("home")).text
    lead = page.split('<article class="lead-story">', 1)[1].split("</article>", 1)[0]
    assert wide.get_absolute_url() in lead and narrow.get_absolute_url() not in lead
    assert 'alt="Water in the square"' in lead
    assert "3 articles from 3 named outlets" in lead
    assert "Daily Tide" in lead and "Port Post" in lead
    assert 'class="story-card"' in page and narrow.get_absolute_url() in page
