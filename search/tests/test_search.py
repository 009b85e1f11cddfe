"""Search: weighted full text, accents, typos, facets, safe snippets, a fixed query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles.models import Article
from articles.tests.factories import ArticleFactory
from search.selectors import SearchFilters, article_search, snippet_html
from search.services import search_terms_rebuild

pytestmark = pytest.mark.django_db
SEARCH = reverse("search:search")


@pytest.fixture
def seeds_searchable(seed_demo):
    search_terms_rebuild()


def test_a_misspelt_name_still_finds_the_seed_articles(client, seeds_searchable):
    response = client.get(SEARCH, {"q": "Lavorv"})
    assert response.status_code == 200
    assert "Showing results for <strong>Lavrov</strong>" in response.text
    for headline in Article.objects.values_list("headline", flat=True):
        assert headline in response.text


def test_accents_are_ignored(seeds_searchable):
    results = article_search(query="Lavróv", filters=SearchFilters())
    assert results.page.paginator.count == 5
    assert results.was_corrected is False


def test_a_headline_match_ranks_above_a_body_match():
    body_only = ArticleFactory(headline="Council meeting", body_text="The ferry strike goes on.")
    in_headline = ArticleFactory(headline="Ferry strike enters its third day")
    results = article_search(query="ferry strike", filters=SearchFilters())
    assert [a.pk for a in results.page] == [in_headline.pk, body_only.pk]


def test_facets_count_matches_and_narrow_the_results(client, seeds_searchable):
    results = article_search(query="Kashmir", filters=SearchFilters())
    outlets = {f["name"]: f["count"] for f in results.facets["outlet"]}
    assert outlets == {"Modern Tokyo Times": 1, "The Nation Express": 1}
    narrowed = article_search(query="Kashmir", filters=SearchFilters(outlet="modern-tokyo-times"))
    assert [a.outlet.name for a in narrowed.page] == ["Modern Tokyo Times"]


def test_snippets_highlight_matches_and_escape_article_text():
    html = snippet_html("a <script>alert(1)</script> \x02Lavrov\x03 said")
    assert html == "a &lt;script&gt;alert(1)&lt;/script&gt; <mark>Lavrov</mark> said"


def test_unpublished_articles_are_never_found():
    ArticleFactory(headline="Secret embargoed budget", status=Article.Status.DRAFT)
    assert article_search(query="embargoed", filters=SearchFilters()).page.paginator.count == 0


def test_an_end_date_before_the_start_date_is_a_field_error(client):
    response = client.get(SEARCH, {"q": "x", "date_from": "2025-05-06", "date_to": "2025-05-01"})
    assert response.status_code == 200
    assert "The end date is before the start date." in response.text


def test_an_invalid_date_is_shown_next_to_its_field_not_as_a_blank_result(client):
    ArticleFactory(headline="Harbour strike ends")
    response = client.get(reverse("search:search"), {"q": "harbour", "date_from": "2025-13-45"})
    assert response.status_code == 200
    assert '<span class="error" role="alert">From: Enter a valid date.</span>' in response.text
    assert "Harbour strike ends" not in response.text


def test_an_over_long_query_is_refused_with_a_message_by_the_search_box(client):
    response = client.get(reverse("search:search"), {"q": "harbour " * 40})
    assert response.status_code == 200
    assert 'aria-describedby="q-error"' in response.text
    assert 'id="q-error" role="alert">Ensure this value has at most 200 characters' in (
        response.text
    )


def test_search_page_query_count_does_not_grow_with_matches(client):
    ArticleFactory.create_batch(3, headline="Harbour ferry news")
    with CaptureQueriesContext(connection) as few:
        client.get(SEARCH, {"q": "ferry"})
    ArticleFactory.create_batch(30, headline="Harbour ferry news", bylines=["A", "B"])
    with CaptureQueriesContext(connection) as many:
        response = client.get(SEARCH, {"q": "ferry"})
    assert response.text.count('class="card"') == 20  # one page
    # The planner's estimate of the matches, the ranked candidates, the page's articles
    # with snippets, their bylines, the people and places named (article_search), and
    # the header's section navigation.
    assert len(many) == len(few) == 6


def test_publishing_adds_the_articles_words_to_the_vocabulary(django_capture_on_commit_callbacks):
    from accounts.tests.factories import UserFactory
    from articles import workflow
    from search.models import SearchTerm

    editor = UserFactory(role="editor")
    article = ArticleFactory(status=Article.Status.DRAFT, headline="Quixotic zeppelin plan")
    with django_capture_on_commit_callbacks(execute=True):
        workflow.article_publish(article=article, by=editor)
    assert SearchTerm.objects.filter(word__in=["quixotic", "zeppelin"]).count() == 2


def test_people_and_places_are_facets_that_narrow_the_results(seeds_searchable):
    results = article_search(query="Russia", filters=SearchFilters())
    people = {f["name"]: f["count"] for f in results.facets["person"]}
    assert people["Sergey Lavrov"] == 5
    assert "Pahalgam" in {f["name"] for f in results.facets["place"]}
    narrowed = article_search(query="Russia", filters=SearchFilters(person="narendra-modi"))
    assert narrowed.page.paginator.count == people["Narendra Modi"] < 5


def test_a_broad_query_ranks_only_the_newest_matches_and_says_there_are_more(client, monkeypatch):
    """News search weighs recency: beyond CANDIDATES matches, the oldest drop out."""
    import datetime as dt

    from search import selectors

    monkeypatch.setattr(selectors, "CANDIDATES", 5)
    start = dt.datetime(2025, 5, 1, tzinfo=dt.UTC)
    oldest = ArticleFactory(headline="Ferry ferry ferry timetable", published_at=start)
    newer = [
        ArticleFactory(headline=f"Harbour news {n}", body="<p>The ferry runs late.</p>",
                       published_at=start + dt.timedelta(days=n + 1))
        for n in range(6)
    ]  # fmt: skip
    results = article_search(query="ferry", filters=SearchFilters())
    assert results.is_capped is True
    assert {a.pk for a in results.page} == {a.pk for a in newer[1:]}
    assert oldest not in results.page
    page = client.get(SEARCH, {"q": "ferry"}).text
    assert "More than 5 results" in page


def test_a_section_narrows_the_results_to_it():
    from articles.services import section_get_or_create

    sport = section_get_or_create(name="Sport")
    in_sport = ArticleFactory(headline="Ferry crew wins the regatta", section=sport)
    ArticleFactory(headline="Ferry fares rise")
    narrowed = article_search(query="ferry", filters=SearchFilters(section="sport"))
    assert [a.pk for a in narrowed.page] == [in_sport.pk]
    assert article_search(query="ferry", filters=SearchFilters(section="none")).count == 0


def test_a_date_range_includes_the_whole_of_its_last_day():
    import datetime as dt

    def at(day, hour, minute):
        return dt.datetime(2025, 5, day, hour, minute, tzinfo=dt.UTC)

    late = ArticleFactory(headline="Late ferry", published_at=at(3, 23, 50))
    ArticleFactory(headline="Next ferry", published_at=at(4, 0, 5))
    ArticleFactory(headline="Early ferry", published_at=at(1, 23, 59))
    results = article_search(
        query="ferry",
        filters=SearchFilters(date_from=dt.date(2025, 5, 2), date_to=dt.date(2025, 5, 3)),
    )
    assert [a.pk for a in results.page] == [late.pk]


def test_a_window_of_dates_finds_the_same_newest_matches(monkeypatch):
    """Searching a window of recent dates (for words in 1-10 % of a large archive) is an
    optimisation: the results are the newest matches either way, including when the
    window holds too few and the whole archive is searched after all."""
    import datetime as dt

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from search import selectors

    now = timezone.now()
    for n in range(12):  # recent matches, and older ones that only the fallback reaches
        ArticleFactory(headline=f"Ferry news {n}", published_at=now - dt.timedelta(days=n))
        ArticleFactory(headline=f"Old ferry news {n}", published_at=now - dt.timedelta(days=900))
        ArticleFactory(headline=f"Bridge news {n}", published_at=now - dt.timedelta(hours=n))
    monkeypatch.setattr(selectors, "CANDIDATES", 4)

    def newest(query):
        results = article_search(query=query, filters=SearchFilters())
        return [a.pk for a in results.page], results.is_capped

    plain = {query: newest(query) for query in ("ferry", "old ferry")}
    monkeypatch.setattr(selectors, "SCAN_LIMIT", 0)  # always search a window first
    with CaptureQueriesContext(connection) as queries:
        windowed = {query: newest(query) for query in ("ferry", "old ferry")}
    assert windowed == plain
    assert plain["ferry"][1] is True
    assert sum('published_at" >=' in q["sql"] and "c.pk" in q["sql"] for q in queries) >= 2


def test_results_come_twenty_a_page_with_links_between_pages(client):
    ArticleFactory.create_batch(25, headline="Ferry timetable changes")
    first = client.get(SEARCH, {"q": "ferry"}).text
    assert first.count('class="card"') == 20
    assert "Page 1 of 2" in first and 'rel="next"' in first
    second = client.get(SEARCH, {"q": "ferry", "page": 2}).text
    assert second.count('class="card"') == 5
    assert "Page 2 of 2" in second and 'rel="prev"' in second


def test_the_ten_people_and_places_named_most_are_the_facets_ties_by_name():
    """Counted in the database, ordered as Python orders the section and outlet names:
    by count, then name and slug as code points (capitals before small letters)."""
    from entities.tests.factories import PersonFactory, PlaceFactory
    from mentions.models import Mention
    from mentions.tests.factories import MentionFactory

    articles = ArticleFactory.create_batch(3, headline="Ferry news")
    often = PersonFactory(name="Zed Often")
    tied = [PersonFactory(name=name) for name in ["bea Small", "Ábel Accent", "Bea Capital"]]
    tied += PersonFactory.create_batch(9)
    for article in articles:
        MentionFactory(article=article, person=often)
    for person in tied:
        MentionFactory(article=articles[0], person=person)
    MentionFactory(article=articles[1], person=None, place=PlaceFactory(name="Harbour"))
    rejected = PersonFactory(name="Aaron Rejected")
    MentionFactory(article=articles[0], person=rejected, state=Mention.State.REJECTED)
    facets = article_search(query="ferry", filters=SearchFilters()).facets
    expected = sorted(tied, key=lambda person: (person.name, person.slug))[:9]
    assert [f["name"] for f in facets["person"]] == ["Zed Often"] + [p.name for p in expected]
    assert facets["person"][0]["count"] == 3
    assert facets["place"] == [{"slug": "harbour", "name": "Harbour", "count": 1}]
