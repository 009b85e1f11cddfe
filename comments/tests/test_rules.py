"""The pre-moderation rules, one behaviour per test, through comment_post."""

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.tests.factories import UserFactory
from articles.models import Section
from articles.tests.factories import ArticleFactory
from comments.models import Comment, SectionPolicy, WordRule
from comments.rules import rejection_rate
from comments.services import (
    comment_post,
    comment_reject,
    commenter_ban,
    commenter_suspend,
    comments_close,
    section_policy_set,
    word_rule_set,
)
from comments.tests.factories import CommentFactory, trusted_reader
from coverage.models import Story, StoryArticle

pytestmark = pytest.mark.django_db
Status = Comment.Status


def post(author, article=None, body="I agree with the harbour council.", **kwargs):
    return comment_post(
        article=article or ArticleFactory(),
        author=author,
        body=body,
        idempotency_key=uuid.uuid4(),
        **kwargs,
    )


@pytest.fixture
def moderator():
    return UserFactory(role="moderator")


def test_new_reader_is_premoderated_until_two_comments_are_approved():
    reader = UserFactory()
    first = post(reader)
    assert (first.status, first.premoderation_reason) == (Status.PENDING, "New commenter.")
    CommentFactory(author=reader, status=Status.APPROVED)
    assert post(reader).status == Status.PENDING
    CommentFactory(author=reader, status=Status.APPROVED)
    assert post(reader).status == Status.APPROVED


def test_banned_word_rejects_the_comment(moderator):
    word_rule_set(word="scum", kind=WordRule.Kind.BANNED, by=moderator)
    comment = post(trusted_reader(), body="You are all SCUM.")
    assert comment.status == Status.REJECTED
    assert comment.premoderation_reason == "Contains a banned word."


def test_banned_word_matches_whole_words_only(moderator):
    word_rule_set(word="ass", kind=WordRule.Kind.BANNED, by=moderator)
    assert post(trusted_reader(), body="The assembly met at the embassy.").status == Status.APPROVED


def test_suspect_word_premoderates_the_comment(moderator):
    word_rule_set(word="idiot", kind=WordRule.Kind.SUSPECT, by=moderator)
    comment = post(trusted_reader(), body="Only an idiot would build there.")
    assert (comment.status, comment.premoderation_reason) == (
        Status.PENDING,
        "Contains a suspect word.",
    )


def test_more_links_than_allowed_premoderates_the_comment(settings):
    settings.COMMENTS_MAX_LINKS = 2
    reader = trusted_reader()
    two = "See https://a.example/1 and www.b.example/2."
    three = two + " Also http://c.example/3"
    assert post(reader, body=two).status == Status.APPROVED
    comment = post(reader, body=three)
    assert (comment.status, comment.premoderation_reason) == (
        Status.PENDING,
        "Contains many links.",
    )


def test_rejection_rate_of_thirty_percent_in_seven_days_returns_reader_to_premoderation(
    moderator,
):
    reader = UserFactory()
    CommentFactory.create_batch(7, author=reader, status=Status.APPROVED)
    assert post(reader).status == Status.APPROVED  # 8 approved, 0 rejected
    for comment in CommentFactory.create_batch(3, author=reader, status=Status.PENDING):
        comment_reject(comment=comment, by=moderator)
    # 3 rejected of 11 decided = 27%: still trusted.
    assert rejection_rate(user=reader) == pytest.approx(3 / 11)
    assert post(reader).status == Status.APPROVED
    comment_reject(comment=CommentFactory(author=reader, status=Status.PENDING), by=moderator)
    # 4 of 13 = 31%: back to pre-moderation.
    comment = post(reader)
    assert (comment.status, comment.premoderation_reason) == (
        Status.PENDING,
        "High rejection rate in the last days.",
    )


def test_rejections_older_than_seven_days_do_not_count():
    reader = trusted_reader()
    old = CommentFactory.create_batch(5, author=reader, status=Status.REJECTED)
    Comment.objects.filter(pk__in=[c.pk for c in old]).update(
        created_at=timezone.now() - dt.timedelta(days=8)
    )
    assert rejection_rate(user=reader) == 0
    assert post(reader).status == Status.APPROVED


