"""Grant the comments permissions to the roles (see accounts.migrations._roles)."""

from django.db import migrations

from accounts.migrations._roles import grant_permissions, revoke_permissions
from comments.roles import GRANTS


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS, "comments")


def revoke(apps, schema_editor):
    revoke_permissions(apps, GRANTS, "comments")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_roles"),
        ("comments", "0001_comments_moderation"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
