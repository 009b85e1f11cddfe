"""The comments area that the article page pulls in, so articles never imports comments."""

import uuid

from django import template

from comments.forms import CommentForm
from comments.models import MAX_DEPTH
from comments.selectors import comment_thread

register = template.Library()


@register.inclusion_tag("comments/_comments_area.html", takes_context=True)
def comments_area(context, article):
    request = context.get("request")
    user = request.user
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
