"""The audit log in the admin: read-only, for the roles that answer for the changes.

Editors read editorial entries, moderators moderation entries, the admin role both
(``audit.selectors.log_entries_for``). Nobody adds, edits or deletes entries here:
the log is evidence.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from .actions import LABELS, TARGET_TYPES, action_label, entry_label, is_moderation
from .admin_mixins import ReadOnlyAdminMixin
from .models import EditorialLogEntry
from .selectors import EDITORIAL_PERMISSION, MODERATION_PERMISSION, log_entries_for
from .services import SYSTEM_USERNAME


def _readerships(user) -> list[str]:
    return [
        name
        for name, permission in (
            ("editorial", EDITORIAL_PERMISSION),
            ("moderation", MODERATION_PERMISSION),
        )
        if user.has_perm(permission)
    ]


class ActionFilter(admin.SimpleListFilter):
    """Actions by their readable names, only those this reader can see.

    The choices come from the list of known actions, not from the log: a DISTINCT
    over millions of entries on every page load would cost more than the page.
    """

    title = "action"
    parameter_name = "action"

    def lookups(self, request, model_admin):
        kinds = _readerships(request.user)
        codes = [
            code
            for code in LABELS
            if ("moderation" if is_moderation(code) else "editorial") in kinds
        ]
        return sorted(((code, action_label(code)) for code in codes), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(action=self.value()) if self.value() else queryset


class ActorFilter(admin.SimpleListFilter):
    """Staff and the system user: the only accounts that act (readers' own comment
    edits are not editorial actions). Read from the user table, not the log."""

    title = "actor"
    parameter_name = "actor"

    def lookups(self, request, model_admin):
        actors = (
            get_user_model()
            .objects.filter(Q(is_staff=True) | Q(username=SYSTEM_USERNAME))
            .order_by("username")
            .values_list("pk", "username")
        )
        return [(str(pk), username) for pk, username in actors]

    def queryset(self, request, queryset):
        return queryset.filter(actor_id=self.value()) if self.value() else queryset


class TargetTypeFilter(admin.SimpleListFilter):
    title = "object type"
    parameter_name = "target_type"

    def lookups(self, request, model_admin):
        pairs = {pair for kind in _readerships(request.user) for pair in TARGET_TYPES[kind]}
        wanted = Q(pk__in=[])
        for app_label, model in pairs:
            wanted |= Q(app_label=app_label, model=model)
        types = ContentType.objects.filter(wanted)
        return sorted(((str(t.pk), _type_name(t)) for t in types), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(target_type_id=self.value()) if self.value() else queryset


def _type_name(content_type: ContentType) -> str:
    model = content_type.model_class()
    return str(model._meta.verbose_name) if model else content_type.model


@admin.register(EditorialLogEntry)
class EditorialLogEntryAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
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
        return _type_name(entry.target_type)
