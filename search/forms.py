import datetime as dt

from django import forms


class IsoDateInput(forms.DateInput):
    """`<input type="date">` accepts only YYYY-MM-DD: an invalid entry is not echoed into
    `value` (that would be invalid HTML); the field's error says what was wrong."""

    input_type = "date"

    def format_value(self, value):
        if isinstance(value, str):
            try:
                dt.date.fromisoformat(value)
            except ValueError:
                return None
        return super().format_value(value)


class SearchForm(forms.Form):
    q = forms.CharField(label="Search articles", max_length=200, required=False)
    section = forms.SlugField(required=False, widget=forms.HiddenInput)
    outlet = forms.SlugField(required=False, widget=forms.HiddenInput)
    person = forms.SlugField(required=False, widget=forms.HiddenInput)
    place = forms.SlugField(required=False, widget=forms.HiddenInput)
    date_from = forms.DateField(label="From", required=False, widget=IsoDateInput())
    date_to = forms.DateField(label="To", required=False, widget=IsoDateInput())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned
