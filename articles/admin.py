"""The editorial admin. Changes to an article, its bylines, pictures and corrections go
through ``articles.workflow``; images through ``articles.images``; autosave and presence
through ``articles.editing``. Inlines other apps add (mentions) save through their own
formsets' services."""

import json

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import ngettext
from reversion.models import Version
from reversion_compare.admin import CompareVersionAdmin
from taggit.models import Tag

from . import editing, workflow
from .forms import ArticleActionForm, ArticleAdminForm, requested_transition
from .images import can_edit_image, image_create, image_update
from .models import Article, ArticleImage, Byline, Correction, Image, Section
from .preview import preview_url


class CappedCountPaginator(Paginator):
    """Counts at most COUNT_CAP rows: a broad admin search over a million articles
    would otherwise spend a second counting matches nobody pages through."""

    COUNT_CAP = 10_000

    @cached_property
    def count(self):
        return self.object_list.order_by()[: self.COUNT_CAP + 1].count()


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "alt_text", "credit", "width", "height", "created_at"]
    search_fields = ["alt_text", "caption", "credit"]
    readonly_fields = ["width", "height", "uploaded_by", "created_at"]

    @admin.display(description="Image")
    def thumbnail(self, obj):
        return format_html('<img src="{}" alt="{}" width="80">', obj.file.url, obj.alt_text)

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return can_edit_image(request.user, obj)

    def save_model(self, request, obj, form, change):
        """Uploads and edits go through the audited services in ``articles.images``."""
        if not change:
            image_create(image=obj, by=request.user)
            return
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        if changes:
            updated = image_update(image=obj, changes=changes, by=request.user)
            obj.file = updated.file


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0
    fields = ["position", "name", "person", "role"]
    autocomplete_fields = ["person"]
    ordering = ["position"]


class ArticleImageInline(admin.TabularInline):
    model = ArticleImage
    extra = 0
    fields = ["position", "image", "caption", "credit", "source_url"]
    autocomplete_fields = ["image"]
    ordering = ["position"]


class CorrectionFormSet(BaseInlineFormSet):
    """Refuses a new correction on an unpublished article here, while the form is
    validated, so the editor sees the reason beside the row and keeps the text
    (``correction_append`` would otherwise refuse it after the article was saved)."""

    def clean(self):
        super().clean()
        new = [
            form
            for form in self.forms
            if form.has_changed() and not form.instance.pk and not self._should_delete_form(form)
        ]
        if not new:
            return
        try:
            workflow.check_takes_corrections(self.instance)
        except ValidationError as error:
            for form in new:
                form.add_error(None, error)


