"""Editors correct the grouping here; every action goes through a coverage service,
which checks the permission and writes the audit record."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ActionForm
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.html import format_html, format_html_join
from django.utils.translation import ngettext

from audit.models import EditorialLogEntry

from .models import Story, StoryArticle
from .services import editing


class MembershipActionForm(ActionForm):
    story_id = forms.IntegerField(
        required=False, help_text="Target story id for “Pin to story…”", label="Story id"
    )
    title = forms.CharField(required=False, label="New story title (split)")


class StoryArticleInline(admin.TabularInline):
    model = StoryArticle
    extra = 0
    fields = ["article", "joined_by", "score", "explanation", "joined_at"]
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False  # pin from the memberships list, so the change is audited


HISTORY_ENTRIES = 50
# The evidence a re-clustering pass records for each move (the window pass: similarity
# and corrected similarity; the full pass: the placement's similarity and score).
EVIDENCE_LABELS = [
    ("similarity", "similarity"),
    ("corrected_similarity", "corrected"),
    ("score", "score"),
]


def _history_summary(payload: dict) -> str:
    """One line per audit entry: which articles came and went, and the evidence."""
    parts = []
    for move in payload.get("gained", []):
        evidence = ", ".join(
            f"{label} {move[key]}" for key, label in EVIDENCE_LABELS if move.get(key) is not None
        )
        parts.append(
            f"+article {move['article_id']} from story {move.get('from_story')}"
            + (f" ({evidence})" if evidence else "")
        )
    for move in payload.get("lost", []):
        parts.append(f"−article {move['article_id']} to story {move.get('to_story')}")
    if "absorbed_into" in payload:
        parts.append(f"absorbed into story {payload['absorbed_into']}")
    if not parts:
        parts = [f"{key}: {value}" for key, value in sorted(payload.items())]
    return "; ".join(parts)


def _report(modeladmin, request, function):
    try:
        result = function()
    except (ValidationError, PermissionDenied) as error:
        modeladmin.message_user(
            request, "; ".join(getattr(error, "messages", [str(error)])), messages.ERROR
        )
        return None
    return result


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "member_count",
        "first_reported_at",
        "last_updated_at",
        "is_locked",
    ]
    list_filter = ["is_locked"]
    search_fields = ["title"]
    # Editors write the title and summary; the rest is shown, kept by the system.
    readonly_fields = [
        "is_title_edited",
        "is_locked",
        "first_reported_at",
        "last_updated_at",
        "member_count",
        "history",
    ]
    fields = ["title", "summary", *readonly_fields]
    inlines = [StoryArticleInline]
    actions = ["merge_selected", "lock_selected", "unlock_selected"]

    def has_edit_membership_permission(self, request):
        return request.user.has_perm(editing.EDIT_PERMISSION)

    @admin.display(description="History")
    def history(self, obj):
        """Every audited change to the story, newest first: editors' corrections and the
        system's merges and re-clustering moves (with what moved and why)."""
        if obj is None or obj.pk is None:
            return "—"
        entries = EditorialLogEntry.objects.filter(
            target_type=ContentType.objects.get_for_model(Story), target_id=str(obj.pk)
        ).select_related("actor")[:HISTORY_ENTRIES]
        rows = format_html_join(
            "",
            "<li>{} · {} · <code>{}</code> {}</li>",
            (
                (
                    f"{entry.created_at:%Y-%m-%d %H:%M}",
                    entry.actor.get_username(),
                    entry.action,
                    _history_summary(entry.payload),
                )
                for entry in entries
            ),
        )
        return format_html("<ul>{}</ul>", rows) if entries else "No changes recorded."

    def save_model(self, request, obj, form, change):
        if not change:
            super().save_model(request, obj, form, change)
            return
        story = Story.objects.get(pk=obj.pk)
        editing.story_update(story=story, title=obj.title, summary=obj.summary, by=request.user)

    @admin.action(
        description="Merge selected stories into the oldest", permissions=["edit_membership"]
    )
    def merge_selected(self, request, queryset):
        stories = list(queryset.order_by("pk"))
        if len(stories) < 2:
            self.message_user(request, "Select at least two stories.", messages.WARNING)
            return
        keep = _report(
            self,
            request,
            lambda: editing.story_merge(keep=stories[0], others=stories[1:], by=request.user),
        )
        if keep:
            merged = len(stories) - 1
            self.message_user(
                request,
                ngettext(
                    "Merged %(n)d story into “%(keep)s”.",
                    "Merged %(n)d stories into “%(keep)s”.",
                    merged,
                )
                % {"n": merged, "keep": keep},
            )

    @admin.action(description="Lock selected stories", permissions=["edit_membership"])
    def lock_selected(self, request, queryset):
        self._lock(request, queryset, is_locked=True)

    @admin.action(description="Unlock selected stories", permissions=["edit_membership"])
    def unlock_selected(self, request, queryset):
        self._lock(request, queryset, is_locked=False)

    def _lock(self, request, queryset, *, is_locked: bool) -> None:
        """Lock or unlock each story, and say which ones changed (a silent action left
        editors guessing whether the click took)."""
        done = []
        for story in queryset.order_by("pk"):
            changed = _report(
                self,
                request,
                lambda s=story: editing.story_lock(story=s, is_locked=is_locked, by=request.user),
            )
            if changed:
                done.append(f"“{changed}”")
        if done:
            verb = "Locked" if is_locked else "Unlocked"
            self.message_user(request, f"{verb} {', '.join(done)}.")


