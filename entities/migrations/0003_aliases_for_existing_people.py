"""Every person created before aliases existed (from bylines) gets their name as an alias.

Byline look-ups and the text matcher read only aliases, so without this the people
already in the database could not be found. Batched; the reverse is a no-op because
reversing 0002 drops the alias table.
"""

import uuid

from django.db import migrations

from entities.normalize import normalize_name  # a pure function, no model


def add_name_aliases(apps, schema_editor):
    Person = apps.get_model("entities", "Person")
    Alias = apps.get_model("entities", "Alias")
    AliasVersion = apps.get_model("entities", "AliasVersion")
    batch = []
    for person_id, name in Person.objects.values_list("pk", "name").iterator(chunk_size=2000):
        normalized = normalize_name(name)
        if normalized:
            batch.append(Alias(person_id=person_id, name=name, normalized=normalized))
        if len(batch) >= 2000:
            Alias.objects.bulk_create(batch, ignore_conflicts=True)
            batch = []
    Alias.objects.bulk_create(batch, ignore_conflicts=True)
    AliasVersion.objects.update_or_create(pk=1, defaults={"version": uuid.uuid4()})


class Migration(migrations.Migration):
    dependencies = [("entities", "0002_people_places_events_aliases_mentions")]

    operations = [migrations.RunPython(add_name_aliases, migrations.RunPython.noop)]