class CorrectionInline(admin.TabularInline):
    """Corrections are appended, never edited: existing ones are read-only."""

    model = Correction
    formset = CorrectionFormSet
    extra = 0
    fields = ["kind", "text", "author", "created_at"]
    readonly_fields = ["author", "created_at"]

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Article)
class ArticleAdmin(CompareVersionAdmin):
    form = ArticleAdminForm
    action_form = ArticleActionForm
    change_form_template = "admin/articles/article/change_form.html"
    list_display = [
        "headline",
        "outlet",
        "section",
        "status",
        "byline_names",
        "published_at",
        "updated_at",
        "needs_review",
    ]
    list_filter = ["status", "needs_review", "section"]
    list_select_related = ["outlet", "section"]
    list_per_page = 50
    paginator = CappedCountPaginator
    show_full_result_count = False
    search_fields = ["headline", "dek"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["outlet", "section"]
    readonly_fields = [
        "status",
        "version",
        "created_by",
        "first_published_at",
        "preview_link",
        "is_imported",
        "created_at",
        "updated_at",
    ]
    fieldsets = [
        (None, {"fields": ["headline", "slug", "dek", "body", "key_points", "tags"]}),
        ("Placement", {"fields": ["section", "outlet", "canonical_url", "attribution"]}),
        (
            "Publication",
            {"fields": ["status", "publish_at", "published_at", "preview_link", "version"]},
        ),
        (
            "Review",
            {
                "fields": ["is_headline_provisional", "needs_review", "review_notes"],
                "classes": ["collapse"],
            },
        ),
        (
            "Record",
            {
                "fields": [
                    "created_by",
                    "first_published_at",
                    "is_imported",
                    "created_at",
                    "updated_at",
                ],
                "classes": ["collapse"],
            },
        ),
    ]
    # Not in the fieldsets: the form's hidden version_opened (the version this form shows,
    # checked on save). The change_form template renders it; a fieldset would give it a
    # label pointing at nothing a person can see.
    prepopulated_fields = {"slug": ["headline"]}
    inlines = [
        BylineInline,
        ArticleImageInline,
        CorrectionInline,
    ]
    actions = ["publish_selected", "unpublish_selected", "set_section"]
    # Every revision records its version number (for edit conflicts); comparing two
    # revisions would list it as a change every time.
    compare_exclude = ["version"]

    # --- reading

    def get_queryset(self, request):
        queryset = (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "bylines",
                    queryset=Byline.objects.order_by("position").only(
                        "article_id", "position", "name"
                    ),
                )
            )
        )
        if not request.user.has_perm("articles.change_others_article"):
            queryset = queryset.filter(created_by=request.user)
        match = request.resolver_match
        if match and match.url_name == "articles_article_changelist":
            queryset = queryset.defer("body", "body_text")  # 50 rows of full text: no
        return queryset

    @admin.display(description="Bylines")
    def byline_names(self, obj):
        return ", ".join(b.name for b in obj.bylines.all())

    @admin.display(description="Preview")
    def preview_link(self, obj):
        if not obj.pk:
            return "Save first to get a preview link."
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Preview link</a> '
            "(anyone with the link can read it for 48 hours)",
            preview_url(obj),
        )

    def get_form(self, request, obj=None, change=False, **kwargs):
        form_class = super().get_form(request, obj, change, **kwargs)

        class RequestForm(form_class):
            def __init__(self, *args, **inner):
                super().__init__(*args, request=request, **inner)

        return RequestForm

    # --- permissions

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return super().has_change_permission(request)
        return workflow.can_edit(request.user, obj)

    def has_publish_permission(self, request):
        return workflow.can_publish(request.user)

    # --- writing: everything through the workflow services

    def save_model(self, request, obj, form, change):
        workflow.article_save(
            article=obj,
            by=request.user,
            expected_version=form.cleaned_data.get("version_opened"),
            changed_fields=[f for f in form.changed_data if f in form.base_fields],
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is Correction:
            # The admin's change message reads these; corrections are only ever added.
            formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
            for correction_form in formset.forms:
                if correction_form.has_changed() and not correction_form.instance.pk:
                    data = correction_form.cleaned_data
                    formset.new_objects.append(
                        workflow.correction_append(
                            article=form.instance,
                            text=data["text"],
                            kind=data["kind"],
                            by=request.user,
                        )
                    )
            return
        if formset.model in (Byline, ArticleImage):
            # Through the workflow, which writes the audit row (before and after).
            saved = formset.save(commit=False)
            workflow.article_attachments_save(
                article=form.instance, saved=saved, deleted=formset.deleted_objects, by=request.user
            )
            return
        instances = formset.save(commit=False)
        for instance in instances:
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()

    def response_change(self, request, obj):
        self._apply_transition(request, obj)
        return super().response_change(request, obj)

    def response_add(self, request, obj, post_url_continue=None):
        self._apply_transition(request, obj)
        return super().response_add(request, obj, post_url_continue)

    def _apply_transition(self, request, obj):
        action = requested_transition(request.POST)
        if action is None:
            return
        try:
            if action == "submit":
                workflow.article_submit(article=obj, by=request.user)
            elif action == "publish":
                workflow.article_publish(article=obj, by=request.user)
            elif action == "schedule":
                workflow.article_schedule(article=obj, by=request.user, publish_at=obj.publish_at)
            elif action == "unpublish":
                workflow.article_unpublish(article=obj, by=request.user)
            elif action == "return_to_draft":
                workflow.article_return_to_draft(article=obj, by=request.user)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            obj.refresh_from_db()
            messages.success(request, f"“{obj}” is now {obj.get_status_display().lower()}.")

    def get_urls(self):
        def view(function, name):
            return path(
                f"<path:object_id>/editing/{name}/",
                self.admin_site.admin_view(function),
                name=f"articles_article_editing_{name}",
            )

        return [
            path(
                "tags/autocomplete/",
                self.admin_site.admin_view(self.tag_autocomplete_view),
                name="articles_article_tags",
            ),
            view(self.editing_ping_view, "ping"),
            view(self.editing_end_view, "end"),
            view(self.autosave_view, "autosave"),
            view(self.autosave_discard_view, "discard"),
            *super().get_urls(),
        ]

    # --- editing alongside others: presence, autosave (articles.editing)

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None and obj.pk and workflow.can_edit(request.user, obj):
            context["editing"] = {
                "ping_ms": 1000 * getattr(settings, "ARTICLE_EDITING_PING_SECONDS", 10),
                "autosave_ms": 1000 * getattr(settings, "ARTICLE_AUTOSAVE_SECONDS", 3),
                # Offered when the article is opened, not over a refused save's input.
                "autosave": request.method == "GET"
                and editing.autosave_for_restore(article=obj, user=request.user),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def _editable_article(self, request, object_id) -> Article:
        """The article behind an editing endpoint: POST only, and only for its editors."""
        if request.method != "POST":
            raise PermissionDenied("POST only.")
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such article.")
        if not workflow.can_edit(request.user, article):
            raise PermissionDenied("You may not edit this article.")
        return article

    @staticmethod
    def _posted_version(request) -> int | None:
        value = request.POST.get("version_opened", "")
        return int(value) if value.isdigit() else None

    def editing_ping_view(self, request, object_id):
        """The open form says "still here"; it hears who else is here and what was saved."""
        article = self._editable_article(request, object_id)
        version_opened = self._posted_version(request)
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

    def editing_end_view(self, request, object_id):
        article = self._editable_article(request, object_id)
        editing.editing_session_end(article=article, user=request.user)
        return HttpResponse(status=204)

    def autosave_view(self, request, object_id):
        """Keeps the form's unsaved text for this user; the article itself is not touched."""
        article = self._editable_article(request, object_id)
        version_opened = self._posted_version(request)
        try:
            data = json.loads(request.POST.get("data", ""))
        except ValueError:
            data = None
        if version_opened is None or data is None:
            return JsonResponse({"error": "Send version_opened and data (JSON)."}, status=400)
        try:
            autosave = editing.autosave_store(
                article=article, by=request.user, data=data, version_opened=version_opened
            )
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        saved_at = timezone.localtime(autosave.saved_at)
        return JsonResponse({"saved_at": saved_at.isoformat(), "time": f"{saved_at:%H:%M:%S}"})

    def autosave_discard_view(self, request, object_id):
        article = self._editable_article(request, object_id)
        editing.autosave_discard(article=article, by=request.user)
        return HttpResponse(status=204)

    def tag_autocomplete_view(self, request):
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        term = request.GET.get("term", "").strip()
        names = Tag.objects.filter(name__icontains=term).order_by("name") if term else []
        return JsonResponse({"results": [t.name for t in names[:20]]})

    # --- history: restoring is one audited action, not an editable old form

    def revision_view(self, request, object_id, version_id, extra_context=None):
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
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": article,
            "version": version,
            "fields": version.field_dict,
            "title": f"Restore an earlier revision of “{article}”",
        }
        return TemplateResponse(request, "admin/articles/article/restore_confirm.html", context)

    # --- bulk actions

    @admin.action(description="Publish selected articles", permissions=["publish"])
    def publish_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.article_publish, "published")

    @admin.action(description="Unpublish selected articles", permissions=["publish"])
    def unpublish_selected(self, request, queryset):
        self._bulk(request, queryset, workflow.article_unpublish, "unpublished")

    @admin.action(description="Set section of selected articles", permissions=["change"])
    def set_section(self, request, queryset):
        form = ArticleActionForm(request.POST)
        form.fields["action"].choices = self.get_action_choices(request)
        section = form.cleaned_data.get("section") if form.is_valid() else None
        if section is None:
            messages.error(request, "Choose a section in the action bar first.")
            return
        try:
            changed = workflow.articles_set_section(
                articles=list(queryset), section=section, by=request.user
            )
        except PermissionDenied as error:
            messages.error(request, str(error))
            return
        messages.success(
            request,
            ngettext(
                "Moved %(n)d article to %(section)s.",
                "Moved %(n)d articles to %(section)s.",
                changed,
            )
            % {"n": changed, "section": section},
        )

    def _bulk(self, request, queryset, service, done):
        succeeded, failed = 0, []
        for article in queryset.order_by("pk"):
            try:
                service(article=article, by=request.user)
                succeeded += 1
            except (PermissionDenied, ValidationError) as error:
                failed.append(f"“{article}”: {' '.join(getattr(error, 'messages', [str(error)]))}")
        if succeeded:
            counted = ngettext("%(n)d article", "%(n)d articles", succeeded) % {"n": succeeded}
            messages.success(request, f"{counted} {done}.")
        for failure in failed:
            messages.warning(request, failure)
