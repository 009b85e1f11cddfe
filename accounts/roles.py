"""The newsroom's roles, as Django groups with permissions.

Each app grants its own permissions to these roles in a data migration of its own
(`grant_permissions`), so that roles never depend on apps above them.

- reporter: writes drafts (their own), submits them for review.
- editor: everything editorial: edits anyone's articles, publishes, schedules,
  unpublishes, corrects.
- moderator: comments only.
- admin: everything the other roles can do, plus managing outlets and sections.
"""

REPORTER = "reporter"
EDITOR = "editor"
MODERATOR = "moderator"
ADMIN = "admin"
ROLES = (REPORTER, EDITOR, MODERATOR, ADMIN)


def grant_permissions(apps, grants: dict[str, list[str]], app_label: str) -> None:
    """For a data migration: give each role the ``app_label`` permissions listed.

    Permissions are normally created after migrations run; create them now so that
    the grant does not depend on the order in which apps migrate.
    """
    from django.contrib.auth.management import create_permissions

    app_config = apps.get_app_config(app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in grants.items():
        group, _ = Group.objects.get_or_create(name=role)
        permissions = Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise ValueError(f"Unknown {app_label} permissions for {role}: {sorted(missing)}")
        group.permissions.add(*permissions)


def revoke_permissions(apps, grants: dict[str, list[str]], app_label: str) -> None:
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codenames in grants.items():
        group = Group.objects.filter(name=role).first()
        if group:
            group.permissions.remove(
                *Permission.objects.filter(
                    content_type__app_label=app_label, codename__in=codenames
                )
            )
