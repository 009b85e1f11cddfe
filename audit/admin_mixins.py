"""Admin pieces shared by apps above audit."""


class ReadOnlyAdminMixin:
    """An admin for rows the code writes and nobody edits by hand (the audit log, the
    API change feed, merge records): they are evidence, so the admin only shows them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
