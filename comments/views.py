"""Readers' comment actions and the moderators' queues. Thin: forms parse, services decide."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from articles.models import Article
from audit.models import EditorialLogEntry
from coverage.models import Story

from . import services
from .forms import (
    BanForm,
    BulkActionForm,
    CommentEditForm,
    CommentForm,
    FlagForm,
    NoteForm,
    QueueFilterForm,
    SuspendForm,
)
from .models import Comment, Commenter, ModerationNote
from .rendering import comment_html
from .selectors import (
    display_name,
    moderation_queue,
    pending_counts,
    reader_histories,
    stories_with_pending,
)

Status = Comment.Status


def _thread_url(comment: Comment) -> str:
    return f"{comment.article.get_absolute_url()}#comment-{comment.pk}"


class CommentPostView(View):
    """POST a comment or reply; on an error, show the form again with the messages."""

    def post(self, request, article_id):
        article = get_object_or_404(Article.objects.published(), pk=article_id)
        if not request.user.is_authenticated:
            back = quote(f"{article.get_absolute_url()}#comments", safe="/")
            return redirect(f"{reverse('account_login')}?next={back}")
        form = CommentForm(request.POST, article=article)
        if form.is_valid():
            try:
                comment = services.comment_post(
                    article=article,
                    author=request.user,
                    body=form.cleaned_data["body"],
                    parent=form.cleaned_data["parent"],
                    idempotency_key=form.cleaned_data["idempotency_key"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.add_message(request, *_posted_message(comment))
                return redirect(_thread_url(comment))
        return render(
            request, "comments/comment_form.html", {"form": form, "article": article}, status=400
        )


def _posted_message(comment: Comment):
    if comment.status == Status.APPROVED:
        return messages.SUCCESS, "Your comment is published."
    if comment.status == Status.PENDING:
        return messages.INFO, "Thanks! Your comment is pending: a moderator will review it."
    return messages.ERROR, "Your comment was not published: it breaks our community rules."


class OwnCommentMixin(LoginRequiredMixin):
    def get_comment(self):
        comment = get_object_or_404(Comment.objects.select_related("article"), pk=self.kwargs["pk"])
        if comment.author_id != self.request.user.pk:
            raise PermissionDenied("You can only change your own comments.")
        return comment


class CommentEditView(OwnCommentMixin, View):
    template_name = "comments/comment_edit.html"

    def get(self, request, pk):
        comment = self.get_comment()
        form = CommentEditForm(initial={"body": comment.body})
        return render(request, self.template_name, self.context(form, comment))

    def context(self, form, comment) -> dict:
        return {"form": form, "comment": comment, "edit_window": services.edit_window_text()}

    def post(self, request, pk):
        comment = self.get_comment()
        form = CommentEditForm(request.POST)
        if form.is_valid():
            try:
                services.comment_edit(
                    comment=comment, body=form.cleaned_data["body"], by=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Your comment is updated.")
                return redirect(_thread_url(comment))
        return render(request, self.template_name, self.context(form, comment), status=400)


class CommentDeleteView(OwnCommentMixin, View):
    def post(self, request, pk):
        comment = self.get_comment()
        services.comment_delete(comment=comment, by=request.user)
        messages.success(request, "Your comment is deleted.")
        return redirect(f"{comment.article.get_absolute_url()}#comments")


class CommentFlagView(LoginRequiredMixin, View):
    template_name = "comments/comment_flag.html"

    def get_comment(self):
        return get_object_or_404(
            Comment.objects.public().select_related("article", "author__profile"),
            pk=self.kwargs["pk"],
        )

    def context(self, comment, form):
        return {
            "comment": comment,
            "form": form,
            "html": comment_html(comment.body),
            "name": display_name(comment.author),
        }

    def get(self, request, pk):
        comment = self.get_comment()
        return render(request, self.template_name, self.context(comment, FlagForm()))

    def post(self, request, pk):
        comment = self.get_comment()
        form = FlagForm(request.POST)
        if form.is_valid():
            try:
                services.comment_flag(comment=comment, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Thanks: moderators will look at this comment.")
                return redirect(_thread_url(comment))
        return render(request, self.template_name, self.context(comment, form), status=400)


# Moderation ---------------------------------------------------------------------------


class ModeratorRequiredMixin(PermissionRequiredMixin):
    permission_required = "comments.moderate_comment"


class QueueView(ModeratorRequiredMixin, TemplateView):
    """The global queue, or one story's queue across all of its articles."""

    template_name = "comments/moderation/queue.html"

    def get_context_data(self, **kwargs):
        story = None
        if "story_id" in self.kwargs:
            story = get_object_or_404(Story, pk=self.kwargs["story_id"])
        filters = QueueFilterForm(self.request.GET or None)
        data = filters.cleaned_data if filters.is_valid() else {}
        status = data.get("status") or "pending"
        queryset = moderation_queue(
            status=status,
            story=story,
            user_id=data.get("user"),
            article_id=data.get("article"),
            text=data.get("q", ""),
            author=data.get("author", ""),
        )
        page = Paginator(queryset, 50).get_page(self.request.GET.get("page"))
        histories = reader_histories(author_ids=[c.author_id for c in page])
        for comment in page:
            comment.html = comment_html(comment.body)
            comment.display_name = display_name(comment.author)
            comment.history = histories.get(comment.author_id, {})
        article = None
        if data.get("article"):
            article = Article.objects.filter(pk=data["article"]).first()
        return {
            **super().get_context_data(**kwargs),
            "story": story,
            "article": article,
            "filters": filters,
            "status": status,
            "page": page,
            "counts": pending_counts(story=story),
            "stories": stories_with_pending() if story is None else [],
            "story_closed": bool(story and hasattr(story, "comment_closure")),
            "article_closed": bool(article and hasattr(article, "comment_closure")),
            "bulk_form": BulkActionForm(),
            "return_to": self.request.get_full_path(),
        }