def test_premoderated_section_holds_every_comment(moderator):
    section = Section.objects.create(name="Opinion", slug="opinion")
    section_policy_set(section=section, mode=SectionPolicy.Mode.PREMODERATE, by=moderator)
    comment = post(trusted_reader(), article=ArticleFactory(section=section))
    assert comment.status == Status.PENDING


def test_closed_section_refuses_comments(moderator):
    section = Section.objects.create(name="Obituaries", slug="obituaries")
    section_policy_set(section=section, mode=SectionPolicy.Mode.CLOSED, by=moderator)
    with pytest.raises(ValidationError, match="closed in this section"):
        post(trusted_reader(), article=ArticleFactory(section=section))


def test_open_section_publishes_trusted_readers_at_once(moderator):
    section = Section.objects.create(name="Sport", slug="sport")
    section_policy_set(section=section, mode=SectionPolicy.Mode.OPEN, by=moderator)
    assert post(trusted_reader(), article=ArticleFactory(section=section)).status == Status.APPROVED


def test_closed_article_refuses_comments(moderator):
    article = ArticleFactory()
    comments_close(article=article, by=moderator)
    with pytest.raises(ValidationError, match="closed on this article"):
        post(trusted_reader(), article=article)


def test_closing_a_story_closes_every_article_in_it(moderator):
    story = Story.objects.create(title="Harbour storm", slug="harbour-storm")
    inside, excluded, outside = ArticleFactory(), ArticleFactory(), ArticleFactory()
    StoryArticle.objects.create(story=story, article=inside)
    StoryArticle.objects.create(
        story=story, article=excluded, joined_by=StoryArticle.JoinedBy.EXCLUDED
    )
    comments_close(story=story, by=moderator)
    reader = trusted_reader()
    with pytest.raises(ValidationError, match="closed"):
        post(reader, article=inside)
    assert post(reader, article=excluded).status == Status.APPROVED
    assert post(reader, article=outside).status == Status.APPROVED


def test_unpublished_article_takes_no_comments():
    article = ArticleFactory(status="draft")
    with pytest.raises(ValidationError, match="when the article is published"):
        post(trusted_reader(), article=article)


def test_banned_reader_cannot_post(moderator):
    reader = trusted_reader()
    commenter_ban(user=reader, by=moderator, reason="Threats")
    with pytest.raises(ValidationError, match="banned"):
        post(reader)


def test_suspended_reader_cannot_post_until_the_suspension_ends(moderator):
    reader = trusted_reader()
    commenter_suspend(user=reader, until=timezone.now() + dt.timedelta(hours=1), by=moderator)
    with pytest.raises(ValidationError, match="suspended"):
        post(reader)
    reader.commenter.suspended_until = timezone.now() - dt.timedelta(seconds=1)
    reader.commenter.save()
    assert post(reader).status == Status.APPROVED


def test_rate_limit_refuses_comments_beyond_the_per_minute_allowance(settings):
    settings.COMMENTS_RATE_LIMIT_PER_MINUTE = 3
    reader = trusted_reader()
    Comment.objects.filter(author=reader).update(
        created_at=timezone.now() - dt.timedelta(minutes=5)
    )
    for _ in range(3):
        post(reader)
    with pytest.raises(ValidationError, match="too fast"):
        post(reader)


def test_rate_limit_counts_only_the_last_minute(settings):
    settings.COMMENTS_RATE_LIMIT_PER_MINUTE = 2
    reader = trusted_reader()
    Comment.objects.filter(author=reader).update(
        created_at=timezone.now() - dt.timedelta(minutes=5)
    )
    first, second = post(reader), post(reader)
    Comment.objects.filter(pk=first.pk).update(created_at=timezone.now() - dt.timedelta(seconds=61))
    assert post(reader).pk > second.pk
