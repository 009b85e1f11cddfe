"""Admin for mentions, ambiguous names and merges of people, places and events.

Every change that matters goes through ``mentions.services``: merges, undoing them,
confirming and rejecting mentions, resolving ambiguous names. The people, places and
events admins are entities' (``entities.admin``); the merge action is added to them
here, because a merge moves bylines and mentions.

The article admin (owned by articles, below this app) gets ``MentionInline`` and
``AmbiguousMentionInline`` from here: ``MentionsArticleAdmin`` extends it and takes
its place in the admin site, as comments pull themselves into the article page.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms.models import BaseInlineFormSet
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from articles.admin import ArticleAdmin, CorrectionInline
from articles.models import Article
from audit.admin_mixins import ReadOnlyAdminMixin
from entities.admin import EventAdmin, PersonAdmin, PlaceAdmin
from entities.models import Entity, EntityMerge, Event, Person, Place
from entities.services import MODEL_BY_KIND

from .models import AmbiguousMention, Mention
from .services import (
    MERGE_PERMISSION,
    REVIEW_PERMISSION,
    UNDO_PERMISSION,
    ambiguous_mention_reject,
    ambiguous_mention_resolve,
    entity_merge,
    entity_merge_undo,
    mention_review,
    mentions_suggest,
)


class MergeActionMixin:
    """The "Merge selected into one…" action, added to the entities' admins."""

    actions = ["merge_selected"]

    def has_merge_permission(self, request):
        return request.user.has_perm(MERGE_PERMISSION)

    @admin.action(description="Merge selected into one…", permissions=["merge"])
    def merge_selected(self, request, queryset):
        """Asks which one to keep, then merges the others into it (entity_merge)."""
        entities = list(queryset.order_by("pk"))
        if len(entities) < 2:
            self.message_user(request, "Select at least two to merge.", messages.WARNING)
            return None
        keep_id = request.POST.get("keep")
        if keep_id:
            keep = next((e for e in entities if str(e.pk) == keep_id), None)
            if keep is None:
                raise PermissionDenied("The entity to keep must be one of those selected.")
            for duplicate in entities:
                if duplicate.pk == keep.pk:
                    continue
                try:
                    entity_merge(keep=keep, duplicate=duplicate, by=request.user)
                except ValidationError as error:
                    self.message_user(request, "; ".join(error.messages), messages.ERROR)
                    return None
            self.message_user(
                request,
                f"Merged {len(entities) - 1} into {keep}. Undo from “Entity merges”.",
                messages.SUCCESS,
            )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": f"Merge {self.model._meta.verbose_name_plural}",
            "entities": entities,
            "opts": self.model._meta,
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/entities/merge_confirm.html", context)


def _with_merge_action(model, entity_admin: type[admin.ModelAdmin]) -> None:
    merging = type(f"Merging{entity_admin.__name__}", (MergeActionMixin, entity_admin), {})
    admin.site.unregister(model)
    admin.site.register(model, merging)


for _model, _entity_admin in ((Person, PersonAdmin), (Place, PlaceAdmin), (Event, EventAdmin)):
    _with_merge_action(_model, _entity_admin)


def _entity_link(entity: Entity | None) -> str:
    if entity is None:
        return "—"
    url = reverse(f"admin:entities_{entity.kind}_change", args=[entity.pk])
    return format_html('<a href="{}">{}</a> ({})', url, entity.name, entity.kind)


class MentionFormSet(BaseInlineFormSet):
    """Editors change a mention's state in the article admin; the change goes
    through ``mention_review`` so it is permission-checked and logged."""

    request = None

    def save_existing(self, form, obj, commit=True):
        if "state" in form.changed_data:
            return mention_review(mention=obj, state=obj.state, by=self.request.user)
        return obj


class MentionInline(admin.TabularInline):
    """For ArticleAdmin.inlines: the entities an article names; confirm or reject each."""

    model = Mention
    fk_name = "article"
    formset = MentionFormSet
    fields = ["entity_link", "count", "first_position", "state"]
    readonly_fields = ["entity_link", "count", "first_position"]
    extra = 0
    can_delete = False
    verbose_name_plural = "entities named (suggested mentions: confirm or reject)"

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person", "place", "event")

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        return type("BoundMentionFormSet", (formset,), {"request": request})

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(REVIEW_PERMISSION)

    @admin.display(description="entity")
    def entity_link(self, mention):
        return _entity_link(mention.entity)


