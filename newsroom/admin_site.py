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
