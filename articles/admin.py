"""The editorial admin's configuration and hooks. Changes to an article, its bylines,
pictures and corrections go through ``articles.workflow``; images through
``articles.images``. The endpoints beside the article's pages (tag autocomplete,
presence and autosave, restoring a revision) are views in ``articles.admin_views``.
Inlines other apps add (mentions) save through their own formsets' services."""

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.forms.models import BaseInlineFormSet
from django.utils.functional import cached_property
from django.utils.html import format_html
from django.utils.translation import ngettext
from reversion_compare.admin import CompareVersionAdmin

from . import admin_views, editing, workflow
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
        """The workflow button the form was saved with, if any (``workflow``)."""
        transition = requested_transition(request.POST)
        if transition is None:
            return
        try:
            workflow.article_transition(article=obj, transition=transition, by=request.user)
        except (PermissionDenied, ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            obj.refresh_from_db()
            messages.success(request, f"“{obj}” is now {obj.get_status_display().lower()}.")

    def get_urls(self):
        # Tag autocomplete, presence and autosave: views of their own (admin_views).
        return [*admin_views.article_urls(self), *super().get_urls()]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        """The change form's script pings, autosaves and offers kept text (admin_views)."""
        if obj is not None and obj.pk and workflow.can_edit(request.user, obj):
            context["editing"] = {
                "ping_ms": 1000 * getattr(settings, "ARTICLE_EDITING_PING_SECONDS", 10),
                "autosave_ms": 1000 * getattr(settings, "ARTICLE_AUTOSAVE_SECONDS", 3),
                # Offered when the article is opened, not over a refused save's input.
                "autosave": request.method == "GET"
                and editing.autosave_for_restore(article=obj, user=request.user),
            }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def revision_view(self, request, object_id, version_id, extra_context=None):
        """Restoring is one audited action, not an editable old form (admin_views)."""
        return admin_views.revision_restore(request, object_id, version_id, model_admin=self)

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
