"""Role grants for data migrations, on the migration's historical models.

Not a migration (the loader skips modules starting with "_"). ``accounts.roles`` does
the same on the live models after every ``migrate``; migrations must not use those.
"""

from django.contrib.auth.management import create_permissions

ROLES = ("reporter", "editor", "moderator", "admin")


def ensure_roles(apps) -> None:
    Group = apps.get_model("auth", "Group")
    for role in ROLES:
        Group.objects.get_or_create(name=role)


def grant_permissions(
    apps, grants: dict[str, list[str]], app_label: str, *, known_only: bool = False
) -> None:
    """Give each role the ``app_label`` permissions listed; safe to repeat.

    Permissions are normally created after migrations run; create them now so that
    the grant does not depend on the order in which apps migrate. A migration that
    grants the current lists passes ``known_only``: a permission a later migration
    declares does not exist yet at that point, and post_migrate grants it afterwards.
    """
    app_config = apps.get_app_config(app_label)
    models_module = getattr(app_config, "models_module", None)
    app_config.models_module = models_module or True  # historical apps have none
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    ensure_roles(apps)
    for role, codenames in grants.items():
        group = Group.objects.get(name=role)
        permissions = Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing and not known_only:
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
