"""Reporters and editors create people on the fly when they write bylines."""

from django.db import migrations

from accounts.migrations._roles import grant_permissions, revoke_permissions
from entities.roles import GRANTS


def grant(apps, schema_editor):
    # Merge permissions come with 0006; post_migrate grants them after it.
    grant_permissions(apps, GRANTS, "entities", known_only=True)


def revoke(apps, schema_editor):
    revoke_permissions(apps, GRANTS, "entities")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_roles"), ("entities", "0003_aliases_for_existing_people")]

    operations = [migrations.RunPython(grant, revoke)]
