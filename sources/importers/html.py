"""Saved HTML pages: trafilatura finds the article, lxml reads what it leaves out.

trafilatura separates the article from navigation, ads, share rails, comment prompts
and "Related News" lists, and reads the page's metadata (headline, author, date,
site name, canonical URL, lead image). It drops figure captions, so the lead image's
caption and credit are read from the page's ``<figure>`` with lxml.

A page in which trafilatura finds too little prose is "no article" and is refused,
so a login wall or an index page is reported instead of imported as an empty story.
"""

from __future__ import annotations

import datetime as dt
import re

import trafilatura
from lxml import html as lxml_html

from .records import ArticleRecord, BylineRecord, ImageRecord
from .seed import (
    NOTE_TIME_ZONE_ASSUMED,
    note_missing_facts,
)

__all__ = ["MIN_ARTICLE_WORDS", "NoArticleError", "parse_html"]

# Fewer words of body prose than this is a page without an article (an index, a wall).
MIN_ARTICLE_WORDS = 25

NOTE_DATE_ONLY = "only a date was given; shown without a time of day"

# "Photo: Reuters", "Credit: AP", "(AFP)" at the end of a caption.
_TRAILING_CREDIT = re.compile(
    r"\s*(?:\(|\b)(?:photo|photograph|image|picture|credit)s?\s*(?:by|:)\s*(?P<credit>[^()]+?)\)?$",
    re.IGNORECASE,
)


class NoArticleError(ValueError):
    """The page has no article text in it."""


def parse_html(text: str, *, source: str) -> ArticleRecord:
    """Read one saved page; raises NoArticleError when there is no article in it."""
    document = trafilatura.bare_extraction(
        text,
        with_metadata=True,
        include_images=True,
        include_comments=False,
        include_tables=False,
        date_extraction_params={
            "original_date": True,
            "extensive_search": False,
            "outputformat": "%Y-%m-%dT%H:%M:%S%z",
        },
    )
    paragraphs = _paragraphs(document)
    title = " ".join((document.title or "").split()) if document is not None else ""
    paragraphs = [p for p in paragraphs if p != title]
    words = sum(len(p.split()) for p in paragraphs)
    if words < MIN_ARTICLE_WORDS:
        raise NoArticleError(
            f"no article text found in the HTML ({words} words of body text, "
            f"fewer than {MIN_ARTICLE_WORDS})"
        )
    record = ArticleRecord(source=source, headline=title, paragraphs=paragraphs)
    record.url = (document.url or "").strip()
    record.outlet_name = " ".join((document.sitename or "").split())
    record.dek = " ".join((document.description or "").split())
    if record.dek and paragraphs and paragraphs[0].startswith(record.dek.rstrip(".…")):
        record.dek = ""  # sites often repeat the first paragraph as the description
    record.bylines = [
        BylineRecord(name.strip()) for name in (document.author or "").split(";") if name.strip()
    ]
    _set_date(record, document.date)
    image = _lead_image(text, document.image or "")
    if image is not None:
        record.images.append(image)
    note_missing_facts(record)
    return record


def _paragraphs(document) -> list[str]:
    if document is None or document.body is None:
        return []
    paragraphs = []
    for element in document.body.iter("p", "item", "quote"):
        if element.tag == "p" and element.getparent() is not None:
            if element.getparent().tag in {"item", "quote"}:
                continue  # read as part of its list item or quote
        text = " ".join("".join(element.itertext()).split())
        if text:
            paragraphs.append(text)
    return paragraphs


def _set_date(record: ArticleRecord, value: str | None) -> None:
    if not value:
        return
    try:
        moment = dt.datetime.fromisoformat(value)
    except ValueError:
        return
    date_only = moment.tzinfo is None and moment.time() == dt.time()
    record.published_at_precision = (
        "day" if date_only else "second" if moment.second or moment.microsecond else "minute"
    )
    if moment.tzinfo is None:
        record.published_at = moment.replace(tzinfo=dt.UTC)
        record.review_notes.append(NOTE_DATE_ONLY if date_only else NOTE_TIME_ZONE_ASSUMED)
    else:
        record.published_at = moment


def _lead_image(text: str, image_url: str) -> ImageRecord | None:
    """The lead image with its caption and credit, from the page's first figure.

    The figure that shows trafilatura's lead image wins; otherwise the first figure
    inside the article. A lead image without a figure keeps its URL only.
    """
    try:
        tree = lxml_html.fromstring(text)
    except (ValueError, lxml_html.etree.ParserError):
        return ImageRecord(url=image_url) if image_url else None
    figures = tree.xpath("//article//figure[.//img]") or tree.xpath("//figure[.//img]")
    chosen = None
    for figure in figures:
        sources = figure.xpath(".//img/@src")
        if image_url and image_url in sources:
            chosen = figure
            break
    if chosen is None and figures:
        chosen = figures[0]
    if chosen is None:
        return ImageRecord(url=image_url) if image_url else None
    credit = ""
    for element in chosen.xpath(
        ".//*[contains(@class, 'credit') or contains(@class, 'copyright')"
        " or @itemprop='copyrightHolder' or @itemprop='creditText']"
    ):
        credit = " ".join(element.text_content().split())
        element.drop_tree()
        break
    caption_elements = chosen.xpath(".//figcaption")
    caption = " ".join(caption_elements[0].text_content().split()) if caption_elements else ""
    if not credit and (m := _TRAILING_CREDIT.search(caption)):
        credit, caption = m["credit"].strip(), caption[: m.start()].strip()
    credit = re.sub(r"^(?:photo|image|credit)s?\s*:\s*", "", credit, flags=re.IGNORECASE)
    url = image_url or (chosen.xpath(".//img/@src") or [""])[0]
    return ImageRecord(caption=caption, credit=credit, url=url)
