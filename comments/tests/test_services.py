"""Readers' and moderators' actions on comments: permissions, audit, mail."""

import datetime as dt
import uuid

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from accounts.services import profile_update
from accounts.tests.factories import UserFactory
from articles.tests.factories import ArticleFactory
from audit.models import EditorialLogEntry
from comments.models import Comment, CommentFlag, ModerationNote, WordRule
from comments.services import (
    comment_approve,
    comment_delete,
    comment_edit,
    comment_feature,
    comment_flag,
    comment_post,
    comment_reject,
    commenter_ban,
    commenter_reinstate,
    comments_moderate,
    moderation_note_add,
    word_rule_set,
)
from comments.tests.factories import CommentFactory, trusted_reader

pytestmark = pytest.mark.django_db(transaction=True)  # on_commit mail really fires
Status = Comment.Status


@pytest.fixture
def moderator():
    return UserFactory(role="moderator")


def actions_on(target):
    return list(
        EditorialLogEntry.objects.filter(target_id=str(target.pk)).values_list("action", flat=True)
    )


def test_posting_the_same_form_twice_stores_one_comment():
    reader, article, key = trusted_reader(), ArticleFactory(), uuid.uuid4()
    first = comment_post(article=article, author=reader, body="Hello", idempotency_key=key)
    second = comment_post(article=article, author=reader, body="Hello", idempotency_key=key)
    assert first.pk == second.pk
    assert Comment.objects.filter(article=article).count() == 1


def test_replies_nest_three_levels_deep():
    reader = trusted_reader()
    top = CommentFactory()
    reply = comment_post(
        article=top.article, author=reader, body="r1", parent=top, idempotency_key=uuid.uuid4()
    )
    deepest = comment_post(
        article=top.article, author=reader, body="r2", parent=reply, idempotency_key=uuid.uuid4()
    )
    assert (reply.depth, deepest.depth) == (1, 2)
    with pytest.raises(ValidationError, match="three levels"):
        comment_post(
            article=top.article,
            author=reader,
            body="r3",
            parent=deepest,
            idempotency_key=uuid.uuid4(),
        )


def test_reply_to_a_pending_comment_is_refused():
    parent = CommentFactory(status=Status.PENDING)
    with pytest.raises(ValidationError, match="published comment"):
        comment_post(
            article=parent.article,
            author=trusted_reader(),
            body="?",
            parent=parent,
            idempotency_key=uuid.uuid4(),
        )


def test_empty_comment_is_a_field_error():
    with pytest.raises(ValidationError) as error:
        comment_post(
            article=ArticleFactory(), author=UserFactory(), body="   ", idempotency_key=uuid.uuid4()
        )
    assert error.value.message_dict == {"body": ["Write something first."]}


def test_author_edits_within_ten_minutes_and_the_comment_is_marked_edited():
    comment = CommentFactory()
    comment_edit(comment=comment, body="Better words.", by=comment.author)
    comment.refresh_from_db()
    assert comment.body == "Better words."
    assert comment.edited_at is not None


@pytest.mark.parametrize(
    ("window_seconds", "stated"), [(600, "10 minutes"), (1800, "30 minutes"), (90, "90 seconds")]
)
def test_author_cannot_edit_after_the_window_the_setting_states(settings, window_seconds, stated):
    settings.COMMENTS_EDIT_WINDOW_SECONDS = window_seconds
    comment = CommentFactory()
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - dt.timedelta(seconds=window_seconds + 1)
    )
    comment.refresh_from_db()
    with pytest.raises(ValidationError, match=f"edited for {stated} after posting"):
        comment_edit(comment=comment, body="Too late.", by=comment.author)


def test_only_the_author_edits_or_deletes():
    comment = CommentFactory()
    with pytest.raises(PermissionDenied):
        comment_edit(comment=comment, body="Mine now.", by=UserFactory())
    with pytest.raises(PermissionDenied):
        comment_delete(comment=comment, by=UserFactory())


def test_edit_adding_a_suspect_word_sends_the_comment_back_to_the_queue(moderator):
    word_rule_set(word="liar", kind=WordRule.Kind.SUSPECT, by=moderator)
    comment = CommentFactory()
    comment_edit(comment=comment, body="The mayor is a liar.", by=comment.author)
    comment.refresh_from_db()
    assert comment.status == Status.PENDING


def test_edit_adding_a_banned_word_is_refused(moderator):
    word_rule_set(word="scum", kind=WordRule.Kind.BANNED, by=moderator)
    comment = CommentFactory()
    with pytest.raises(ValidationError):
        comment_edit(comment=comment, body="scum", by=comment.author)


def test_author_deletes_own_comment():
    comment = CommentFactory()
    comment_delete(comment=comment, by=comment.author)
    comment.refresh_from_db()
    assert comment.status == Status.DELETED


def test_reader_flags_a_comment_once_with_a_reason():
    comment, reader = CommentFactory(), UserFactory()
    flag = comment_flag(comment=comment, by=reader, reason=CommentFlag.Reason.ABUSE, note="Rude")
    assert (flag.reason, flag.resolved_at) == ("abuse", None)
    with pytest.raises(ValidationError, match="already reported"):
        comment_flag(comment=comment, by=reader, reason=CommentFlag.Reason.SPAM)


def test_flag_reason_must_be_one_of_the_choices():
    with pytest.raises(ValidationError) as error:
        comment_flag(comment=CommentFactory(), by=UserFactory(), reason="because")
    assert "reason" in error.value.message_dict


def test_readers_cannot_moderate():
    comment = CommentFactory(status=Status.PENDING)
    for user in (UserFactory(), UserFactory(role="editor"), UserFactory(role="reporter")):
        with pytest.raises(PermissionDenied):
            comment_approve(comment=comment, by=user)


