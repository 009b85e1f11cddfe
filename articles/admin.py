"""The editorial admin. Every change goes through articles.workflow; nothing saves around it."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.utils.functional import cached_property
from django.utils.html import format_html
from reversion_compare.admin import CompareVersionAdmin

from entities.admin import AmbiguousMentionInline, MentionInline
from entities.services import is_desk_credit, mentions_suggest, person_for_byline

from . import workflow
from .forms import ArticleActionForm, ArticleAdminForm, requested_transition
from .images import image_saved
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

    def save_model(self, request, obj, form, change):
        if not change:
            obj.uploaded_by = request.user
        super().save_model(request, obj, form, change)
        if "file" in form.changed_data:
            image_saved(image=obj)


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


class CorrectionInline(admin.TabularInline):
    """Corrections are appended, never edited: existing ones are read-only."""

    model = Correction
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
        "source_key",
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
                    "source_key",
                    "created_at",
                    "updated_at",
                ],
                "classes": ["collapse"],
            },
        ),
    ]
    prepopulated_fields = {"slug": ["headline"]}
    inlines = [
        BylineInline,
        ArticleImageInline,
        MentionInline,
        AmbiguousMentionInline,
        CorrectionInline,
    ]
    actions = ["publish_selected", "unpublish_selected", "set_section"]

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
        instances = formset.save(commit=False)
        for instance in instances:
            if isinstance(instance, Byline) and instance.person_id is None:
                if is_desk_credit(instance.name):
                    instance.role = Byline.Role.DESK  # "Reuters" is a desk, never a person
                if instance.role != Byline.Role.DESK:
                    instance.person = person_for_byline(name=instance.name)
            instance.save()
        for obj in formset.deleted_objects:
            obj.delete()
        formset.save_m2m()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Suggestions follow the saved text; editors' confirmations and rejections stay.
        mentions_suggest(article=form.instance)

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
        from django.urls import path

        return [
            path(
                "tags/autocomplete/",
                self.admin_site.admin_view(self.tag_autocomplete_view),
                name="articles_article_tags",
            ),
            *super().get_urls(),
        ]

    def tag_autocomplete_view(self, request):
        from django.http import JsonResponse
        from taggit.models import Tag

        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        term = request.GET.get("term", "").strip()
        names = Tag.objects.filter(name__icontains=term).order_by("name") if term else []
        return JsonResponse({"results": [t.name for t in names[:20]]})

    # --- history: restoring is one audited action, not an editable old form

    def revision_view(self, request, object_id, version_id, extra_context=None):
        from django.shortcuts import get_object_or_404, redirect
        from django.template.response import TemplateResponse
        from reversion.models import Version

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
        messages.success(request, f"Moved {changed} article(s) to {section}.")

    def _bulk(self, request, queryset, service, done):
        succeeded, failed = 0, []
        for article in queryset.order_by("pk"):
            try:
                service(article=article, by=request.user)
                succeeded += 1
            except (PermissionDenied, ValidationError) as error:
                failed.append(f"“{article}”: {' '.join(getattr(error, 'messages', [str(error)]))}")
        if succeeded:
            messages.success(request, f"{succeeded} article(s) {done}.")
        for failure in failed:
            messages.warning(request, failure)