@admin.register(StoryArticle)
class StoryArticleAdmin(admin.ModelAdmin):
    """Memberships: where editors pin, exclude and split off articles."""

    list_display = ["article", "story", "joined_by", "score", "joined_at"]
    list_filter = ["joined_by"]
    list_select_related = ["article", "story"]
    search_fields = ["article__headline", "story__title"]
    readonly_fields = ["story", "article", "joined_by", "score", "explanation", "joined_at"]
    action_form = MembershipActionForm
    actions = ["pin_here", "pin_to_story", "exclude_selected", "split_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # exclude instead: the decision is remembered and audited

    def has_edit_membership_permission(self, request):
        return request.user.has_perm(editing.EDIT_PERMISSION)

    def _pin_each(self, request, memberships, story_for) -> None:
        """Pin each membership's article to ``story_for(membership)``, reporting each."""
        for membership in memberships:
            pinned = _report(
                self,
                request,
                lambda m=membership: editing.article_pin(
                    article=m.article, story=story_for(m), by=request.user
                ),
            )
            if pinned:
                self.message_user(request, f"Pinned “{membership.article}” to “{pinned.story}”.")

    @admin.action(
        description="Pin selected articles to their current story", permissions=["edit_membership"]
    )
    def pin_here(self, request, queryset):
        self._pin_each(
            request,
            queryset.current().select_related("story", "article"),
            lambda membership: membership.story,
        )

    @admin.action(
        description="Pin selected articles to the story id given above",
        permissions=["edit_membership"],
    )
    def pin_to_story(self, request, queryset):
        story = Story.objects.filter(pk=request.POST.get("story_id") or 0).first()
        if story is None:
            self.message_user(request, "Give the id of an existing story.", messages.ERROR)
            return
        self._pin_each(request, queryset.select_related("article"), lambda membership: story)

    @admin.action(
        description="Exclude selected articles from their story", permissions=["edit_membership"]
    )
    def exclude_selected(self, request, queryset):
        for membership in queryset.current().select_related("story", "article"):
            landed = _report(
                self,
                request,
                lambda m=membership: editing.article_exclude(
                    article=m.article, story=m.story, by=request.user
                ),
            )
            if landed:
                self.message_user(
                    request,
                    f"Excluded “{membership.article}” from “{membership.story}”; "
                    f"it is now in “{landed}”.",
                )

    @admin.action(
        description="Split selected articles off into a new story", permissions=["edit_membership"]
    )
    def split_selected(self, request, queryset):
        memberships = list(queryset.current().select_related("story", "article"))
        stories = {m.story_id for m in memberships}
        if len(stories) != 1:
            self.message_user(request, "Select articles of one story.", messages.ERROR)
            return
        title = request.POST.get("title") or memberships[0].article.headline
        new = _report(
            self,
            request,
            lambda: editing.story_split(
                story=memberships[0].story,
                articles=[m.article for m in memberships],
                title=title,
                by=request.user,
            ),
        )
        if new:
            split = len(memberships)
            self.message_user(
                request,
                ngettext(
                    "Split %(n)d article into “%(new)s”.",
                    "Split %(n)d articles into “%(new)s”.",
                    split,
                )
                % {"n": split, "new": new},
            )
