from django.shortcuts import get_object_or_404, redirect
from django.views.generic import DetailView, TemplateView

from .models import Article


class HomeView(TemplateView):
    template_name = "articles/home.html"

    def get_context_data(self, **kwargs):
        from .selectors import homepage_articles

        return {**super().get_context_data(**kwargs), "articles": homepage_articles(limit=30)}


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_queryset(self):
        return Article.objects.published().for_article_page()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if self.object.slug != kwargs["slug"]:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))


def article_by_id(request, pk):
    return redirect(get_object_or_404(Article.objects.published(), pk=pk), permanent=True)


def article_preview(request, token):
    """An unpublished article, for whoever holds a valid, unexpired signed link."""
    from django.core import signing
    from django.http import Http404
    from django.shortcuts import render

    from .preview import article_id_from_token

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
