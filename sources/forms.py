"""Forms for the sources admin: uploading files to import."""

from django import forms

from .models import Outlet
from .services.imports import FORMATS


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files at once and cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class ImportUploadForm(forms.Form):
    files = MultipleFileField(
        help_text="Seed text (.txt), saved pages (.html), RSS/Atom (.xml) or JSON Lines "
        "(.jsonl). Choose several at once if you like."
    )
    format = forms.ChoiceField(
        choices=[("auto", "Detect from each file")] + [(f, f) for f in FORMATS],
        initial="auto",
    )
    outlet = forms.ModelChoiceField(
        queryset=Outlet.objects.all(),
        required=False,
        help_text="Leave empty to take the outlet from each article.",
    )
