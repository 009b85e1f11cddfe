from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from articles.models import Article

from .models import Outlet


def outlet_detail(request, slug):
    outlet = get_object_or_404(Outlet, slug=slug)
    articles = Article.objects.published().filter(outlet=outlet).for_listing().latest_first()
    page = Paginator(articles, 20).get_page(request.GET.get("page"))
    return render(request, "sources/outlet_detail.html", {"outlet": outlet, "page": page})