class AmbiguousMentionInline(admin.TabularInline):
    """For ArticleAdmin.inlines: names several entities share, waiting for a choice."""

    model = AmbiguousMention
    fk_name = "article"
    fields = ["surface", "count", "state", "candidate_list", "choose"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "ambiguous names (choose who is meant)"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .prefetch_related("candidate_people", "candidate_places", "candidate_events")
        )

    def has_add_permission(self, request, obj=None):
        return False

    @admin.display(description="candidates")
    def candidate_list(self, ambiguous):
        return ", ".join(str(entity) for entity in ambiguous.candidates())

    @admin.display(description="")
    def choose(self, ambiguous):
        url = reverse("admin:mentions_ambiguousmention_change", args=[ambiguous.pk])
        return format_html('<a href="{}">Choose…</a>', url)


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin):
    list_display = ["article", "entity_link", "count", "first_position", "state", "updated_at"]
    list_filter = ["state"]
    list_select_related = ["article", "person", "place", "event"]
    search_fields = ["article__headline", "person__name", "place__name", "event__name"]
    raw_id_fields = ["article", "person", "place", "event"]
    actions = ["confirm_selected", "reject_selected"]

    @admin.display(description="entity")
    def entity_link(self, mention):
        return _entity_link(mention.entity)

    def has_review_permission(self, request):
        return request.user.has_perm(REVIEW_PERMISSION)

    def has_change_permission(self, request, obj=None):
        return False  # states change through the actions, which are logged

    def has_add_permission(self, request):
        return False

    @admin.action(description="Confirm selected mentions", permissions=["review"])
    def confirm_selected(self, request, queryset):
        for mention in queryset:
            mention_review(mention=mention, state=Mention.State.CONFIRMED, by=request.user)
        self.message_user(request, f"Confirmed {queryset.count()} mention(s).")

    @admin.action(description="Reject selected mentions", permissions=["review"])
    def reject_selected(self, request, queryset):
        for mention in queryset:
            mention_review(mention=mention, state=Mention.State.REJECTED, by=request.user)
        self.message_user(request, f"Rejected {queryset.count()} mention(s).")


class AmbiguousMentionForm(forms.ModelForm):
    """One choice: which candidate the name means, or none of them."""

    NONE = "none"

    choice = forms.ChoiceField(label="Who or what is meant?", widget=forms.RadioSelect)

    class Meta:
        model = AmbiguousMention
        fields = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        candidates = self.instance.candidates() if self.instance.pk else []
        self.fields["choice"].choices = [
            (f"{entity.kind}:{entity.pk}", f"{entity} ({entity.kind})") for entity in candidates
        ] + [(self.NONE, "None of them")]

    def chosen_entity(self) -> Entity | None:
        value = self.cleaned_data["choice"]
        if value == self.NONE:
            return None
        kind, pk = value.split(":")
        return MODEL_BY_KIND[kind].objects.get(pk=pk)


@admin.register(AmbiguousMention)
class AmbiguousMentionAdmin(admin.ModelAdmin):
    form = AmbiguousMentionForm
    list_display = ["surface", "article", "count", "state", "updated_at"]
    list_filter = ["state"]
    list_select_related = ["article"]
    search_fields = ["surface", "article__headline"]
    readonly_fields = ["article", "surface", "count", "first_position", "state"]
    fields = ["article", "surface", "count", "first_position", "state", "choice"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return request.user.has_perm(REVIEW_PERMISSION)

    def save_model(self, request, obj, form, change):
        entity = form.chosen_entity()
        if entity is None:
            ambiguous_mention_reject(ambiguous=obj, by=request.user)
        else:
            ambiguous_mention_resolve(ambiguous=obj, entity=entity, by=request.user)

    def save_related(self, request, form, formsets, change):
        """Candidates are set by the matcher, not by this form."""


@admin.register(EntityMerge)
class EntityMergeAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ["__str__", "kind", "merged_by", "merged_at", "undone_at"]
    list_filter = ["kind"]
    list_select_related = ["merged_by"]
    actions = ["undo_selected"]
    exclude = ["snapshot"]

    def has_undo_permission(self, request):
        return request.user.has_perm(UNDO_PERMISSION)

    @admin.action(description="Undo selected merges", permissions=["undo"])
    def undo_selected(self, request, queryset):
        # Newest first: a later merge may have kept the entity an earlier one kept.
        for merge in queryset.filter(undone_at__isnull=True).order_by("-merged_at", "-pk"):
            try:
                restored = entity_merge_undo(merge=merge, by=request.user)
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, f"{merge}: {error}", messages.ERROR)
            else:
                self.message_user(request, f"Restored {restored}.", messages.SUCCESS)


class MentionsArticleAdmin(ArticleAdmin):
    """The article admin with the entities it names, before its corrections.

    Saving re-runs suggestions on the saved text; editors' confirmations and
    rejections stay.
    """

    inlines = [
        *(i for i in ArticleAdmin.inlines if i is not CorrectionInline),
        MentionInline,
        AmbiguousMentionInline,
        CorrectionInline,
    ]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        mentions_suggest(article=form.instance)


admin.site.unregister(Article)
admin.site.register(Article, MentionsArticleAdmin)
