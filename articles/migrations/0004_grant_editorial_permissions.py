"""Grant the articles permissions to the roles (see accounts.roles)."""

from django.db import migrations

from accounts.roles import grant_permissions, revoke_permissions

WRITING = [
    "add_article", "change_article", "view_article", "submit_article",
    "add_byline", "change_byline", "delete_byline", "view_byline",
    "add_articleimage", "change_articleimage", "delete_articleimage", "view_articleimage",
    "add_image", "change_image", "view_image", "view_section", "view_correction",
]  # fmt: skip
EDITING = WRITING + [
    "delete_article", "publish_article", "change_others_article",
    "add_section", "change_section", "delete_section",
    "delete_image", "add_correction", "change_correction",
    "view_imagerendition",
]  # fmt: skip
GRANTS = {
    "reporter": WRITING,
    "editor": EDITING,
    "moderator": ["view_article", "view_section"],
    "admin": EDITING + ["delete_correction"],
}


def grant(apps, schema_editor):
    grant_permissions(apps, GRANTS, "articles")
    grant_permissions(
        apps,
        {role: ["add_tag", "change_tag", "view_tag"] for role in ("reporter", "editor", "admin")},
        "taggit",
    )


def revoke(apps, schema_editor):
    revoke_permissions(apps, GRANTS, "articles")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_roles"),
        ("articles", "0003_editorial_workflow_images_corrections"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
