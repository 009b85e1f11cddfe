import datetime as dt
import uuid

from django import forms
from django.utils import timezone

from .models import Comment, CommentFlag


class CommentForm(forms.Form):
    body = forms.CharField(
        label="Your comment",
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 5000}),
        max_length=5000,
    )
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    idempotency_key = forms.UUIDField(widget=forms.HiddenInput, initial=uuid.uuid4)

    def __init__(self, *args, article=None, **kwargs):
        self.article = article
        super().__init__(*args, **kwargs)

    def clean_parent(self):
        pk = self.cleaned_data.get("parent")
        if pk is None:
            return None
        parent = Comment.objects.filter(pk=pk, article=self.article).first()
        if parent is None:
            raise forms.ValidationError("That comment is no longer here.")
        return parent


class CommentEditForm(forms.Form):
    body = forms.CharField(
        label="Your comment", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000
    )


class FlagForm(forms.Form):
    reason = forms.ChoiceField(choices=CommentFlag.Reason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label="Anything moderators should know (optional)", required=False, max_length=500
    )


class QueueFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("pending", "Pending"),
        ("flagged", "Flagged"),
        ("approved", "Approved"),
        ("rejected", "Rejected"),
        ("all", "All"),
    ]
    status = forms.ChoiceField(choices=STATUS_CHOICES, required=False)
    q = forms.CharField(required=False, max_length=200, label="Words in the comment")
    author = forms.CharField(required=False, max_length=150, label="Username or display name")
    user = forms.IntegerField(required=False, label="User id")
    article = forms.IntegerField(required=False, label="Article id")


class BulkActionForm(forms.Form):
    ACTIONS = [
        ("approve", "Approve"),
        ("reject", "Reject"),
        ("feature", "Feature"),
        ("unfeature", "Unfeature"),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    comments = forms.ModelMultipleChoiceField(queryset=Comment.objects.all())
    reason = forms.CharField(required=False, max_length=300, label="Reason (for rejections)")


class NoteForm(forms.Form):
    text = forms.CharField(label="Moderator note", widget=forms.Textarea(attrs={"rows": 3}))


class SuspendForm(forms.Form):
    DURATIONS = [("1", "1 hour"), ("24", "1 day"), ("168", "7 days"), ("720", "30 days")]
    hours = forms.TypedChoiceField(choices=DURATIONS, coerce=int, label="Suspend for")
    reason = forms.CharField(required=False, max_length=500)

    def until(self) -> dt.datetime:
        return timezone.now() + dt.timedelta(hours=self.cleaned_data["hours"])


class BanForm(forms.Form):
    reason = forms.CharField(required=False, max_length=500)
