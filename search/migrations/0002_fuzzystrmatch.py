"""levenshtein() ranks spelling corrections by the number of edits."""

from django.contrib.postgres.operations import CreateExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [CreateExtension("fuzzystrmatch")]
