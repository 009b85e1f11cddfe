"""The comments area that the article page pulls in, so articles never imports comments."""

import uuid

from django import template

from comments.forms import CommentForm
from comments.models import MAX_DEPTH
from comments.selectors import comment_thread
from pagecache import keys

register = template.Library()


@register.inclusion_tag("comments/_comments_area.html", takes_context=True)
def comments_area(context, article):
    """The thread and the form (or why there is none). Its keys (pagecache/keys.py): the
    thread, which every comment written or moderated and every closure bumps, and the
    section, whose comment policy may close it. What it reads of the article itself
    (its URL for the log-in link, its section) is in the name of the article page's
    part, so that an edit of the article does not render the thread again."""
    request = context.get("request")
    user = request.user
    keys.add(request, f"thread:{article.pk}", f"section:{article.section_id}")
    return {
        "thread": comment_thread(article=article, user=user),
        "article": article,
        "user": user,
        "request": request,
        "form": CommentForm(article=article),
        "max_depth": MAX_DEPTH,
        "login_next": f"{article.get_absolute_url()}#comments",
    }


@register.simple_tag
def new_idempotency_key() -> str:
    """One per rendered form: a double submit of that form is stored once."""
    return str(uuid.uuid4())


# What moderators read in histories instead of the audit log's action codes.
ACTION_LABELS = {
    "comment.approve": "approved a comment",
    "comment.auto_reject": "rejected a comment automatically",
    "comment.feature": "featured a comment",
    "comment.unfeature": "stopped featuring a comment",
    "comment.reject": "rejected a comment",
    "commenter.ban": "banned from commenting",
    "commenter.note": "added a moderator note",
    "commenter.reinstate": "reinstated",
    "commenter.suspend": "suspended from commenting",
    "comments.close": "closed comments",
    "comments.reopen": "reopened comments",
    "comments.section_policy": "changed a section's comment policy",
    "comments.word_rule": "changed a word rule",
}


@register.filter
def action_label(code: str) -> str:
    """A human-readable name for an audit action code; unknown codes as they are."""
    return ACTION_LABELS.get(code, code.replace(".", ": ").replace("_", " "))
