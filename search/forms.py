import datetime as dt

from django import forms
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe


class PlainInput(forms.widgets.Input):
    """``<input>`` as Django's ``django/forms/widgets/input.html`` writes it (the type, the
    name, the value unless None, then the attributes: ``True`` as a bare name, ``False``
    left out), written in Python.

    Why: the search page is rendered for every new query (the page cache cannot hold
    them all), and the template renderer took about 0.1 ms a widget, a quarter of the
    page once its results come from a part. ``test_search_form.py`` holds the output to
    Django's own rendering.
    """

    def _render(self, template_name, context, renderer=None):
        widget = context["widget"]
        # Values through escape(), as the template's ``|stringformat:'s'`` (a string
        # that is no longer safe), names through format_html's conditional escape.
        value = widget["value"]
        attributes = "".join(
            format_html(" {}", name) if v is True else format_html(' {}="{}"', name, escape(v))
            for name, v in widget["attrs"].items()
            if v is not False
        )
        return format_html(
            '<input type="{}" name="{}"{}{}>',
            widget["type"],
            widget["name"],
            format_html(' value="{}"', escape(value)) if value is not None else "",
            mark_safe(attributes),  # noqa: S308 (each piece escaped by format_html)
        )


class IsoDateInput(PlainInput, forms.DateInput):
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


class PlainHiddenInput(PlainInput, forms.HiddenInput):
    pass


class SearchForm(forms.Form):
    q = forms.CharField(label="Search articles", max_length=200, required=False)
    section = forms.SlugField(required=False, widget=PlainHiddenInput)
    outlet = forms.SlugField(required=False, widget=PlainHiddenInput)
    person = forms.SlugField(required=False, widget=PlainHiddenInput)
    place = forms.SlugField(required=False, widget=PlainHiddenInput)
    date_from = forms.DateField(label="From", required=False, widget=IsoDateInput())
    date_to = forms.DateField(label="To", required=False, widget=IsoDateInput())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date is before the start date.")
        return cleaned
