"""Articles no longer keep their import identity: sources does (``sources.ArticleSource``,
filled from ``source_key`` by sources' migration 0007, on which this one depends).

What articles still needs to know, whether an article came from an import (its date is
the source's, so publishing an undated import leaves it undated), becomes
``is_imported``, set here for every article that had a key. Reversed, the column comes
back empty and unique; reversing sources 0007 then fills it again.
"""

from django.db import migrations, models

MARK_IMPORTED = "UPDATE articles_article SET is_imported = true WHERE source_key IS NOT NULL"


class Migration(migrations.Migration):
    dependencies = [
        ("articles", "0012_date_only_imports_have_day_precision"),
        ("sources", "0007_articlesource"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="is_imported",
            field=models.BooleanField(
                db_default=False,
                default=False,
                editable=False,
                help_text="Created by an import: its date is its source's, so publishing an "
                "undated import leaves it undated.",
            ),
        ),
        # Reversed: nothing to undo, the column goes with the AddField's reverse.
        migrations.RunSQL(MARK_IMPORTED, migrations.RunSQL.noop, elidable=False),
        migrations.RemoveField(model_name="article", name="source_key"),
    ]
