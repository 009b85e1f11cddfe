"""allauth mail names the site by SITE_NAME and links to SITE_URL.

Without ``django.contrib.sites`` allauth takes the site's name and domain from the
request, so mail said "Hello from 127.0.0.1:8012" (gunicorn's address behind the
proxy) and linked there. The public address is configuration, not a request header.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


@dataclass(frozen=True)
class ConfiguredSite:
    """What allauth's templates read from ``current_site``."""

    name: str
    domain: str


def configured_site() -> ConfiguredSite:
    return ConfiguredSite(name=settings.SITE_NAME, domain=urlsplit(settings.SITE_URL).netloc)


def site_url(url: str) -> str:
    """``url`` (absolute or a path) moved onto SITE_URL's scheme and host."""
    base = urlsplit(settings.SITE_URL)
    parts = urlsplit(url)
    return urlunsplit((base.scheme, base.netloc, parts.path, parts.query, parts.fragment))


class AccountAdapter(DefaultAccountAdapter):
    def format_email_subject(self, subject: str) -> str:
        return f"[{settings.SITE_NAME}] {subject}"

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        super().send_mail(template_prefix, email, {**context, "current_site": configured_site()})

    def get_email_confirmation_url(self, request, emailconfirmation) -> str:
        return site_url(super().get_email_confirmation_url(request, emailconfirmation))

    def get_reset_password_from_key_url(self, key: str) -> str:
        return site_url(super().get_reset_password_from_key_url(key))
