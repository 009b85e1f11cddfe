from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from audit.admin_mixins import ReadOnlyAdminMixin

from .forms import ImportUploadForm
from .models import ArticleFingerprint, ArticleSource, ImportRun, Outlet, WireCopyVerdict
from .services import import_run_create


@admin.register(Outlet)
class OutletAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "country_display",
        "language",
        "ownership_type",
        "owner",
        "homepage",
        "is_trusted",
    ]
    list_filter = ["country", "language", "ownership_type", "is_trusted"]
    search_fields = ["name", "slug", "domains", "owner"]
    prepopulated_fields = {"slug": ["name"]}
    fieldsets = [
        (None, {"fields": ["name", "slug", "homepage", "logo", "is_trusted"]}),
        ("Where and who", {"fields": ["country", "language", "ownership_type", "owner"]}),
        ("Feeds and domains", {"fields": ["domains", "feed_urls"]}),
    ]

    @admin.display(description="Country", ordering="country")
    def country_display(self, outlet):
        return f"{outlet.country_name} ({outlet.country})" if outlet.country else ""


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    """Upload files to import; the import runs as a background task, the report stays.

    "Add" is the upload form (needs ``sources.add_importrun``); runs are never edited,
    only viewed.
    """

    list_display = [
        "__str__",
        "created_by",
        "created_at",
        "status",
        "created_count",
        "updated_count",
        "unchanged_count",
        "failed_count",
    ]
    list_filter = ["status", "format"]
    list_select_related = ["created_by"]
    date_hierarchy = "created_at"
    fields = [
        "status",
        "created_by",
        "created_at",
        "started_at",
        "finished_at",
        "format",
        "outlet",
        "file_list",
        "created_count",
        "updated_count",
        "unchanged_count",
        "failed_count",
        "failure_list",
        "kept_list",
        "error",
    ]
    readonly_fields = fields

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Files")
    def file_list(self, run):
        return format_html_join(", ", "{}", ((name.rsplit("/", 1)[-1],) for name in run.files))

    @admin.display(description="Failures")
    def failure_list(self, run):
        return _table(
            ["File", "Where", "Why"],
            [
                (f["source"], f"{f['unit']} {f['line']}" if f.get("line") else "", f["reason"])
                for f in run.failures
            ],
        )

    @admin.display(description="Kept the editor's version")
    def kept_list(self, run):
        """Fields a re-import did not overwrite because an editor had changed them."""
        return _table(
            ["Article", "Field"],
            [(_article_change_link(k["article_id"], k["headline"]), k["field"]) for k in run.kept],
        )

    def add_view(self, request, form_url="", extra_context=None):
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = ImportUploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            try:
                run = import_run_create(
                    files=form.cleaned_data["files"],
                    by=request.user,
                    format=form.cleaned_data["format"],
                    outlet=form.cleaned_data["outlet"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request, f"{run} queued: {len(run.files)} file(s). This page shows its report."
                )
                return redirect(reverse("admin:sources_importrun_change", args=[run.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Import articles from files",
            "form": form,
            "opts": self.opts,
            "media": self.media + form.media,
            **(extra_context or {}),
        }
        return TemplateResponse(request, "sources/admin/importrun_upload.html", context)


class _ArticleColumns:
    """The article and its outlet, as columns of an admin over rows of one article."""

    @admin.display(description="Article", ordering="article__headline")
    def article_link(self, row):
        return _article_change_link(row.article_id, row.article)

    @admin.display(description="Outlet")
    def outlet(self, row):
        return row.article.outlet or "—"


@admin.register(ArticleFingerprint)
class WireCopyAdmin(_ArticleColumns, admin.ModelAdmin):
    """Articles marked as wire copy: "same text as <article>, similarity 0.93"."""

    list_display = ["article_link", "outlet", "mark", "original_outlet"]
    list_select_related = ["article__outlet", "same_text_as__outlet"]
    list_filter = [("same_text_as", admin.EmptyFieldListFilter)]
    search_fields = ["article__headline", "same_text_as__headline"]
    fields = ["article_link", "mark"]
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).defer("signature")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="Wire copy", ordering="-similarity")
    def mark(self, fingerprint):
        if fingerprint.same_text_as_id is None:
            return "—"
        url = reverse("admin:articles_article_change", args=[fingerprint.same_text_as_id])
        return format_html(
            'same text as <a href="{}">{}</a>, similarity {}',
            url,
            fingerprint.same_text_as,
            f"{fingerprint.similarity:.2f}",
        )

    @admin.display(description="Original's outlet")
    def original_outlet(self, fingerprint):
        original = fingerprint.same_text_as
        return (original and original.outlet) or "—"


def _table(headings: list[str], rows: list[tuple]) -> str:
    """An HTML table of ``rows`` (each cell escaped unless already safe), or "None"."""
    if not rows:
        return "None"
    head = format_html_join("", "<th>{}</th>", ((heading,) for heading in headings))
    cells = "".join("<td>{}</td>" for _ in headings)
    body = format_html_join("", f"<tr>{cells}</tr>", rows)
    return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, body)


def _article_change_link(article_id: int, article) -> str:
    """A link to the article's change page, labelled with the article."""
    url = reverse("admin:articles_article_change", args=[article_id])
    return format_html('<a href="{}">{}</a>', url, article)


@admin.register(WireCopyVerdict)
class WireCopyVerdictAdmin(_ArticleColumns, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Every article's wire-copy verdict as the story page and the API show it: "credited
    to Reuters" or "same text as <outlet>'s article". Read-only: it is decided on write."""

    list_display = ["article_link", "outlet", "shown", "original_link", "similarity", "decided_at"]
    list_select_related = ["article__outlet", "original__outlet"]
    list_filter = ["is_wire", "reason"]
    search_fields = ["article__headline", "agency", "original__headline"]
    fields = ["article_link", "shown", "original_link", "similarity", "decided_at"]
    readonly_fields = fields

    @admin.display(description="Wire copy", ordering="reason")
    def shown(self, verdict):
        return verdict.text or "—"

    @admin.display(description="Original")
    def original_link(self, verdict):
        if verdict.original_id is None:
            return "—"
        return _article_change_link(verdict.original_id, verdict.original)


@admin.register(ArticleSource)
class ArticleSourceAdmin(_ArticleColumns, ReadOnlyAdminMixin, admin.ModelAdmin):
    """Which source each imported article came from (its import identity), to find an
    article by its URL or key. Read-only: the importer writes it when it creates one."""

    list_display = ["key", "article_link"]
    list_select_related = ["article"]
    search_fields = ["key"]
    fields = ["key", "article_link"]
    readonly_fields = fields
