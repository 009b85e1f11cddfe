from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.generic import DetailView, TemplateView
from taggit.models import Tag

from entities.jsonld import jsonld_script
from pagecache import keys

from .models import Article, Section
from .preview import article_id_from_token
from .selectors import article_for_page, card_page, card_page_count, page_number, row_at
from .shown import read_when_shown
from .structured_data import article_jsonld


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


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        article = self.object
        keys.add(self.request, f"article:{article.pk}", f"thread:{article.pk}")
        # Names shown on the page, read from the rows already loaded (no query).
        keys.add(self.request, f"outlet:{article.outlet_id}", f"section:{article.section_id}")
        keys.add(self.request, *(f"tag:{tag.pk}" for tag in article.tags.all()))
        context["jsonld"] = jsonld_script(article_jsonld(article=self.object, request=self.request))
        return context

    def get_queryset(self):
        return Article.objects.published().for_article_page()

    def get_object(self, queryset=None):
        article = article_for_page(pk=self.kwargs["pk"])
        if article is None:
            raise Http404("No article found matching the query")
        return article

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.slug != kwargs["slug"]:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))


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
    response = render(
        request, "articles/article_detail.html", {"article": article, "is_preview": True}
    )
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
