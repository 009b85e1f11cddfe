from django.contrib import admin

from .models import Article, ArticleImage, Byline, Section


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


class BylineInline(admin.TabularInline):
    model = Byline
    extra = 0


class ArticleImageInline(admin.TabularInline):
    model = ArticleImage
    extra = 0


@admin.register(Article)
class ArticleAdmin(admin.ModelAdmin):
    list_display = ["headline", "outlet", "section", "status", "published_at", "needs_review"]
    list_filter = ["status", "needs_review", "section", "outlet"]
    list_select_related = ["outlet", "section"]
    search_fields = ["headline", "dek"]
    date_hierarchy = "published_at"
    autocomplete_fields = ["outlet", "section"]
    readonly_fields = ["source_key", "created_at", "updated_at"]
    inlines = [BylineInline, ArticleImageInline]
