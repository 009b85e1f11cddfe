from django.contrib import admin, messages

from audit.admin_mixins import ReadOnlyAdminMixin

from .models import ApiKey, Change
from .services import api_key_issue


@admin.register(ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """Issue keys here. The key is shown once, in the message after "Save": only its
    hash is stored. To replace a lost key, untick "active" and issue a new one."""

    list_display = ["name", "prefix", "is_active", "created_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "prefix"]
    readonly_fields = ["prefix", "created_at"]

    def get_fields(self, request, obj=None):
        return ["name"] if obj is None else ["name", "prefix", "is_active", "created_at"]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        issued, raw = api_key_issue(name=obj.name)
        obj.pk, obj.prefix, obj.hashed_key = issued.pk, issued.prefix, issued.hashed_key
        obj.created_at, obj.is_active = issued.created_at, issued.is_active
        obj._state.adding = False
        messages.warning(
            request,
            f"The key for {issued.name} is {raw} — copy it now: it is not stored and "
            "will not be shown again.",
        )


@admin.register(Change)
class ChangeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    """The change feed as partners read it (/api/v1/changes); written automatically."""

    list_display = ["at", "kind", "object_type", "object_id", "action"]
    list_filter = ["kind", "object_type"]
