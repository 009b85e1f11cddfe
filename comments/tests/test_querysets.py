"""Who sees which comment (comments/querysets.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser

from accounts.tests.factories import UserFactory
from comments.models import Comment
from comments.querysets import APPROVED, DELETED, PENDING
from comments.tests.factories import CommentFactory

pytestmark = pytest.mark.django_db

Status = Comment.Status


@pytest.fixture
def thread():
    """One comment of each status, each by its own author."""
    return {status: CommentFactory(status=status) for status in Status.values}


def test_everyone_sees_approved_comments_and_deleted_placeholders(thread):
    visible = set(Comment.objects.visible_to(AnonymousUser()))
    assert visible == {thread[Status.APPROVED], thread[Status.DELETED]}


def test_a_reader_sees_their_own_pending_comment_not_another_readers(thread):
    other_pending = CommentFactory(status=Status.PENDING)
    author = thread[Status.PENDING].author
    visible = set(Comment.objects.visible_to(author))
    assert thread[Status.PENDING] in visible
    assert other_pending not in visible


def test_no_reader_sees_a_rejected_comment_not_even_its_author(thread):
    author = thread[Status.REJECTED].author
    assert thread[Status.REJECTED] not in Comment.objects.visible_to(author)
    assert thread[Status.REJECTED] not in Comment.objects.visible_to(UserFactory())


def test_public_comments_are_the_approved_ones_and_pending_ones_wait(thread):
    assert list(Comment.objects.public()) == [thread[Status.APPROVED]]
    assert list(Comment.objects.pending()) == [thread[Status.PENDING]]
    assert [c.is_public for c in thread.values()] == [s == APPROVED for s in thread]


def test_the_querysets_name_the_models_statuses():
    assert {PENDING, APPROVED, DELETED} <= set(Status.values)
    assert (PENDING, APPROVED, DELETED) == (Status.PENDING, Status.APPROVED, Status.DELETED)
