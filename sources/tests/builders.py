"""Small source files for import tests, written where the test asks.

Texts are made up (never copied from the coverage data sets) and long enough to pass
the article and wire-copy length checks.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

from django.core.management import CommandError, call_command

LOREM = (
    "The council met on Tuesday to discuss the new bridge over the river, which has been "
    "delayed for three years by disputes over funding and design. Engineers told members "
    "that the steel frame would arrive next month and that the road could open by spring."
)
SECOND = (
    "Residents on both banks said the delay had cost local shops dearly, and several asked "
    "why the contractor had not been fined for missing its earlier deadlines."
)


def jsonl_record(n: int = 1, **overrides) -> dict:
    record = {
        "id": f"rec-{n}",
        "story": "s-1",
        "outlet": "Example Gazette",
        "title": f"Bridge opening delayed again, council told ({n})",
        "text": f"{LOREM} Item {n}.\n\n{SECOND}",
        "published": "2024-03-0" + str(1 + n % 9),
        "url": f"https://gazette.example.com/news/{n}",
    }
    record.update(overrides)
    return record


def write_jsonl(path: Path, records: list[dict | str]) -> Path:
    lines = [r if isinstance(r, str) else json.dumps(r, ensure_ascii=False) for r in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def html_page(
    *,
    headline: str = "Bridge opening delayed again",
    author: str = "Jane Doe",
    published: str = "2024-03-05T09:30:00+00:00",
    site: str = "Example Herald",
    url: str = "https://herald.example.com/bridge",
    body: str = f"<p>{LOREM}</p><p>{SECOND}</p>",
) -> str:
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{headline} | {site}</title>
<meta property="og:title" content="{headline}">
<meta property="og:site_name" content="{site}">
<meta property="og:image" content="https://herald.example.com/img/bridge.jpg">
<meta name="author" content="{author}">
<meta property="article:published_time" content="{published}">
<link rel="canonical" href="{url}">
</head><body>
<header><nav><a href="/">Home</a> <a href="/local">Local</a>
<a href="/login">Log in</a></nav></header>
<div class="ad">Advertisement</div>
<article>
<h1>{headline}</h1>
<figure><img src="https://herald.example.com/img/bridge.jpg" alt="The bridge">
<figcaption>The unfinished bridge at dusk. <span class="credit">Photo: Ann Lee</span></figcaption>
</figure>
{body}
<div class="share">Share this on Facebook</div>
</article>
<aside><h3>Related News</h3><ul><li><a href="/x">Council tax rises</a></li></ul></aside>
<footer>You must be logged in to post a comment.</footer>
</body></html>"""


def rss_feed(items: list[dict], *, title: str = "Example Wire") -> str:
    entries = "\n".join(
        f"""<item><title>{i["title"]}</title><link>{i["link"]}</link>
<pubDate>{i.get("date", "Tue, 05 Mar 2024 09:30:00 GMT")}</pubDate>
<author>{i.get("author", "desk@example.com (Sam Wood)")}</author>
<description><![CDATA[<p>{i.get("text", LOREM)}</p><p>{SECOND}</p>]]></description></item>"""
        for i in items
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>{title}</title><link>https://wire.example.com/</link>
<description>Wire</description>
{entries}
</channel></rss>"""


def run_import(*args):
    """``manage.py import ARGS``: (stdout, stderr, the CommandError or None)."""
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import", *map(str, args), stdout=out, stderr=err)
    except CommandError as error:
        return out.getvalue(), err.getvalue(), error
    return out.getvalue(), err.getvalue(), None
