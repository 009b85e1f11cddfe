"""Index for the re-clustering pass's window read (latest signatures by clock).

Built concurrently: coverage_articlesignature has a row per clustered article and must
stay writable while the index is built."""

from django.contrib.postgres.operations import AddIndexConcurrently
from django.db import migrations, models


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("coverage", "0003_story_redirect"),
    ]

    operations = [
        AddIndexConcurrently(
            model_name="articlesignature",
            index=models.Index(fields=["-clock_at", "-article"], name="signature_clock_idx"),
        ),
    ]
