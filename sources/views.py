from django.http import Http404
from django.shortcuts import render

from articles.selectors import card_page, page_number
from articles.shown import read_when_shown
from entities.jsonld import jsonld_script
from pagecache import keys

from .selectors import outlet_at, outlet_jsonld


def outlet_detail(request, slug):
    """The outlet, the stories it covered and its articles. The stories and each page of
    articles are page parts (``stories:outlet:<pk>``, ``list:outlet:<pk>:<number>``),
    kept under ``list:outlet:<pk>`` (and the outlet's own key, which its cards show): the
    articles are read only when their part renders."""
    outlet = outlet_at(slug=slug)
    if outlet is None:
        raise Http404("No outlet at this address")
    keys.add(request, f"outlet:{outlet.pk}", f"list:outlet:{outlet.pk}")
    number = page_number(request.GET.get("page"))

    cards = read_when_shown(
        request,
        f"outlet:{outlet.pk}",
        f"list:outlet:{outlet.pk}",
        load=lambda: card_page(listing="outlet", key=outlet.pk, number=number, per_page=20),
    )
    context = {
        "outlet": outlet,
        "number": number,
        "page": cards,
        "jsonld": jsonld_script(outlet_jsonld(outlet=outlet, request=request)),
    }
    return render(request, "sources/outlet_detail.html", context)
