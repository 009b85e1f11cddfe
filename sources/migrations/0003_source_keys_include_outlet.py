"""Content-hash source keys now cover the outlet's name, so the same wire text from two
outlets (with no URL) stays two articles instead of one flipping between outlets.

Articles imported before this had ``sha256(headline + "\\n" + body_text)``; they are
re-keyed to ``sha256(outlet name + "\\n" + headline + "\\n" + body_text)`` (the outlet
name is empty for articles without one), exactly as ``record_source_key`` computes it,
so re-importing the same files keeps finding them. The reverse restores the old keys.
URL keys ("url:…") are untouched.
"""

import hashlib

from django.db import migrations

BATCH = 1000


def _rekey(apps, *, with_outlet: bool) -> None:
    Article = apps.get_model("articles", "Article")
    articles = (
        Article.objects.filter(source_key__startswith="sha256:")
        .select_related("outlet")
        .only("pk", "source_key", "headline", "body_text", "outlet__name")
        .order_by("pk")
    )
    changed = []
    for article in articles.iterator(chunk_size=BATCH):
        parts = [article.headline, article.body_text]
        if with_outlet:
            parts.insert(0, article.outlet.name if article.outlet else "")
        key = "sha256:" + hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()
        if key != article.source_key:
            article.source_key = key
            changed.append(article)
        if len(changed) >= BATCH:
            Article.objects.bulk_update(changed, ["source_key"])
            changed = []
    if changed:
        Article.objects.bulk_update(changed, ["source_key"])


def forwards(apps, schema_editor):
    _rekey(apps, with_outlet=True)


def backwards(apps, schema_editor):
    _rekey(apps, with_outlet=False)


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0002_byline_person_body_text"),
        ("sources", "0002_outlet_logo_feeds_importrun_wire_copy"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
