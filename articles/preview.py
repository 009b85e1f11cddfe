"""Signed, expiring links that show an unpublished article to someone without a login."""

from django.core import signing
from django.urls import reverse

SALT = "articles.preview"
MAX_AGE_SECONDS = 48 * 3600


def preview_url(article) -> str:
    token = signing.dumps({"article": article.pk}, salt=SALT, compress=True)
    return reverse("articles:preview", kwargs={"token": token})


def article_id_from_token(token: str) -> int:
    """Raises signing.BadSignature (or SignatureExpired) for tampered, old or
    malformed links: a payload that is not ``{"article": <positive int>}`` is as bad as a
    wrong signature (a link signed by an older release, or with the key for another use).
    """
    payload = signing.loads(token, salt=SALT, max_age=MAX_AGE_SECONDS)
    article_id = payload.get("article") if isinstance(payload, dict) else None
    if type(article_id) is not int or not 0 < article_id < 2**63:
        raise signing.BadSignature("The preview link does not name an article.")
    return article_id
