"""`{% site_url %}` gives what `{% url %}` gives, under any script prefix."""

import pytest
from django.template import engines
from django.urls import set_script_prefix

TEMPLATE = (
    "{% load site_urls %}{% site_url 'home' %} {% site_url 'articles:section' slug %} "
    "{% site_url 'account_login' %}|{% url 'home' %} {% url 'articles:section' slug %} "
    "{% url 'account_login' %}"
)


@pytest.mark.parametrize("prefix", ["/", "/news/", "/news/", "/"])
def test_site_url_matches_url_under_each_script_prefix(prefix):
    set_script_prefix(prefix)
    try:
        cached, reversed_now = (
            engines["django"].from_string(TEMPLATE).render({"slug": "world"}).split("|")
        )
    finally:
        set_script_prefix("/")
    assert cached == reversed_now
    assert cached.startswith(f"{prefix}")