def test_admin_role_can_moderate():
    comment = CommentFactory(status=Status.PENDING)
    comment_approve(comment=comment, by=UserFactory(role="admin"))
    assert comment.status == Status.APPROVED


def test_approve_resolves_flags_and_is_audited(moderator):
    comment = CommentFactory()
    comment_flag(comment=comment, by=UserFactory(), reason="spam")
    comment_approve(comment=comment, by=moderator)
    assert CommentFlag.objects.get().resolved_at is not None
    entry = EditorialLogEntry.objects.get(action="comment.approve")
    assert (entry.actor, entry.payload["flags_resolved"]) == (moderator, 1)


def test_reject_is_audited_and_emails_the_author(moderator):
    comment = CommentFactory(status=Status.PENDING)
    comment_reject(comment=comment, by=moderator, reason="Personal attack")
    assert actions_on(comment) == ["comment.reject"]
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [comment.author.email]
    assert "Personal attack" in mail.outbox[0].body


def test_no_rejection_email_when_the_author_turned_it_off(moderator):
    comment = CommentFactory(status=Status.PENDING)
    profile_update(user=comment.author, display_name="Ana", notify_on_rejection=False)
    comment_reject(comment=comment, by=moderator)
    assert mail.outbox == []


def test_approved_reply_emails_the_parent_author():
    parent = CommentFactory()
    reply = comment_post(
        article=parent.article,
        author=trusted_reader(),
        body="Good point.",
        parent=parent,
        idempotency_key=uuid.uuid4(),
    )
    assert reply.status == Status.APPROVED
    assert [m.to for m in mail.outbox] == [[parent.author.email]]
    assert "Good point." in mail.outbox[0].body


def test_premoderated_reply_emails_the_parent_author_only_when_approved(moderator):
    parent = CommentFactory()
    reply = comment_post(
        article=parent.article,
        author=UserFactory(),
        body="First!",
        parent=parent,
        idempotency_key=uuid.uuid4(),
    )
    assert reply.status == Status.PENDING
    assert mail.outbox == []
    comment_approve(comment=reply, by=moderator)
    assert len(mail.outbox) == 1


def test_no_reply_email_when_the_parent_author_turned_it_off():
    parent = CommentFactory()
    profile_update(user=parent.author, display_name="Ana", notify_on_reply=False)
    comment_post(
        article=parent.article,
        author=trusted_reader(),
        body="Hi",
        parent=parent,
        idempotency_key=uuid.uuid4(),
    )
    assert mail.outbox == []


def test_feature_needs_a_published_comment(moderator):
    with pytest.raises(ValidationError):
        comment_feature(comment=CommentFactory(status=Status.PENDING), by=moderator)
    comment = comment_feature(comment=CommentFactory(), by=moderator)
    assert comment.is_featured is True
    assert actions_on(comment) == ["comment.feature"]


def test_bulk_approve_moderates_every_selected_comment_and_audits_each(moderator):
    pending = CommentFactory.create_batch(3, status=Status.PENDING)
    done = comments_moderate(
        comments=Comment.objects.filter(pk__in=[c.pk for c in pending]),
        action="approve",
        by=moderator,
    )
    assert done == 3
    assert set(Comment.objects.values_list("status", flat=True)) == {Status.APPROVED}
    assert EditorialLogEntry.objects.filter(action="comment.approve").count() == 3


def test_ban_and_reinstate_are_audited(moderator):
    reader = UserFactory()
    commenter_ban(user=reader, by=moderator, reason="Spam bot")
    commenter_reinstate(user=reader, by=moderator)
    assert actions_on(reader) == ["commenter.reinstate", "commenter.ban"]
    reader.commenter.refresh_from_db()
    assert reader.commenter.banned_at is None


def test_moderator_notes_a_user(moderator):
    reader = UserFactory()
    note = moderation_note_add(subject=reader, text="Warned about links.", by=moderator)
    assert ModerationNote.objects.get() == note
    assert actions_on(reader) == ["commenter.note"]


def test_every_moderation_setting_change_is_audited(moderator):
    from articles.models import Section
    from comments.services import (
        commenter_suspend,
        comments_close,
        comments_reopen,
        section_policy_set,
    )

    article, reader = ArticleFactory(), UserFactory()
    section = Section.objects.create(name="Letters", slug="letters")
    comments_close(article=article, by=moderator)
    comments_reopen(article=article, by=moderator)
    section_policy_set(section=section, mode="premoderate", by=moderator)
    word_rule_set(word="spam", kind=WordRule.Kind.SUSPECT, by=moderator)
    commenter_suspend(user=reader, until=timezone.now() + dt.timedelta(days=1), by=moderator)
    logged = set(EditorialLogEntry.objects.filter(actor=moderator).values_list("action", flat=True))
    assert logged == {
        "comments.close",
        "comments.reopen",
        "comments.section_policy",
        "comments.word_rule",
        "commenter.suspend",
    }


def test_automatic_rejection_is_audited_as_the_system_user(moderator):
    word_rule_set(word="scum", kind=WordRule.Kind.BANNED, by=moderator)
    comment = comment_post(
        article=ArticleFactory(), author=trusted_reader(), body="scum", idempotency_key=uuid.uuid4()
    )
    entry = EditorialLogEntry.objects.get(action="comment.auto_reject")
    assert (entry.target_id, entry.actor.username) == (str(comment.pk), "newsroom-system")
    assert mail.outbox == []  # the reader is told on the page, not by mail


def test_suspension_must_end_in_the_future(moderator):
    from comments.services import commenter_suspend

    with pytest.raises(ValidationError):
        commenter_suspend(user=UserFactory(), until=timezone.now(), by=moderator)
