"""Grant the articles permissions to the roles (see accounts.migrations._roles)."""

from django.db import migrations

from accounts.migrations._roles import grant_permissions, revoke_permissions
from articles.roles import GRANTS, TAG_GRANTS


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS, "articles")
    grant_permissions(apps, TAG_GRANTS, "taggit")


def revoke(apps, schema_editor):
    revoke_permissions(apps, GRANTS, "articles")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_roles"),
        ("articles", "0003_editorial_workflow_images_corrections"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
