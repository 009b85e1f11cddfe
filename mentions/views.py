from django.core.paginator import Page
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.functional import SimpleLazyObject
from django.views import View

from articles.selectors import page_number
from entities.jsonld import entity_jsonld, jsonld_script
from entities.models import Event, Person, Place, SlugRedirect
from pagecache import keys

from .selectors import entity_at, entity_card_page, entity_page


class EntityDetailView(View):
    """The public page of a person, place or event: who or what, its names, its articles.

    A slug the entity no longer has (after a merge or a rename) answers 301. The stories
    and each page of articles are page parts (``stories:<kind>:<pk>``,
    ``list:<kind>:<pk>:<number>``), kept under ``list:<kind>:<pk>``: the articles are
    read only when their part renders.
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
        listed = f"list:{kind}:{entity.pk}"
        keys.add(request, f"{kind}:{entity.pk}", listed)
        bundle = entity_page(entity=entity)
        number = page_number(request.GET.get("page"))

        def cards() -> Page:
            keys.add(request, listed)
            return entity_card_page(entity=entity, number=number)

        data = entity_jsonld(
            entity=entity,
            aliases=bundle.aliases,
            url=request.build_absolute_uri(entity.get_absolute_url()),
        )
        context = {
            "entity": entity,
            "bundle": bundle,
            "number": number,
            "page": SimpleLazyObject(cards),
        }
        context["jsonld"] = jsonld_script(data)
        return render(request, f"entities/{kind}_detail.html", context)


person_detail = EntityDetailView.as_view(model=Person)
place_detail = EntityDetailView.as_view(model=Place, related=("parent",))
event_detail = EntityDetailView.as_view(model=Event, related=("place",))
