"""The audit log in the admin: read-only, for the roles that answer for the changes.

Editors read editorial entries, moderators moderation entries, the admin role both
(``audit.selectors.log_entries_for``). Nobody adds, edits or deletes entries here:
the log is evidence.
"""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import Count

from .actions import action_label, entry_label
from .models import EditorialLogEntry
from .selectors import log_entries_for


class ActionFilter(admin.SimpleListFilter):
    """Actions by their readable names, only those this reader can see."""

    title = "action"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        codes = (
            log_entries_for(user=request.user)
            .order_by()
            .values_list("action", flat=True)
            .distinct()
        )
        return sorted(((code, action_label(code)) for code in codes), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class ActorFilter(admin.SimpleListFilter):
    """The people who appear in the entries this reader can see."""

    title = "actor"
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        actors = (
            log_entries_for(user=request.user)
            .order_by()
            .values("actor_id", "actor__username")
            .annotate(n=Count("pk"))
            .order_by("actor__username")
        )
        return [(str(a["actor_id"]), a["actor__username"]) for a in actors]

    def queryset(self, request, queryset):
        return queryset.filter(actor_id=self.value()) if self.value() else queryset


class TargetTypeFilter(admin.SimpleListFilter):
    title = "object type"
    parameter_name = "target_type"

    def lookups(self, request, model_admin):
        ids = (
            log_entries_for(user=request.user)
            .order_by()
            .values_list("target_type_id", flat=True)
            .distinct()
        )
        types = ContentType.objects.filter(pk__in=list(ids))
        return sorted(
            (
                (str(t.pk), str(t.model_class()._meta.verbose_name) if t.model_class() else t.model)
                for t in types
            ),
            key=lambda c: c[1],
        )

    def queryset(self, request, queryset):
        return queryset.filter(target_type_id=self.value()) if self.value() else queryset


@admin.register(EditorialLogEntry)
class EditorialLogEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor", "action_name", "action", "object_type", "target_repr"]
    list_filter = [ActorFilter, ActionFilter, TargetTypeFilter]
    list_select_related = ["actor", "target_type"]
    search_fields = ["target_repr", "target_id"]
    search_help_text = "Search by the changed object's name or id."
    date_hierarchy = "created_at"
    fields = ["created_at", "actor", "action_name", "action", "object_type", "target_id",
              "target_repr", "payload"]  # fmt: skip
    readonly_fields = fields

    def get_queryset(self, request):
        return log_entries_for(user=request.user).select_related("actor", "target_type")

    @admin.display(description="What happened", ordering="action")
    def action_name(self, entry):
        return entry_label(entry.action, entry.payload)

    @admin.display(description="Object type", ordering="target_type")
    def object_type(self, entry):
        model = entry.target_type.model_class()
        return model._meta.verbose_name if model else entry.target_type.model

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
