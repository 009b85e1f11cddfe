"""Articles imported before precision was stored, whose source gave only a date.

The importers noted it in ``review_notes`` ("only a date was given; …"), so those rows
get precision "day" and stop showing a midnight that no source stated. Batched, so
no long lock on the article table.
"""

from django.db import migrations

DATE_ONLY_NOTE = "only a date was given"
BATCH = 2000


def mark_date_only(apps, schema_editor):
    Article = apps.get_model("articles", "Article")
    ids = list(
        Article.objects.filter(review_notes__contains=DATE_ONLY_NOTE).values_list("pk", flat=True)
    )
    for start in range(0, len(ids), BATCH):
        Article.objects.filter(pk__in=ids[start : start + BATCH]).update(
            published_at_precision="day"
        )


class Migration(migrations.Migration):
    dependencies = [("articles", "0011_article_published_at_precision_source_snapshot")]

    operations = [
        # Reverse: the column goes away with 0011's reverse; nothing to undo here.
        migrations.RunPython(mark_date_only, migrations.RunPython.noop),
    ]
