"""The article admin's endpoints that are not the model admin's own pages: the tag
autocomplete the tags field asks, the open change form's presence and autosave calls
(``articles.editing``), and the confirm-and-restore page for an earlier revision
(``workflow.article_restore``).

They are plain views. ``article_urls`` wraps each in ``admin_site.admin_view`` (staff
login, CSRF, no caching) under the same URL names and paths the change form's script
and the browser tests use, and hands each the ``ArticleAdmin`` so that an article is
looked up through its queryset (a reporter reaches only their own articles) and
permissions are the admin's.
"""

from __future__ import annotations

import json
from functools import partial
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path
from django.utils import timezone
from reversion.models import Version
from taggit.models import Tag

from . import editing, workflow
from .models import Article

if TYPE_CHECKING:
    from .admin import ArticleAdmin


def article_urls(model_admin: ArticleAdmin) -> list[URLPattern]:
    """The endpoints' URL patterns, to go before the model admin's own."""

    def view(function, name):
        return path(
            f"<path:object_id>/editing/{name}/",
            model_admin.admin_site.admin_view(partial(function, model_admin=model_admin)),
            name=f"articles_article_editing_{name}",
        )

    return [
        path(
            "tags/autocomplete/",
            model_admin.admin_site.admin_view(partial(tag_autocomplete, model_admin=model_admin)),
            name="articles_article_tags",
        ),
        view(editing_ping, "ping"),
        view(editing_end, "end"),
        view(autosave, "autosave"),
        view(autosave_discard, "discard"),
    ]


# --- tags


def tag_autocomplete(request: HttpRequest, *, model_admin: ArticleAdmin) -> JsonResponse:
    """Up to 20 existing tag names containing ``term``, for whoever may see articles."""
    if not model_admin.has_view_or_change_permission(request):
        raise PermissionDenied
    term = request.GET.get("term", "").strip()
    names = Tag.objects.filter(name__icontains=term).order_by("name") if term else []
    return JsonResponse({"results": [t.name for t in names[:20]]})


# --- editing alongside others: presence and autosave (articles.editing)


def _editable_article(request: HttpRequest, object_id: str, model_admin: ArticleAdmin) -> Article:
    """The article behind an editing endpoint: POST only, and only for its editors."""
    if request.method != "POST":
        raise PermissionDenied("POST only.")
    article = model_admin.get_object(request, unquote(object_id))
    if article is None:
        raise Http404("No such article.")
    if not workflow.can_edit(request.user, article):
        raise PermissionDenied("You may not edit this article.")
    return article


def _posted_version(request: HttpRequest) -> int | None:
    value = request.POST.get("version_opened", "")
    return int(value) if value.isdigit() else None


def editing_ping(request, object_id: str, *, model_admin: ArticleAdmin) -> JsonResponse:
    """The open form says "still here"; it hears who else is here and what was saved."""
    article = _editable_article(request, object_id, model_admin)
    version_opened = _posted_version(request)
    if version_opened is None:
        return JsonResponse({"error": "version_opened must be a number."}, status=400)
    status = editing.editing_session_ping(
        article=article, user=request.user, version_opened=version_opened
    )
    newer = None
    if status.newer:
        at = timezone.localtime(status.newer.saved_at)
        newer = {
            "version": status.newer.version,
            "saved_by": status.newer.saved_by,
            "saved_at": at.isoformat(),
            "message": (
                f"{status.newer.saved_by} saved a newer version at {at:%H:%M}: your "
                "save will be refused and shown side by side with theirs. Reload to "
                "see it (your unsaved text is kept by autosave)."
            ),
        }
    return JsonResponse({"others": status.others, "newer": newer})


def editing_end(request, object_id: str, *, model_admin: ArticleAdmin) -> HttpResponse:
    """The form was closed: this user no longer counts as editing the article."""
    article = _editable_article(request, object_id, model_admin)
    editing.editing_session_end(article=article, user=request.user)
    return HttpResponse(status=204)


def autosave(request, object_id: str, *, model_admin: ArticleAdmin) -> JsonResponse:
    """Keeps the form's unsaved text for this user; the article itself is not touched."""
    article = _editable_article(request, object_id, model_admin)
    version_opened = _posted_version(request)
    try:
        data = json.loads(request.POST.get("data", ""))
    except ValueError:
        data = None
    if version_opened is None or data is None:
        return JsonResponse({"error": "Send version_opened and data (JSON)."}, status=400)
    try:
        kept = editing.autosave_store(
            article=article, by=request.user, data=data, version_opened=version_opened
        )
    except ValidationError as error:
        return JsonResponse({"error": " ".join(error.messages)}, status=400)
    saved_at = timezone.localtime(kept.saved_at)
    return JsonResponse({"saved_at": saved_at.isoformat(), "time": f"{saved_at:%H:%M:%S}"})


def autosave_discard(request, object_id: str, *, model_admin: ArticleAdmin) -> HttpResponse:
    """The editor declined the kept text: it is deleted."""
    article = _editable_article(request, object_id, model_admin)
    editing.autosave_discard(article=article, by=request.user)
    return HttpResponse(status=204)


# --- history: restoring is one audited action, not an editable old form


def revision_restore(
    request, object_id: str, version_id: str, *, model_admin: ArticleAdmin
) -> HttpResponse:
    """GET: what the revision held, and a button; POST: restore it
    (``workflow.article_restore``) and go back to the article."""
    article = get_object_or_404(Article, pk=object_id)
    version = get_object_or_404(
        Version.objects.get_for_object(article).select_related("revision__user"),
        pk=version_id,
    )
    if not workflow.can_edit(request.user, article):
        raise PermissionDenied
    if request.method == "POST":
        try:
            workflow.article_restore(article=article, version=version, by=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "The earlier revision was restored.")
        return redirect("admin:articles_article_change", article.pk)
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.opts,
        "original": article,
        "version": version,
        "fields": version.field_dict,
        "title": f"Restore an earlier revision of “{article}”",
    }
    return TemplateResponse(request, "admin/articles/article/restore_confirm.html", context)
