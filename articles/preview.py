"""Signed, expiring links that show an unpublished article to someone without a login."""

from django.core import signing
from django.urls import reverse

SALT = "articles.preview"
MAX_AGE_SECONDS = 48 * 3600


def preview_url(article) -> str:
    token = signing.dumps({"article": article.pk}, salt=SALT, compress=True)
    return reverse("articles:preview", kwargs={"token": token})


def article_id_from_token(token: str) -> int:
    """Raises signing.BadSignature (or SignatureExpired) for tampered or old links."""
    return signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)["article"]
