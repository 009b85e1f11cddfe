from django.http import Http404
from django.shortcuts import redirect, render
from django.views import View

from articles.selectors import page_number
from entities.jsonld import entity_jsonld, jsonld_script
from entities.models import Event, Person, Place, SlugRedirect
from pagecache import keys
from pagecache.parts import read_when_shown

from .selectors import entity_at, entity_card_page, entity_page


class EntityDetailView(View):
    """The public page of a person, place or event: who or what, its names, its articles.

    A slug the entity no longer has (after a merge or a rename) answers 301. The rest is
    page parts, each read only when it renders: the entity's JSON-LD and its header with
    its names (``entity-meta:<kind>:<pk>``, ``entity:<kind>:<pk>``, kept under
    ``<kind>:<pk>``), its stories and each page of its articles (``stories:<kind>:<pk>``,
    ``list:<kind>:<pk>:<number>``, under ``list:<kind>:<pk>``).
    """

    model = Person
    related = ()

    def get(self, request, slug):
        kind = self.model.kind
        entity = entity_at(model=self.model, slug=slug, related=self.related)
        if entity is None:
            moved = SlugRedirect.objects.filter(kind=kind, old_slug=slug).select_related(kind)
            moved = moved.first()
            if moved is None:
                raise Http404(f"No {kind} at this address")
            return redirect(moved.entity, permanent=True)
        shown, listed = f"{kind}:{entity.pk}", f"list:{kind}:{entity.pk}"
        keys.add(request, shown, listed)
        number = page_number(request.GET.get("page"))
        bundle = read_when_shown(request, shown, load=lambda: entity_page(entity=entity))
        jsonld = read_when_shown(
            request,
            shown,
            load=lambda: jsonld_script(
                entity_jsonld(
                    entity=entity,
                    aliases=bundle().aliases,
                    url=request.build_absolute_uri(entity.get_absolute_url()),
                )
            ),
        )
        cards = read_when_shown(
            request, listed, load=lambda: entity_card_page(entity=entity, number=number)
        )
        context = {
            "entity": entity,
            "bundle": bundle,
            "jsonld": jsonld,
            "number": number,
            "page": cards,
        }
        return render(request, f"entities/{kind}_detail.html", context)


person_detail = EntityDetailView.as_view(model=Person)
place_detail = EntityDetailView.as_view(model=Place, related=("parent",))
event_detail = EntityDetailView.as_view(model=Event, related=("place",))
