from django.contrib import admin

from .models import EditorialLogEntry


@admin.register(EditorialLogEntry)
class EditorialLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the log is evidence, so nobody edits or deletes it here."""

    list_display = ["created_at", "actor", "action", "target_repr"]
    list_filter = ["action", "target_type"]
    list_select_related = ["actor", "target_type"]
    search_fields = ["target_repr", "actor__username", "action"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
