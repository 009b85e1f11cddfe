"""The article admin's forms: the change form with its edit-conflict check and workflow
buttons, the changelist's action bar, and the tag type-ahead field."""

import re

from django import forms
from django.contrib.postgres.forms import SimpleArrayField
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from taggit.utils import parse_tags

from .editing import comparable_values, conflict_comparison, correction_line, image_line
from .models import Article, Image, Section
from .workflow import can_publish


class LinesField(SimpleArrayField):
    """One item per line; blank lines (and Windows line ends) are ignored."""

    def to_python(self, value):
        if isinstance(value, str):
            value = "\n".join(line.strip() for line in value.splitlines() if line.strip())
        return super().to_python(value)


# The change form's buttons, by POST name → workflow action.
TRANSITIONS = {
    "_submit_for_review": "submit",
    "_publish": "publish",
    "_schedule": "schedule",
    "_unpublish": "unpublish",
    "_return_to_draft": "return_to_draft",
}


def requested_transition(data) -> str | None:
    """Which workflow button was pressed, if any."""
    return next((action for name, action in TRANSITIONS.items() if name in data), None)


class ArticleAdminForm(forms.ModelForm):
    """Carries the version the editor opened, so a save can detect newer work."""

    version_opened = forms.IntegerField(widget=forms.HiddenInput, required=False)
    key_points = LinesField(
        forms.CharField(max_length=500),
        delimiter="\n",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="One point per line, in the order readers should see them.",
    )

    class Meta:
        model = Article
        fields = [
            "headline", "slug", "dek", "body", "key_points", "tags", "section", "outlet",
            "canonical_url", "attribution", "publish_at", "published_at",
            "is_headline_provisional", "needs_review", "review_notes",
        ]  # fmt: skip

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request
        self.conflict = None  # an editing.ConflictComparison once a stale save is refused
        if "tags" in self.fields:
            self.fields["tags"] = TagNamesField(
                required=False,
                widget=TagAutocompleteWidget(url=reverse("admin:articles_article_tags")),
                help_text="Type to find existing tags; a new name creates a tag.",
            )
            if self.instance.pk:
                self.initial["tags"] = list(self.instance.tags.names())
        if self.instance.pk:
            # The database's version, not the instance's: a revision being restored
            # carries its old number, but it replaces what is saved now.
            current = Article.objects.filter(pk=self.instance.pk).values_list("version")
            self.fields["version_opened"].initial = current.first()[0]

    def requested_transition(self) -> str | None:
        return requested_transition(self.data)

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            self._check_for_conflict(cleaned.get("version_opened"))
        action = self.requested_transition()
        user = getattr(self.request, "user", None)
        if action in {"publish", "schedule", "unpublish", "return_to_draft"} and not (
            user and can_publish(user)
        ):
            raise ValidationError("Only editors can publish, schedule or unpublish.")
        if action == "schedule":
            publish_at = cleaned.get("publish_at")
            if not publish_at or publish_at <= timezone.now():
                self.add_error("publish_at", "Set a publication time in the future to schedule.")
        return cleaned

    def _check_for_conflict(self, version_opened):
        """Refuse a save based on an older version, and lay out what differs.

        The editor's input stays in the form, and the hidden version moves to the one
        saved now: having seen the comparison, their next save is a deliberate merge.
        """
        locked = Article.objects.select_for_update(of=("self",))
        current = locked.select_related("section", "outlet").get(pk=self.instance.pk)
        if version_opened is None or current.version == version_opened:
            return
        get = self.cleaned_data.get
        mine = comparable_values(
            headline=get("headline", current.headline),
            dek=get("dek", current.dek),
            body=get("body", current.body),
            key_points=get("key_points", current.key_points),
            section=get("section", current.section),
            outlet=get("outlet", current.outlet),
            bylines=self._posted_byline_names(),
            images=[image_line(**row) for row in self._posted_images()],
            corrections=[correction_line(**row) for row in self._posted_new_corrections()],
        )
        self.conflict = conflict_comparison(
            article=current, opened_version=version_opened, mine=mine
        )
        self.data = self.data.copy()
        self.data[self.add_prefix("version_opened")] = current.version
        raise ValidationError(
            "Someone else saved this article after you opened it (version %(opened)s → "
            "%(current)s). Nothing was overwritten and your changes are still in the form. "
            "Compare them below, merge by hand, then save again: your next save replaces "
            "version %(current)s.",
            code="edit_conflict",
            params={"opened": version_opened, "current": current.version},
        )

    def _posted_byline_names(self) -> list[str]:
        """The bylines as this editor submitted them (the inline rows, in position order)."""
        rows = []
        for key, name in self.data.items():
            match = re.fullmatch(r"bylines-(\d+)-name", key)
            if not match or not name.strip() or self.data.get(f"bylines-{match[1]}-DELETE"):
                continue
            position = self.data.get(f"bylines-{match[1]}-position", "")
            rows.append((int(position) if position.isdigit() else 1_000_000, name.strip()))
        return [name for _, name in sorted(rows)]

    def _posted_images(self) -> list[dict]:
        """The image rows as this editor submitted them, in position order."""
        rows = []
        for key in self.data:
            match = re.fullmatch(r"images-(\d+)-position", key)
            if not match or self.data.get(f"images-{match[1]}-DELETE"):
                continue
            image_id = self.data.get(f"images-{match[1]}-image", "")
            caption = self.data.get(f"images-{match[1]}-caption", "").strip()
            if not image_id and not caption:
                continue
            position = self.data.get(key, "")
            rows.append((int(position) if position.isdigit() else 1_000_000, image_id, caption))
        pictures = Image.objects.in_bulk([int(i) for _, i, _ in rows if i.isdigit()])
        return [
            {
                "position": position,
                "image": pictures.get(int(i)) if i.isdigit() else None,
                "caption": caption,
            }
            for position, i, caption in sorted(rows)
        ]

    def _posted_new_corrections(self) -> list[dict]:
        """The corrections this editor added (existing ones are read-only in the form)."""
        initial = self.data.get("corrections-INITIAL_FORMS", "0")
        first_new = int(initial) if initial.isdigit() else 0
        rows = []
        for key, text in self.data.items():
            match = re.fullmatch(r"corrections-(\d+)-text", key)
            if not match or int(match[1]) < first_new or not text.strip():
                continue
            if self.data.get(f"corrections-{match[1]}-DELETE"):
                continue
            kind = self.data.get(f"corrections-{match[1]}-kind", "correction")
            rows.append((int(match[1]), {"kind": kind, "text": text.strip()}))
        return [row for _, row in sorted(rows, key=lambda r: r[0])]


