"""Mail to commenters, sent by the task worker after the moderation change commits."""

from django.conf import settings
from django.core.mail import send_mail
from django.tasks import task
from django.urls import reverse

from accounts.services import profile_for

from .models import Comment


def _profile_url() -> str:
    return settings.SITE_URL + reverse("accounts:profile")


@task()
def notify_reply(comment_id: int) -> bool:
    """Tell a comment's author that someone replied, if they want to know."""
    reply = (
        Comment.objects.public()
        .select_related("parent__author", "author", "article")
        .filter(pk=comment_id, parent__isnull=False)
        .first()
    )
    if reply is None or reply.parent.author_id == reply.author_id:
        return False
    recipient = reply.parent.author
    if not recipient.email or not profile_for(user=recipient).notify_on_reply:
        return False
    replier = profile_for(user=reply.author).display_name
    url = f"{settings.SITE_URL}{reply.article.get_absolute_url()}#comment-{reply.pk}"
    send_mail(
        subject=f"[{settings.SITE_NAME}] {replier} replied to your comment",
        message=f"{replier} replied to your comment on “{reply.article.headline}”:\n\n"
        f"{reply.body}\n\nRead the thread: {url}\n\n"
        f"You can turn these emails off in your profile: {_profile_url()}",
        from_email=None,
        recipient_list=[recipient.email],
    )
    return True


@task()
def notify_rejection(comment_id: int, reason: str = "") -> bool:
    """Tell an author that a moderator rejected their comment, if they want to know."""
    comment = (
        Comment.objects.select_related("author", "article")
        .filter(pk=comment_id, status=Comment.Status.REJECTED)
        .first()
    )
    if comment is None or not comment.author.email:
        return False
    if not profile_for(user=comment.author).notify_on_rejection:
        return False
    why = f"\n\nThe moderator's reason: {reason}" if reason else ""
    send_mail(
        subject=f"[{settings.SITE_NAME}] Your comment was not published",
        message=f"A moderator rejected your comment on “{comment.article.headline}”:\n\n"
        f"{comment.body}{why}\n\n"
        f"You can turn these emails off in your profile: {_profile_url()}",
        from_email=None,
        recipient_list=[comment.author.email],
    )
    return True
