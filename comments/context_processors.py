"""The moderators' pending count in the site header, counted only when a page shows it."""

from .models import Comment


def moderation(request):
    """``moderation_pending_count`` is a callable: templates call it only for moderators."""

    def pending_count() -> int:
        return Comment.objects.pending().count()

    return {"moderation_pending_count": pending_count}
