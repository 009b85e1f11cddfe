from django.contrib import admin

from .models import Story, StoryArticle


class StoryArticleInline(admin.TabularInline):
    model = StoryArticle
    extra = 0
    autocomplete_fields = ["article"]
    readonly_fields = ["score", "joined_at"]


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = ["title", "first_reported_at", "last_updated_at"]
    search_fields = ["title"]
    inlines = [StoryArticleInline]
