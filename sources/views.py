from django.http import Http404
from django.shortcuts import render

from articles.selectors import card_page, page_number
from entities.jsonld import jsonld_script
from pagecache import keys
from pagecache.parts import read_when_shown

from .selectors import outlet_at, outlet_jsonld


def outlet_detail(request, slug):
    """The outlet, the stories it covered and its articles, in page parts: its JSON-LD
    and its facts (``outlet-meta:<pk>``, ``outlet:<pk>``, kept under ``outlet:<pk>``),
    the stories and each page of articles (``stories:outlet:<pk>``,
    ``list:outlet:<pk>:<number>``, under ``list:outlet:<pk>``; the cards also under the
    outlet's own key: they show its name and logo). What only a part shows is read when
    it renders."""
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
        # Its facts, in a part: the outlet as read above, its key named where shown.
        "shown_outlet": read_when_shown(request, f"outlet:{outlet.pk}", load=lambda: outlet),
        "jsonld": read_when_shown(
            request,
            f"outlet:{outlet.pk}",
            load=lambda: jsonld_script(outlet_jsonld(outlet=outlet, request=request)),
        ),
    }
    return render(request, "sources/outlet_detail.html", context)
