"""The app's background tasks: scheduled publishing, announcing an import batch's
published articles, lifting an embargo at its time, and making image renditions."""

import datetime as dt

from django.tasks import task

from .images import image_generate_renditions
from .models import Image
from .workflow import article_embargo_lift, articles_announce, articles_publish_due


@task()
def publish_scheduled_article(article_id: int) -> list[int]:
    """Enqueued with run_after=publish_at; publishes whatever is due by now.

    It publishes every due article, not just ``article_id``, so a task that ran late
    (the worker was down) catches up on everything it missed.
    """
    return articles_publish_due()


@task()
def lift_embargo(article_id: int, published_at: str) -> bool:
    """Enqueued with run_after=published_at for an embargoed article (see
    ``article_embargo_watch``); the time travels as ISO 8601, tasks' arguments being JSON."""
    return article_embargo_lift(
        article_id=article_id, published_at=dt.datetime.fromisoformat(published_at)
    )


@task()
def articles_announce_task(article_ids: list[int]) -> int:
    """Announce the published articles of one committed import batch to the features."""
    return articles_announce(article_ids=article_ids)


@task()
def generate_image_renditions(image_id: int) -> int:
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return 0
    return len(image_generate_renditions(image=image))
