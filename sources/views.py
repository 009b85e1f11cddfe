from django.http import Http404
from django.shortcuts import render

from articles.selectors import card_page
from entities.jsonld import jsonld_script
from pagecache import keys

from .selectors import outlet_at, outlet_jsonld


def outlet_detail(request, slug):
    outlet = outlet_at(slug=slug)
    if outlet is None:
        raise Http404("No outlet at this address")
    keys.add(request, f"outlet:{outlet.pk}", f"list:outlet:{outlet.pk}")
    page = card_page(listing="outlet", key=outlet.pk, number=request.GET.get("page"), per_page=20)
    context = {
        "outlet": outlet,
        "page": page,
        "jsonld": jsonld_script(outlet_jsonld(outlet=outlet, request=request)),
    }
    return render(request, "sources/outlet_detail.html", context)
