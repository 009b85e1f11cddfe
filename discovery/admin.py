"""The review queue of new names, and suggestions while an article is written.

- "New names to review" (``EntityCandidate``): open names, the most widely named first
  (outlets, then articles), with example sentences and any variant suggestion
  ("Sergej Lawrow → Sergey Lavrov? 90"). Accept, merge or reject through
  ``discovery.services``: permission-checked, audited, and the articles are linked.
- The article admin (``MentionsArticleAdmin``, mentions') is extended once more: its
  form shows suggested people, places and events as the editor types (a static script
  posting the text to ``entity-suggestions/``), and "Add" puts one in the form's
  ``entity_links``, applied when the article is saved.
"""

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Prefetch
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils.html import format_html_join

from articles.forms import ArticleAdminForm
from articles.models import Article
from articles.sanitize import html_to_text
from mentions.admin import MentionsArticleAdmin

from .models import CandidateOccurrence, EntityCandidate
from .services import (
    REVIEW_PERMISSION,
    EntityLink,
    article_entities_link,
    candidate_accept,
    candidate_merge,
    candidate_reject,
    candidates_collect,
    entity_links_check,
    suggestions_for_text,
)

EXAMPLES_SHOWN = 2
# Linking runs in a task after the decision (discovery.tasks.link_candidate_articles).
LINKING = "Its {n} article(s) are being linked; they show it within a minute or so."


