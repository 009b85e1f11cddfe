"""`{% page_meta title=… description=… %}`: what search engines and sharing cards read.

Every public page gets a canonical URL, a description, OpenGraph and Twitter card tags
from this one tag (base.html calls it with the site's defaults; a page type overrides the
`share` block to say what it is). Loaded as a builtin, like `|isodatetime`.
"""

from urllib.parse import urlencode

from django import template
from django.templatetags.static import static
from django.utils.text import Truncator

register = template.Library()

SITE_NAME = "Newsroom"
SITE_DESCRIPTION = "How every outlet covers a story: news grouped into stories, side by side."
# Query parameters that make a different page of content; the rest (filters, tracking) do not.
CANONICAL_PARAMETERS = ("page", "q")


def canonical_url(request) -> str:
    url = request.build_absolute_uri(request.path)
    kept = [
        (name, request.GET[name])
        for name in CANONICAL_PARAMETERS
        if request.GET.get(name) and not (name == "page" and request.GET[name] == "1")
    ]
    if kept:
        url += "?" + urlencode(kept)
    return url


@register.inclusion_tag("_page_meta.html", takes_context=True)
def page_meta(context, title="", description="", kind="website", image="", canonical=""):
    request = context["request"]
    return {
        "title": title or SITE_NAME,
        "site_name": SITE_NAME,
        "description": Truncator(description or SITE_DESCRIPTION).chars(200),
        "kind": kind,
        "image": request.build_absolute_uri(image or static("img/share.png")),
        "canonical": canonical or canonical_url(request),
    }
