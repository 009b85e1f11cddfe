"""The newsroom's roles, as Django groups with permissions.

Each app grants its own permissions to these roles (`grant_permissions`), so that
roles never depend on apps above them: in a data migration, and again after every
`migrate` or test-database flush (post_migrate), which also repairs groups that
someone edited by hand.

- reporter: writes drafts (their own), submits them for review, uploads images, adds
  people.
- editor: everything editorial: edits anyone's articles, publishes, schedules,
  unpublishes, corrects; sections, tags, outlets, imports, stories and their
  memberships, people, places and events (merges and undoing them), wire-copy marks,
  and the editorial part of the audit log.
- moderator: comments, and the moderation part of the audit log.
- admin: everything the other roles can do, plus deleting what editors may only edit.

The README's role table names, for each cell, the test that proves it.
"""

REPORTER = "reporter"
EDITOR = "editor"
MODERATOR = "moderator"
ADMIN = "admin"
ROLES = (REPORTER, EDITOR, MODERATOR, ADMIN)


def ensure_roles(apps=None) -> None:
    from django.apps import apps as global_apps

    Group = (apps or global_apps).get_model("auth", "Group")
    for role in ROLES:
        Group.objects.get_or_create(name=role)


def grant_on_post_migrate(app_config, grants: dict[str, list[str]], app_label=None) -> None:
    """Connect a post_migrate receiver that (re)grants ``grants`` after each migrate."""
    from django.db.models.signals import post_migrate

    label = app_label or app_config.label

    def receiver(sender, apps=None, **kwargs):
        from django.apps import apps as global_apps

        apps = apps or global_apps  # a test-database flush sends no app registry
        ensure_roles(apps)
        grant_permissions(apps, grants, label)

    post_migrate.connect(receiver, sender=app_config, weak=False, dispatch_uid=f"roles.{label}")


def grant_permissions(
    apps, grants: dict[str, list[str]], app_label: str, *, known_only: bool = False
) -> None:
    """Give each role the ``app_label`` permissions listed; safe to repeat.

    Permissions are normally created after migrations run; create them now so that
    the grant does not depend on the order in which apps migrate. A migration that
    grants the current lists passes ``known_only``: a permission a later migration
    declares does not exist yet at that point, and post_migrate grants it afterwards.
    """
    from django.contrib.auth.management import create_permissions

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