def _safe_return(request, fallback: str) -> str:
    target = request.POST.get("return_to", "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


DONE_LABELS = {
    "approve": "Approved",
    "reject": "Rejected",
    "feature": "Featured",
    "unfeature": "No longer featuring",
}


class ModerateView(ModeratorRequiredMixin, View):
    """Bulk actions from the queue, and the one-comment buttons on each row."""

    def post(self, request):
        data = request.POST.copy()
        if "one" in data:  # "approve:123": a row's own button
            action, _, pk = data["one"].partition(":")
            data.setlist("comments", [pk])
            data["action"] = action
            # The row's own reason field; the bulk form's when that is empty.
            data["reason"] = data.get(f"reason-{pk}") or data.get("reason", "")
        form = BulkActionForm(data)
        back = _safe_return(request, reverse("comments:queue"))
        if not form.is_valid():
            messages.error(request, "Choose an action and at least one comment.")
            return HttpResponseRedirect(back)
        try:
            done = services.comments_moderate(
                comments=Comment.objects.filter(
                    pk__in=[c.pk for c in form.cleaned_data["comments"]]
                ),
                action=form.cleaned_data["action"],
                reason=form.cleaned_data["reason"],
                by=request.user,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            done_label = DONE_LABELS[form.cleaned_data["action"]]
            messages.success(request, f"{done_label} {done} comment{pluralize(done)}.")
        return HttpResponseRedirect(back)


class ClosureView(ModeratorRequiredMixin, View):
    """Close or reopen comments on an article or a story."""

    def post(self, request, kind, pk, verb):
        if kind not in ("article", "story") or verb not in ("close", "reopen"):
            raise Http404("No such action.")
        model = Article if kind == "article" else Story
        target = get_object_or_404(model, pk=pk)
        action = services.comments_close if verb == "close" else services.comments_reopen
        action(by=request.user, **{kind: target})
        messages.success(request, f"Comments {'closed' if verb == 'close' else 'reopened'}.")
        return HttpResponseRedirect(_safe_return(request, reverse("comments:queue")))


class CommenterView(ModeratorRequiredMixin, View):
    """A user's comment history, moderator notes, and ban/suspend/reinstate."""

    template_name = "comments/moderation/commenter.html"

    def context(self, subject, **forms):
        comments = list(moderation_queue(status="all", user_id=subject.pk)[:100])
        for comment in comments:
            comment.html = comment_html(comment.body)
        totals = {s: 0 for s in Status.values}
        for row in Comment.objects.filter(author=subject).values("status").order_by():
            totals[row["status"]] += 1
        return {
            "subject": subject,
            "name": display_name(subject),
            "commenter": Commenter.objects.filter(user=subject).first(),
            "now": timezone.now(),
            "comments": comments,
            "totals": totals,
            "notes": ModerationNote.objects.filter(subject=subject).select_related("author"),
            "log": EditorialLogEntry.objects.filter(
                target_type__model="user", target_id=str(subject.pk)
            ).select_related("actor")[:50],
            "note_form": forms.get("note_form") or NoteForm(),
            # Both have a "reason": distinct ids, or the page repeats id_reason.
            "suspend_form": forms.get("suspend_form") or SuspendForm(auto_id="suspend_%s"),
            "ban_form": forms.get("ban_form") or BanForm(auto_id="ban_%s"),
        }

    def get_subject(self, pk):
        return get_object_or_404(get_user_model().objects.select_related("profile"), pk=pk)

    def get(self, request, pk):
        return render(request, self.template_name, self.context(self.get_subject(pk)))

    def post(self, request, pk):
        subject = self.get_subject(pk)
        action = request.POST.get("action")
        forms = {}
        try:
            if action == "note":
                form = forms["note_form"] = NoteForm(request.POST)
                if form.is_valid():
                    services.moderation_note_add(
                        subject=subject, by=request.user, **form.cleaned_data
                    )
                    messages.success(request, "Note added.")
                    return redirect("comments:commenter", pk=pk)
            elif action == "ban":
                form = forms["ban_form"] = BanForm(request.POST, auto_id="ban_%s")
                if form.is_valid():
                    services.commenter_ban(user=subject, by=request.user, **form.cleaned_data)
                    messages.success(request, "User banned from commenting.")
                    return redirect("comments:commenter", pk=pk)
            elif action == "suspend":
                form = forms["suspend_form"] = SuspendForm(request.POST, auto_id="suspend_%s")
                if form.is_valid():
                    services.commenter_suspend(
                        user=subject,
                        until=form.until(),
                        reason=form.cleaned_data["reason"],
                        by=request.user,
                    )
                    messages.success(request, "User suspended.")
                    return redirect("comments:commenter", pk=pk)
            elif action == "reinstate":
                services.commenter_reinstate(user=subject, by=request.user)
                messages.success(request, "User reinstated.")
                return redirect("comments:commenter", pk=pk)
            else:
                messages.error(request, "Unknown action.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        return render(request, self.template_name, self.context(subject, **forms), status=400)
