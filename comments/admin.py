"""Word lists and section policies for moderators (staff); saves go through services."""

from django.contrib import admin

from .models import SectionPolicy, WordRule
from .services import section_policy_set, word_rule_set


@admin.register(WordRule)
class WordRuleAdmin(admin.ModelAdmin):
    list_display = ["word", "kind"]
    list_filter = ["kind"]
    search_fields = ["word"]

    def save_model(self, request, obj, form, change):
        saved = word_rule_set(word=obj.word, kind=obj.kind, by=request.user)
        obj.pk = saved.pk


@admin.register(SectionPolicy)
class SectionPolicyAdmin(admin.ModelAdmin):
    list_display = ["section", "mode"]
    list_select_related = ["section"]
    list_filter = ["mode"]

    def save_model(self, request, obj, form, change):
        saved = section_policy_set(section=obj.section, mode=obj.mode, by=request.user)
        obj.pk = saved.pk
