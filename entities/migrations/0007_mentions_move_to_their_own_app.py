"""Mention and AmbiguousMention now belong to the mentions app (mentions/0001).

State only: the tables stay where they are, under their old names, and the mentions
app takes them over. Nothing is copied or dropped.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("entities", "0006_merge_permission_unique_wikidata_id")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                # AmbiguousMention first: its resolved_mention points at Mention.
                migrations.DeleteModel(name="AmbiguousMention"),
                migrations.DeleteModel(name="Mention"),
            ],
            database_operations=[],
        )
    ]
