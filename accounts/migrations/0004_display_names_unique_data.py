"""Fill display_name_key; rename readers whose name is reserved or already taken.

The earliest profile keeps a shared name; each later one becomes "Name 2", "Name 3"...
(cut to fit 50 characters). A reserved name ("Moderator") becomes "Reader <user id>".
Reverse: a noop, since the renamed readers' old names cannot all be unique again, and
0003's reverse drops the key column.
"""

from django.db import migrations

from accounts.names import display_name_key, reserved_word_in


def fill_keys(apps, schema_editor):
    Profile = apps.get_model("accounts", "Profile")
    taken: set[str] = set()
    changed = []
    for profile in Profile.objects.order_by("pk").iterator(chunk_size=2000):
        name = profile.display_name.strip()
        if not name or reserved_word_in(name):
            name = f"Reader {profile.user_id}"
        base, number = name, 1
        while display_name_key(name) in taken:
            number += 1
            suffix = f" {number}"
            name = base[: 50 - len(suffix)] + suffix
        key = display_name_key(name)
        taken.add(key)
        profile.display_name, profile.display_name_key = name, key
        changed.append(profile)
        if len(changed) >= 2000:
            Profile.objects.bulk_update(changed, ["display_name", "display_name_key"])
            changed = []
    Profile.objects.bulk_update(changed, ["display_name", "display_name_key"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_profile_display_name_key")]

    operations = [migrations.RunPython(fill_keys, migrations.RunPython.noop)]
