import uuid

import factory

from accounts.tests.factories import UserFactory
from articles.tests.factories import ArticleFactory
from comments.models import Comment


class CommentFactory(factory.django.DjangoModelFactory):
    """A comment stored directly (no rules run); use services.comment_post to test rules."""

    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    author = factory.SubFactory(UserFactory)
    body = factory.Sequence(lambda n: f"A thoughtful comment, number {n}.")
    status = Comment.Status.APPROVED
    idempotency_key = factory.LazyFunction(uuid.uuid4)


def trusted_reader(**kwargs):
    """A reader with enough approved comments to skip pre-moderation."""
    user = UserFactory(**kwargs)
    CommentFactory.create_batch(2, author=user, status=Comment.Status.APPROVED)
    return user
