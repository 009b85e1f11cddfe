from django import forms


class SearchForm(forms.Form):
    q = forms.CharField(label="Search articles", max_length=200, required=False)
    section = forms.SlugField(required=False, widget=forms.HiddenInput)
    outlet = forms.SlugField(required=False, widget=forms.HiddenInput)
    person = forms.SlugField(required=False, widget=forms.HiddenInput)
    place = forms.SlugField(required=False, widget=forms.HiddenInput)
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned
