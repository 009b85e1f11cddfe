"""The admin site: as strict as the public site, except inline styles.

The rich-text editor (ProseMirror/Tiptap) and select2 set styles inline, which the
public CSP forbids. Staff pages allow inline *styles* only; scripts stay self-only.
"""

from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.widgets import AutocompleteMixin
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.csp import CSP
from django.views.decorators.csp import csp_override


def admin_csp() -> dict:
    return {**settings.SECURE_CSP, "style-src": [CSP.SELF, CSP.UNSAFE_INLINE]}


class NewsroomAdminSite(AdminSite):
    site_header = "Newsroom"
    site_title = "Newsroom admin"
    index_title = "Newsroom"

    def admin_view(self, view, cacheable=False):
        guarded = _second_factor_required(super().admin_view(view, cacheable))
        return csp_override(admin_csp())(guarded)

    def login(self, request, extra_context=None):
        """With staff MFA required, sign in through allauth, which asks for the code."""
        if not settings.NEWSROOM_REQUIRE_STAFF_MFA:
            return super().login(request, extra_context)
        next_url = request.GET.get(REDIRECT_FIELD_NAME) or reverse("admin:index")
        query = urlencode({REDIRECT_FIELD_NAME: next_url})
        return redirect(f"{reverse('account_login')}?{query}")


def has_second_factor(user) -> bool:
    # Late: this module is loaded with INSTALLED_APPS, before models are.
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(
        user=user, type__in=[Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN]
    ).exists()


def _second_factor_required(view):
    """Staff without a TOTP app or security key are sent to set one up first.

    Signing out stays possible. Staff with one signed in through allauth's login, whose
    MFA stage asked for it; the admin's own password-only login redirects there.
    """

    @wraps(view)
    def inner(request, *args, **kwargs):
        user = request.user
        if (
            settings.NEWSROOM_REQUIRE_STAFF_MFA
            and user.is_active
            and user.is_staff
            and request.resolver_match.url_name != "logout"
            and not has_second_factor(user)
        ):
            return redirect(f"{reverse('mfa_activate_totp')}?{urlencode({'next': request.path})}")
        return view(request, *args, **kwargs)

    return inner


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
