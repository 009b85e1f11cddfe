from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from articles.models import Article
from entities.jsonld import jsonld_script
from pagecache import keys

from .models import Outlet
from .selectors import outlet_jsonld


def outlet_detail(request, slug):
    outlet = get_object_or_404(Outlet, slug=slug)
    keys.add(request, f"outlet:{outlet.pk}", f"list:outlet:{outlet.pk}")
    articles = Article.objects.published().filter(outlet=outlet).for_cards().latest_first()
    page = Paginator(articles, 20).get_page(request.GET.get("page"))
    context = {
        "outlet": outlet,
        "page": page,
        "jsonld": jsonld_script(outlet_jsonld(outlet=outlet, request=request)),
    }
    return render(request, "sources/outlet_detail.html", context)