class StatusFilter(admin.SimpleListFilter):
    """Open names by default: the queue is what is waiting."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*EntityCandidate.Status.choices, ("all", "All")]

    def choices(self, changelist):
        value = self.value() or EntityCandidate.Status.OPEN
        for lookup, title in self.lookup_choices:
            yield {
                "selected": value == lookup,
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }

    def queryset(self, request, queryset):
        value = self.value() or EntityCandidate.Status.OPEN
        if value == "all":
            return queryset
        if value == EntityCandidate.Status.OPEN:
            return queryset.filter(status=value, article_count__gt=0)
        return queryset.filter(status=value)


class CandidateDecisionForm(forms.ModelForm):
    """One decision: a new entity (named as typed), another spelling of one, or no."""

    ACCEPT, MERGE, REJECT = "accept", "merge", "reject"

    decision = forms.ChoiceField(
        label="Decision",
        widget=forms.RadioSelect,
        choices=[
            (ACCEPT, "Accept as a new entity (its spellings become its names)"),
            (MERGE, "Merge into the existing entity chosen below (adds the spellings)"),
            (REJECT, "Reject (never proposed again)"),
        ],
    )
    new_name = forms.CharField(
        label="Name for the new entity",
        max_length=200,
        required=False,
        help_text="Leave as it is to use the name as the articles give it.",
    )

    class Meta:
        model = EntityCandidate
        fields = ["person", "place", "event"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["new_name"] = self.instance.name
            self.initial["decision"] = self.MERGE if self.instance.entity else self.ACCEPT
        for kind in ("person", "place", "event"):
            if kind in self.fields:
                self.fields[kind].label = f"Existing {kind} (for a merge)"

    def clean(self):
        cleaned = super().clean()
        kind = self.instance.kind
        if cleaned.get("decision") == self.MERGE and not cleaned.get(kind):
            self.add_error(kind, f"Choose the {kind} that “{self.instance.name}” is.")
        return cleaned


@admin.register(EntityCandidate)
class EntityCandidateAdmin(admin.ModelAdmin):
    form = CandidateDecisionForm
    list_display = [
        "name",
        "kind",
        "outlets",
        "articles",
        "examples",
        "variant",
        "status",
    ]
    list_display_links = ["name"]
    list_filter = [StatusFilter, "kind"]
    search_fields = ["name", "key"]
    actions = ["accept_selected", "merge_into_suggested", "reject_selected"]
    autocomplete_fields = ["person", "place", "event"]
    readonly_fields = [
        "kind",
        "name",
        "key",
        "country",
        "status",
        "variant",
        "spellings",
        "all_examples",
        "decided_by",
        "decided_at",
    ]

    def get_queryset(self, request):
        examples = CandidateOccurrence.objects.select_related("article__outlet").order_by(
            "-count", "article_id"
        )
        # Not super(): it orders by get_ordering() before the counts are annotated.
        return (
            self.model._default_manager.annotate(
                article_count=Count("occurrences__article", distinct=True),
                outlet_count=Count("occurrences__article__outlet", distinct=True),
            )
            .select_related("person", "place", "event", "decided_by")
            .prefetch_related(Prefetch("occurrences", queryset=examples))
            .order_by(*self.get_ordering(request))
        )

    def get_ordering(self, request):
        return ["-outlet_count", "-article_count", "name", "pk"]

    def get_fields(self, request, obj=None):
        decided = obj is not None and obj.status != EntityCandidate.Status.OPEN
        entity = [obj.kind] if obj is not None else []
        if decided:
            return [*self.readonly_fields, *entity]
        return [
            "name",
            "kind",
            "country",
            "variant",
            "spellings",
            "all_examples",
            "decision",
            "new_name",
            *entity,
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != EntityCandidate.Status.OPEN:
            return [*self.readonly_fields, obj.kind]
        return self.readonly_fields

    # --- permissions: review is one permission; nothing is added or deleted by hand

    def has_review_permission(self, request):
        return request.user.has_perm(REVIEW_PERMISSION)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        """A decided name is read-only: a decision is changed by a new one, not an edit."""
        if obj is not None and obj.status != EntityCandidate.Status.OPEN:
            return False
        return request.user.has_perm(REVIEW_PERMISSION)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("discovery.view_entitycandidate")

    # --- columns

    @admin.display(description="outlets", ordering="outlet_count")
    def outlets(self, candidate):
        return candidate.outlet_count

    @admin.display(description="articles", ordering="article_count")
    def articles(self, candidate):
        return candidate.article_count

    def _examples(self, candidate, limit=None):
        occurrences = list(candidate.occurrences.all())[:limit]
        return format_html_join(
            "",
            '<p class="candidate-example">“{}” <a href="{}">{}</a></p>',
            (
                (
                    o.sentence,
                    reverse("admin:articles_article_change", args=[o.article_id]),
                    o.article.outlet.name if o.article.outlet else f"article {o.article_id}",
                )
                for o in occurrences
            ),
        )

    @admin.display(description="example sentences")
    def examples(self, candidate):
        return self._examples(candidate, EXAMPLES_SHOWN)

    @admin.display(description="example sentences")
    def all_examples(self, candidate):
        return self._examples(candidate, 20)

    @admin.display(description="variant of")
    def variant(self, candidate):
        if not candidate.variant_of:
            return "—"
        return f"{candidate.name} → {candidate.variant_of}? {candidate.variant_score:.0f}"

    @admin.display(description="spellings")
    def spellings(self, candidate):
        names = dict.fromkeys(n for o in candidate.occurrences.all() for n in o.names)
        return ", ".join(names) or candidate.name

    # --- decisions

    def save_model(self, request, obj, form, change):
        decision = form.cleaned_data["decision"]
        original = EntityCandidate.objects.get(pk=obj.pk)
        try:
            if decision == CandidateDecisionForm.ACCEPT:
                entity = candidate_accept(
                    candidate=original, by=request.user, name=form.cleaned_data["new_name"]
                )
                linking = LINKING.format(n=original.occurrences.count())
                messages.success(request, f"Added {entity.kind} “{entity}”. {linking}")
            elif decision == CandidateDecisionForm.MERGE:
                entity = candidate_merge(
                    candidate=original, into=form.cleaned_data[obj.kind], by=request.user
                )
                messages.success(
                    request,
                    f"“{obj.name}” is now a name of “{entity}”. "
                    + LINKING.format(n=original.occurrences.count()),
                )
            else:
                candidate_reject(candidate=original, by=request.user)
                messages.success(request, f"Rejected “{obj.name}”; it will not be proposed again.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))

    def save_related(self, request, form, formsets, change):
        """Nothing else to save: the services wrote what the decision changes."""

    def response_change(self, request, obj):
        return redirect("admin:discovery_entitycandidate_changelist")

    def _each(self, request, queryset, service, done):
        """Call ``service(candidate=..., by=request.user)`` on each open candidate."""
        succeeded = 0
        for candidate in queryset.filter(status=EntityCandidate.Status.OPEN):
            try:
                service(candidate=candidate, by=request.user)
            except ValidationError as error:
                messages.error(request, f"{candidate}: {' '.join(error.messages)}")
            else:
                succeeded += 1
        if succeeded:
            linking = "" if service is candidate_reject else " Their articles are being linked."
            messages.success(request, f"{done} {succeeded} name(s).{linking}")

    @admin.action(description="Accept selected as new entities", permissions=["review"])
    def accept_selected(self, request, queryset):
        self._each(request, queryset, candidate_accept, "Accepted")

    @admin.action(description="Merge selected into their suggested entity", permissions=["review"])
    def merge_into_suggested(self, request, queryset):
        def merge(*, candidate, by):
            if candidate.entity is None:
                raise ValidationError("No known entity is suggested; open it to choose one.")
            candidate_merge(candidate=candidate, into=candidate.entity, by=by)

        self._each(request, queryset, merge, "Merged")

    @admin.action(description="Reject selected", permissions=["review"])
    def reject_selected(self, request, queryset):
        self._each(request, queryset, candidate_reject, "Rejected")


# The article form: suggestions while typing --------------------------------------


class DiscoveryArticleForm(ArticleAdminForm):
    """The article form with the people, places and events "Add" put in it."""

    entity_links = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean_entity_links(self):
        value = self.cleaned_data.get("entity_links") or ""
        links = []
        for token in value.splitlines():
            if token.strip():
                links.append(EntityLink.parse(token))
        links = list(dict.fromkeys(links))
        user = getattr(self.request, "user", None)
        entity_links_check(links=links, by=user)
        return links


class DiscoveryArticleAdmin(MentionsArticleAdmin):
    """Mentions' article admin, with suggestions while typing and new names collected
    on every save (as on publication)."""

    form = DiscoveryArticleForm
    change_form_template = "admin/discovery/article/change_form.html"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)  # suggests mentions
        article = form.instance
        candidates_collect(article=article)
        links = form.cleaned_data.get("entity_links") or []
        if not links:
            return
        try:
            linked = article_entities_link(article=article, links=links, by=request.user)
        except (ValidationError, PermissionDenied) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        else:
            names = ", ".join(str(entity) for entity in linked)
            messages.success(request, f"Linked {names}.")

    def get_urls(self):
        return [
            path(
                "entity-suggestions/",
                self.admin_site.admin_view(self.entity_suggestions_view),
                name="articles_article_entity_suggestions",
            ),
            *super().get_urls(),
        ]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["entity_suggestions"] = {
            "url": reverse("admin:articles_article_entity_suggestions"),
            "delay_ms": getattr(settings, "ENTITY_SUGGESTIONS_DELAY_MS", 600),
        }
        return super().render_change_form(request, context, add, change, form_url, obj)

    def entity_suggestions_view(self, request):
        """JSON: what the posted text names. Staff who write articles; POST with CSRF."""
        if request.method != "POST":
            return JsonResponse({"error": "POST the text."}, status=405)
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied("You may not write articles.")
        if _rate_limited(request.user.pk):
            return JsonResponse(
                {"error": "Too many suggestions asked for; wait a moment."}, status=429
            )
        post = request.POST
        parts = [post.get("headline", ""), post.get("dek", ""), post.get("key_points", "")]
        parts.append(html_to_text(post.get("body", "")))
        text = "\n\n".join(p.strip() for p in parts if p and p.strip())
        try:
            answer = suggestions_for_text(text=text, user=request.user)
        except ValidationError as error:
            return JsonResponse({"error": " ".join(error.messages)}, status=400)
        return JsonResponse(answer, json_dumps_params={"ensure_ascii": False})


def _rate_limited(user_id: int) -> bool:
    """At most ENTITY_SUGGESTIONS_PER_MINUTE look-ups a minute per user (debounced typing
    asks about one a second at most)."""
    limit = getattr(settings, "ENTITY_SUGGESTIONS_PER_MINUTE", 60)
    key = f"discovery:suggest:{user_id}"
    cache.add(key, 0, timeout=60)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=60)
        count = 1
    return count > limit


admin.site.unregister(Article)
admin.site.register(Article, DiscoveryArticleAdmin)
