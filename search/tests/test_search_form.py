"""The search form's inputs, written in Python (search/forms.py), are what Django's own
widget templates write for the same fields: values, errors and odd input alike."""

import pytest
from django import forms
from django.http import QueryDict

from search.forms import SearchForm


def django_rendering(bound_field) -> str:
    """The same bound field through Django's widget templates."""
    widget = bound_field.field.widget
    templated = type("Templated", (type(widget),), {"_render": forms.Widget._render})
    bound_field.field.widget = templated.__new__(templated)
    bound_field.field.widget.__dict__.update(widget.__dict__)
    try:
        return str(bound_field)
    finally:
        bound_field.field.widget = widget


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=ferry",
        "q=ferry&date_from=2025-05-01&date_to=2025-05-03",
        "q=ferry&date_from=20250501&date_to=bad",
        "q=ferry&date_from=2025-05-03&date_to=2025-05-01",
        "q=ferry&section=sport&outlet=the-times&person=zo%C3%AB-%C3%BCnal&place=",
        "q=ferry&section=%22%3E%3Cscript%3E&outlet=a%26b",
    ],
)
def test_each_input_is_what_djangos_template_writes(query):
    form = SearchForm(QueryDict(query) or None)
    form.is_valid()
    for name in ("section", "outlet", "person", "place", "date_from", "date_to"):
        ours = str(form[name])
        assert ours == django_rendering(form[name]), name
