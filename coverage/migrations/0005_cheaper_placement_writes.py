"""Cheaper writes for online placement (issue 18); nothing read or computed changes.

Every placed article inserts a membership, a signature and index rows, updates its
story's profile, and counts its few hundred distinct terms into the term statistics.
What each of those writes cost beyond the row itself:

* indexes nothing reads: the single-column ``story_id`` indexes of memberships and of
  the story index (the (story, article) and (story, term) unique indexes serve every
  lookup by story), and the ``varchar_pattern_ops`` copy Django adds to a character
  primary key for ``LIKE`` (terms are only ever looked up whole);
* compression: PostgreSQL compresses a row over 2 kB. A story's centroid (300 terms)
  and entity counts were compressed again each time an article joined, and a
  signature's vector (120 terms, about 3 kB) once, then decompressed at every read.
  Stories keep them uncompressed out of line (``EXTERNAL``); signatures keep rows up
  to a page in line, uncompressed (``toast_tuple_target``): the tables take more room
  (about twice, for those columns), the placement less CPU;
* term statistics are updated far more often than inserted: with room left in each
  page (``fillfactor``), an update can stay on its page and write no index entry
  (a HOT update; ``document_count`` is in no index).
"""

import django.db.models.deletion
from django.db import migrations, models

TERM_STATISTICS = "coverage_termstatistic"


def _like_index_name(schema_editor) -> str:
    return schema_editor._create_index_name(TERM_STATISTICS, ["term"], suffix="_like")


def drop_term_like_index(apps, schema_editor):
    schema_editor.execute(
        f"DROP INDEX IF EXISTS {schema_editor.quote_name(_like_index_name(schema_editor))}"
    )


def create_term_like_index(apps, schema_editor):
    model = apps.get_model("coverage", "TermStatistic")
    schema_editor.execute(
        schema_editor._create_like_index_sql(model, model._meta.get_field("term"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("coverage", "0004_signature_clock_index"),
    ]

    operations = [
        migrations.AlterField(
            model_name="storyarticle",
            name="story",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="memberships",
                to="coverage.story",
            ),
        ),
        migrations.AlterField(
            model_name="storyterm",
            name="story",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="index_terms",
                to="coverage.story",
            ),
        ),
        migrations.RunPython(drop_term_like_index, create_term_like_index),
        migrations.RunSQL(
            f"ALTER TABLE {TERM_STATISTICS} SET (fillfactor = 70)",
            f"ALTER TABLE {TERM_STATISTICS} RESET (fillfactor)",
        ),
        migrations.RunSQL(
            "ALTER TABLE coverage_story ALTER COLUMN centroid SET STORAGE EXTERNAL, "
            "ALTER COLUMN entity_counts SET STORAGE EXTERNAL",
            "ALTER TABLE coverage_story ALTER COLUMN centroid SET STORAGE EXTENDED, "
            "ALTER COLUMN entity_counts SET STORAGE EXTENDED",
        ),
        migrations.RunSQL(
            "ALTER TABLE coverage_articlesignature SET (toast_tuple_target = 8160)",
            "ALTER TABLE coverage_articlesignature RESET (toast_tuple_target)",
        ),
    ]
