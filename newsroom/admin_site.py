"""The admin site: as strict as the public site, except inline styles.

The rich-text editor (ProseMirror/Tiptap) and select2 set styles inline, which the
public CSP forbids. Staff pages allow inline *styles* only; scripts stay self-only.
"""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override


def admin_csp() -> dict:
    return {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}


class NewsroomAdminSite(AdminSite):
    site_header = "Newsroom"
    site_title = "Newsroom admin"
    index_title = "Newsroom"

    def admin_view(self, view, cacheable=False):
        return csp_override(admin_csp())(super().admin_view(view, cacheable))


class NewsroomAdminConfig(AdminConfig):
    default_site = "newsroom.admin_site.NewsroomAdminSite"

    def ready(self):
        super().ready()
        _autocomplete_ignores_malformed_ids()


def _autocomplete_ignores_malformed_ids() -> None:
    """Re-rendering a form whose autocomplete field holds "abc" must not 500.

    Django's ``AutocompleteMixin.optgroups`` looks the submitted values up as ids
    without checking them, so a form already invalid ("Select a valid choice") raises
    ValueError while it is drawn again. Values the target's primary key cannot hold
    are dropped before the look-up; valid ones are shown as before. One wrapper here
    covers every admin's ``autocomplete_fields``.
    """
    from django.contrib.admin.widgets import AutocompleteMixin
    from django.core.exceptions import ValidationError

    original = AutocompleteMixin.optgroups
    if getattr(original, "drops_malformed_ids", False):
        return

    def optgroups(self, name, value, attr=None):
        target = self.field.remote_field.model._meta
        field_name = getattr(self.field.remote_field, "field_name", None) or target.pk.name
        key = target.get_field(field_name)
        kept = []
        for item in value:
            try:
                key.to_python(item)
            except (ValidationError, TypeError, ValueError):
                continue
            kept.append(item)
        return original(self, name, kept, attr)

    optgroups.drops_malformed_ids = True
    AutocompleteMixin.optgroups = optgroups
