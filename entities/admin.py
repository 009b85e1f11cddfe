"""Admin for people, places and events, their aliases and former slugs.

Alias edits in the inline renew the matcher's version so that every process
rebuilds its automaton. Merging (an action on these admins) and the merge records
are added by ``mentions.admin``: a merge moves bylines and mentions, which are
articles' and mentions' rows.
"""

from django.contrib import admin

from .models import Alias, Event, Person, Place, SlugRedirect
from .services import alias_add, alias_version_bump, slug_redirect_add


def _alias_inline(kind: str) -> type[admin.TabularInline]:
    return type(
        f"{kind.title()}AliasInline",
        (admin.TabularInline,),
        {"model": Alias, "fk_name": kind, "fields": ["name"], "extra": 1},
    )


class EntityAdmin(admin.ModelAdmin):
    """Shared by the three kinds: aliases inline, name kept as an alias, old slugs kept."""

    search_fields = ["name", "slug", "aliases__normalized"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at"]

    def save_model(self, request, obj, form, change):
        """The name is always an alias; a changed slug keeps the old address as a 301."""
        super().save_model(request, obj, form, change)
        alias_add(entity=obj, name=obj.name)
        if change and "slug" in form.changed_data and form.initial.get("slug"):
            slug_redirect_add(entity=obj, old_slug=form.initial["slug"])

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is Alias and formset.has_changed():
            alias_version_bump()

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        alias_version_bump()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        alias_version_bump()


@admin.register(Person)
class PersonAdmin(EntityAdmin):
    list_display = ["name", "role", "slug", "wikidata_id"]
    fields = ["name", "slug", "role", "description", "wikidata_id", "created_at"]
    inlines = [_alias_inline("person")]


@admin.register(Place)
class PlaceAdmin(EntityAdmin):
    list_display = ["name", "place_kind", "parent", "country", "slug"]
    list_filter = ["place_kind", "country"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    fields = [
        "name",
        "slug",
        "place_kind",
        "parent",
        "country",
        "description",
        "wikidata_id",
        "created_at",
    ]
    inlines = [_alias_inline("place")]


@admin.register(Event)
class EventAdmin(EntityAdmin):
    list_display = ["name", "event_kind", "start_date", "end_date", "place"]
    list_filter = ["event_kind"]
    list_select_related = ["place"]
    autocomplete_fields = ["place"]
    date_hierarchy = "start_date"
    fields = [
        "name",
        "slug",
        "event_kind",
        "start_date",
        "end_date",
        "place",
        "description",
        "wikidata_id",
        "created_at",
    ]
    inlines = [_alias_inline("event")]


@admin.register(SlugRedirect)
class SlugRedirectAdmin(admin.ModelAdmin):
    list_display = ["kind", "old_slug", "person", "place", "event", "created_at"]
    list_filter = ["kind"]
    list_select_related = ["person", "place", "event"]
    search_fields = ["old_slug"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
