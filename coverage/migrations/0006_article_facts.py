"""Each article's facts stored (``ArticleFacts``), and the existing articles' extracted.

The story page extracted every shown member's facts with regexes on each render;
from here on they are stored when an article's text is written
(``coverage.services.article_facts``). The backfill reads the articles in batches with
a server-side cursor and writes each batch with one insert, so a large corpus is not
held in memory; the story page reads as before for any article it missed (a row
missing or stale is extracted again). Reversed, the rows are dropped with the table.
"""

import django.db.models.deletion
from django.db import migrations, models

BATCH = 1000


def backfill(apps, schema_editor):
    # The current extraction, as the running code reads it back: rows from another
    # version of it read as stale (``coverage.facts.text_hash``).
    from coverage import facts

    Article = apps.get_model("articles", "Article")
    ArticleFacts = apps.get_model("coverage", "ArticleFacts")
    rows = (
        Article.objects.using(schema_editor.connection.alias)
        .order_by("pk")
        .values_list("pk", "headline", "body_text")
        .iterator(chunk_size=BATCH)
    )
    batch = []
    for pk, headline, body in rows:
        found = facts.article_facts(headline=headline, body=body)
        batch.append(
            ArticleFacts(
                article_id=pk,
                facts=facts.facts_as_rows(found),
                text_hash=facts.text_hash(headline=headline, body=body),
            )
        )
        if len(batch) == BATCH:
            ArticleFacts.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    ArticleFacts.objects.bulk_create(batch, ignore_conflicts=True)


def drop_rows(apps, schema_editor):
    apps.get_model("coverage", "ArticleFacts").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0013_article_is_imported_drop_source_key"),
        ("coverage", "0005_cheaper_placement_writes"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleFacts",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="stored_facts",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                (
                    "facts",
                    models.JSONField(
                        default=list, help_text="[kind, key, label] per fact, in order"
                    ),
                ),
                ("text_hash", models.CharField(max_length=32)),
            ],
            options={"verbose_name_plural": "article facts"},
        ),
        migrations.RunPython(backfill, drop_rows, elidable=True),
    ]
