import functools
import hashlib

from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import get_template
from django.utils.safestring import SafeString, mark_safe
from django.views.generic import TemplateView
from taggit.models import Tag

from entities.jsonld import jsonld_script
from pagecache import keys, parts
from pagecache.parts import read_when_shown

from .models import Article, Section
from .preview import article_id_from_token
from .selectors import (
    article_basics,
    article_basics_for_page,
    article_for_page,
    article_from_basics,
    card_page,
    card_page_count,
    page_number,
    row_at,
)
from .structured_data import article_jsonld
from .templatetags.page_meta import canonical_url


class HomeView(TemplateView):
    """Top stories (from coverage, through its template tag) and the latest articles.

    Each is a page part (pagecache/parts.py): the latest cards, one part per page number,
    are kept under ``list:articles``, which every publish moves; top stories under
    ``list:stories`` and the stories shown, which a publish moves only when it regroups
    or changes those stories. The view reads nothing: the list is read (and its key
    registered) only when its part renders.
    """

    template_name = "articles/home.html"
    per_page = 30

    def get_context_data(self, **kwargs):
        request = self.request
        keys.add(request, "home")
        number = page_number(request.GET.get("page"))

        def shows_top_stories() -> bool:
            """On the first page, which a number past the end is when there is one."""
            if number == 1:
                return True
            keys.add(request, "list:articles")
            return card_page_count(listing="latest", per_page=self.per_page) == 1

        latest = read_when_shown(
            request,
            "list:articles",
            load=lambda: card_page(listing="latest", number=number, per_page=self.per_page),
        )
        return {
            **super().get_context_data(**kwargs),
            "number": number,
            "page": latest,
            "shows_top_stories": shows_top_stories,
        }


class ArticleDetailView(TemplateView):
    """A published article. Its pieces are page parts (pagecache/parts.py): the article
    itself (its head's meta tags and JSON-LD, and its body: one part, as the same
    writes change both), its related coverage and, for anonymous readers, the comments
    area; and the article's own row, which the view reads for the 404, the redirect to
    the article's URL and what the page shows outside the parts (the title, the share
    links). The article in full, with its bylines, images, corrections and tags, is
    read only when its part is rendered again.

    Without parts (a signed-in reader, or parts off), the article is read in full at
    once, as every part will be rendered: no query more than the page ever cost.
    """

    template_name = "articles/article_detail.html"

    def get(self, request, pk, slug):
        if parts.enabled_for(request):
            article = _kept_basics(request, pk)
            in_full = functools.partial(_article_in_full, pk)
        else:
            article = article_for_page(pk=pk)
            if article is None:
                raise Http404(NOT_FOUND)
            in_full = functools.partial(_same, article)
        if article.slug != slug:
            return redirect(article, permanent=True)
        keys.add(request, f"article:{article.pk}")
        # The canonical URL, og:url and the JSON-LD's URLs come from the request's
        # scheme, host, path and page parameters: the part has a copy for each (named
        # by a digest: a search's text has no place in a cache key).
        variant = hashlib.blake2b(canonical_url(request).encode(), digest_size=8).hexdigest()
        name = f"article:{article.pk}:{variant}"

        def pieces() -> dict[str, SafeString]:
            return _safe(parts.cached_part(request, name, lambda: article_html(request, in_full())))

        context = {
            **self.get_context_data(),
            "article": article,
            "article_html": functools.cache(pieces),
        }
        return self.render_to_response(context)


NOT_FOUND = "No article found matching the query"


def article_html(request, article: Article, *, is_preview: bool = False) -> dict[str, str]:
    """The article page's head (``head``: meta tags, JSON-LD, sharing cards) and its
    article up to the share links (``body``), from ``article_for_page``'s article, with
    the keys of what they show (pagecache/keys.py): the article (its text, bylines,
    images, corrections, tags and the names it mentions all bump it), its outlet,
    section and tags."""
    keys.add(request, f"article:{article.pk}", f"outlet:{article.outlet_id}")
    keys.add(request, f"section:{article.section_id}")
    keys.add(request, *(f"tag:{tag.pk}" for tag in article.tags.all()))
    context = {
        "request": request,
        "article": article,
        "is_preview": is_preview,
        "jsonld": "",  # none in a preview: it is not for search engines
    }
    if not is_preview:
        context["jsonld"] = jsonld_script(article_jsonld(article=article, request=request))
    return {
        "head": get_template("articles/_article_head.html").render(context),
        "body": get_template("articles/_article_body.html").render(context),
    }


