"""When coverage stores an article's facts (``coverage.services.article_facts``): after
any write of its text, and when it is announced.

- ``post_save`` of an article whose headline or body may have changed (every save
  but one naming other ``update_fields``): an editor's save, a transition, an import
  that changed an existing article, a restored revision.
- ``article_published``: what an import created with ``bulk_create`` (no
  ``post_save``) is announced in one transaction per batch, so its facts are stored
  in one batch at that commit. For an editor's publication the save stored them
  already, and the announcement costs one read that finds them current.

Connected in ``CoverageConfig.ready``.
"""

from django.db.models.signals import post_save

from articles.models import Article
from articles.signals import article_published

from .services.article_facts import articles_facts_store_on_commit

# The fields ``coverage.facts.article_facts`` reads (``body_text`` is derived from
# ``body`` on save).
TEXT_FIELDS = frozenset({"headline", "body", "body_text"})


def article_saved(sender, instance: Article, raw=False, update_fields=None, **kwargs) -> None:
    if raw or (update_fields is not None and not TEXT_FIELDS & set(update_fields)):
        return
    articles_facts_store_on_commit(article_ids=[instance.pk])


def article_announced(sender, article_id: int, **kwargs) -> None:
    articles_facts_store_on_commit(article_ids=[article_id])


def connect() -> None:
    uid = "coverage.receivers."
    post_save.connect(article_saved, sender=Article, dispatch_uid=uid + "facts.save")
    article_published.connect(article_announced, dispatch_uid=uid + "facts.announced")
