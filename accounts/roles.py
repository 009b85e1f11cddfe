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

Data migrations use their own copy on historical models
(``accounts/migrations/_roles.py``); this module uses the live ones.

The README's role table names, for each cell, the test that proves it.
"""

from django.apps import apps
from django.apps.config import AppConfig
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db.models.signals import post_migrate

REPORTER = "reporter"
EDITOR = "editor"
MODERATOR = "moderator"
ADMIN = "admin"
ROLES = (REPORTER, EDITOR, MODERATOR, ADMIN)


def ensure_roles() -> None:
    for role in ROLES:
        Group.objects.get_or_create(name=role)


def grant_on_post_migrate(
    app_config: AppConfig, grants: dict[str, list[str]], app_label: str | None = None
) -> None:
    """Connect a post_migrate receiver that (re)grants ``grants`` after each migrate.

    The receiver runs when every migration has run, so it uses the live models (a
    test-database flush sends no app registry at all).
    """
    label = app_label or app_config.label

    def receiver(sender: AppConfig, **kwargs: object) -> None:
        ensure_roles()
        grant_permissions(grants, label)

    post_migrate.connect(receiver, sender=app_config, weak=False, dispatch_uid=f"roles.{label}")


def grant_permissions(grants: dict[str, list[str]], app_label: str) -> None:
    """Give each role the ``app_label`` permissions listed; safe to repeat.

    Permissions are normally created after migrations run; create them now so that
    the grant does not depend on the order in which apps' receivers run.
    """
    create_permissions(apps.get_app_config(app_label), verbosity=0)
    ensure_roles()
    for role, codenames in grants.items():
        group = Group.objects.get(name=role)
        permissions = Permission.objects.filter(
            content_type__app_label=app_label, codename__in=codenames
        )
        missing = set(codenames) - set(permissions.values_list("codename", flat=True))
        if missing:
            raise ValueError(f"Unknown {app_label} permissions for {role}: {sorted(missing)}")
        group.permissions.add(*permissions)