def _safe(pieces: dict[str, str]) -> dict[str, SafeString]:
    # Our templates' output, escaped when it was rendered (a part keeps it pickled).
    return {name: mark_safe(html) for name, html in pieces.items()}  # noqa: S308


def _kept_basics(request, pk: int) -> Article:
    """The article's basics (``article_basics_for_page``), kept like a part under its
    ``article:<pk>`` key: a miss caused by anything but the article itself (a comment,
    another article of its story) then runs no query. Only a public article is kept (a
    404 is raised inside, and a part that raised is not kept): an embargoed article
    becomes public at its time, with no write to say so. The parts that read the basics
    (related coverage, comments) have the fields they read in their names, so that a
    change between this read and their render cannot be kept under the new generation."""

    def find():
        article = article_basics_for_page(pk=pk)
        if article is None:
            raise Http404(NOT_FOUND)
        keys.add(request, f"article:{pk}")
        return article_basics(article)

    return article_from_basics(parts.cached_part(request, f"article-basics:{pk}", find))


def _article_in_full(pk: int) -> Article:
    article = article_for_page(pk=pk)
    if article is None:  # unpublished since the basics were read or kept
        raise Http404(NOT_FOUND)
    return article


def _same[T](value: T) -> T:
    return value


def article_by_id(request, pk):
    return redirect(get_object_or_404(Article.objects.published(), pk=pk), permanent=True)


def article_preview(request, token):
    """An unpublished article, for whoever holds a valid, unexpired signed link."""
    try:
        article_id = article_id_from_token(token)
    except signing.SignatureExpired as error:
        raise Http404("This preview link has expired.") from error
    except signing.BadSignature as error:
        raise Http404("This preview link is not valid.") from error
    article = get_object_or_404(Article.objects.for_article_page(), pk=article_id)
    pieces = functools.cache(lambda: _safe(article_html(request, article, is_preview=True)))
    context = {"article": article, "article_html": pieces}
    response = render(request, "articles/article_detail.html", {**context, "is_preview": True})
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "private, no-store"
    return response


class _PaginatedArticles(TemplateView):
    """Published articles of one section or tag (``model``, found by slug), newest first,
    20 a page; cached under ``<key>:<pk>`` and the article list.

    The cards are a page part per page number (``list:<key>:<pk>:<number>``, kept under
    ``list:articles``, which any article's change moves): they are read only when it
    renders; the view finds the row and nothing more."""

    per_page = 20
    model: type[Section] | type[Tag]
    key: str  # the listing (articles.selectors.LISTINGS) and the cache key's prefix

    def extra_context_for(self, row) -> dict:
        return {}

    def get(self, request, slug):
        row = row_at(model=self.model, slug=slug)
        if row is None:
            raise Http404(f"No {self.key} at this address")
        keys.add(request, f"{self.key}:{row.pk}")
        number = page_number(request.GET.get("page"))
        cards = read_when_shown(
            request,
            "list:articles",
            load=lambda: card_page(
                listing=self.key, key=row.pk, number=number, per_page=self.per_page
            ),
        )
        context = {**self.get_context_data(), self.key: row, **self.extra_context_for(row)}
        return self.render_to_response({**context, "number": number, "page": cards})


class SectionView(_PaginatedArticles):
    template_name = "articles/section_detail.html"
    model = Section
    key = "section"

    def extra_context_for(self, row) -> dict:
        return {"current_section_slug": row.slug}


class TagView(_PaginatedArticles):
    template_name = "articles/tag_detail.html"
    model = Tag
    key = "tag"
