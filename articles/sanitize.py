"""The one HTML sanitiser for article bodies: editor output and imported HTML alike.

Runs when text is written (services), never when a page is served; templates then
print the stored result as it is. The allow-list is what a news body needs: paragraphs,
headings, lists, quotes, emphasis, links and figures. No scripts, styles, event
handlers or javascript: URLs survive.
"""

import html as html_lib
import re

import nh3
from django.utils.html import format_html_join

ALLOWED_TAGS = {
    "p", "br", "h2", "h3", "h4", "ul", "ol", "li", "blockquote", "strong", "em", "b", "i",
    "u", "s", "sub", "sup", "a", "figure", "figcaption", "hr", "code", "pre", "abbr", "cite",
    "q", "time", "table", "thead", "tbody", "tr", "th", "td", "caption",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "abbr": {"title"},
    "time": {"datetime"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "q": {"cite"},
    "blockquote": {"cite"},
}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def paragraphs_to_html(paragraphs: list[str]) -> str:
    """Plain-text paragraphs (imports) as escaped <p> elements."""
    return str(format_html_join("\n", "<p>{}</p>", ((p,) for p in paragraphs)))


def html_to_text(html: str) -> str:
    """Plain text with blank lines between blocks, for search, clustering and feeds."""
    blocks = re.split(r"</(?:p|h[2-4]|li|blockquote|figcaption|pre|tr)>|<br\s*/?>", html)
    texts = [html_lib.unescape(re.sub(r"<[^>]+>", "", block)).strip() for block in blocks]
    return "\n\n".join(" ".join(text.split()) for text in texts if text.strip())
