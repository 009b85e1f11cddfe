"""Source identity moves into sources: ``ArticleSource`` (article, unique key).

The keys are copied from ``articles.Article.source_key`` here, in one ``INSERT …
SELECT``; articles' next migration then drops that column. The reverse copies the keys
back into the column (re-added by reversing that migration first) before the table
goes. Both directions move a column between the two apps' tables, so this migration
reads (and, reversed, writes) articles' table: it is the one place that may.
"""

import django.db.models.deletion
from django.db import migrations, models

COPY_FORWARDS = """
INSERT INTO sources_articlesource (article_id, key)
SELECT id, source_key FROM articles_article WHERE source_key IS NOT NULL
"""

COPY_BACKWARDS = """
UPDATE articles_article AS a SET source_key = s.key
FROM sources_articlesource AS s WHERE s.article_id = a.id
"""


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_date_only_imports_have_day_precision"),
        ("sources", "0006_wire_copy_verdict_and_shingle_count"),
    ]

    operations = [
        migrations.CreateModel(
            name="ArticleSource",
            fields=[
                (
                    "article",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="source",
                        serialize=False,
                        to="articles.article",
                    ),
                ),
                ("key", models.CharField(max_length=200, unique=True)),
            ],
        ),
        migrations.RunSQL(COPY_FORWARDS, COPY_BACKWARDS, elidable=False),
    ]