class ArticleActionForm(forms.Form):
    """The changelist's action bar, with the section chosen for "Set section"."""

    action = forms.ChoiceField(label="Action")
    select_across = forms.BooleanField(
        label="", required=False, initial=0, widget=forms.HiddenInput({"class": "select-across"})
    )
    section = forms.ModelChoiceField(
        queryset=Section.objects.all(), required=False, label="Section (for “Set section”)"
    )


class TagAutocompleteWidget(forms.SelectMultiple):
    """A multiple select that select2 turns into type-ahead with free entry."""

    def __init__(self, *, url: str, attrs=None):
        super().__init__(
            attrs={"data-tag-autocomplete-url": url, "style": "width: 30em", **(attrs or {})}
        )

    @property
    def media(self):
        return forms.Media(
            js=[
                "admin/js/vendor/jquery/jquery.js",
                "admin/js/vendor/select2/select2.full.js",
                "admin/js/jquery.init.js",
                "admin_extra/tag_autocomplete.js",
            ],
            css={"screen": ["admin/css/vendor/select2/select2.css", "admin/css/autocomplete.css"]},
        )

    def optgroups(self, name, value, attrs=None):
        # Offer exactly the chosen names; suggestions come from the autocomplete URL.
        self.choices = [(v, v) for v in value if v]
        return super().optgroups(name, value, attrs)

    def format_value(self, value):
        if value is None:
            return []
        if isinstance(value, str):
            return parse_tags(value)
        return [getattr(v, "name", v) for v in value]


class TagNamesField(forms.Field):
    """Tag names from the widget; taggit creates the new ones when the form is saved."""

    def to_python(self, value):
        names = value if isinstance(value, list | tuple) else [value] if value else []
        return sorted({" ".join(str(n).split())[:100] for n in names if str(n).strip()})
