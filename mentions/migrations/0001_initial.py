"""Mention and AmbiguousMention, moved here from entities without copying data.

The tables keep their names (``entities_mention``, ``entities_ambiguousmention`` and
the candidate tables), created by entities/0002: this migration only tells Django's
state that they are this app's (entities/0007 took them out of entities'), then moves
their content types so that permissions, group grants and audit entries follow.
Tasks waiting in the queue under the old task path are repointed too.
"""

import django.db.models.deletion
from django.db import migrations, models

MOVED_MODELS = ("mention", "ambiguousmention")
TASK_PATHS = ("entities.tasks.suggest_mentions", "mentions.tasks.suggest_mentions")


def _move_content_types(apps, schema_editor, *, old: str, new: str) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_types = ContentType.objects.using(schema_editor.connection.alias)
    for model in MOVED_MODELS:
        # A fresh database has none yet (post_migrate creates them under the new label);
        # one the new label already has is left alone rather than doubled.
        if not content_types.filter(app_label=new, model=model).exists():
            content_types.filter(app_label=old, model=model).update(app_label=new)


def _move_task_paths(apps, schema_editor, *, old: str, new: str) -> None:
    DBTaskResult = apps.get_model("django_tasks_database", "DBTaskResult")
    results = DBTaskResult.objects.using(schema_editor.connection.alias)
    results.filter(task_path=old).update(task_path=new)


def forwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, old="entities", new="mentions")
    _move_task_paths(apps, schema_editor, old=TASK_PATHS[0], new=TASK_PATHS[1])


def backwards(apps, schema_editor):
    _move_content_types(apps, schema_editor, old="mentions", new="entities")
    _move_task_paths(apps, schema_editor, old=TASK_PATHS[1], new=TASK_PATHS[0])


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("articles", "0012_date_only_imports_have_day_precision"),
        ("entities", "0007_mentions_move_to_their_own_app"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Mention",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        ("count", models.PositiveIntegerField(default=0)),
                        ("first_position", models.PositiveIntegerField(blank=True, null=True)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("suggested", "Suggested"),
                                    ("confirmed", "Confirmed"),
                                    ("rejected", "Rejected"),
                                ],
                                default="suggested",
                                max_length=20,
                            ),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "article",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="mentions",
                                to="articles.article",
                            ),
                        ),
                        (
                            "event",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="mentions",
                                to="entities.event",
                            ),
                        ),
                        (
                            "person",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="mentions",
                                to="entities.person",
                            ),
                        ),
                        (
                            "place",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="mentions",
                                to="entities.place",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "entities_mention",
                        "ordering": ["article_id", "first_position", "pk"],
                        "permissions": [
                            ("review_mention", "Can confirm or reject suggested mentions")
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AmbiguousMention",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "normalized",
                            models.CharField(
                                help_text="The shared alias, normalised.", max_length=200
                            ),
                        ),
                        (
                            "surface",
                            models.CharField(
                                help_text="The name as the article first wrote it.", max_length=200
                            ),
                        ),
                        ("count", models.PositiveIntegerField(default=0)),
                        ("first_position", models.PositiveIntegerField(blank=True, null=True)),
                        (
                            "state",
                            models.CharField(
                                choices=[
                                    ("open", "Waiting for an editor"),
                                    ("resolved", "Resolved to one entity"),
                                    ("rejected", "None of them"),
                                ],
                                default="open",
                                max_length=20,
                            ),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        (
                            "article",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="ambiguous_mentions",
                                to="articles.article",
                            ),
                        ),
                        (
                            "candidate_events",
                            models.ManyToManyField(
                                blank=True, related_name="candidate_in", to="entities.event"
                            ),
                        ),
                        (
                            "candidate_people",
                            models.ManyToManyField(
                                blank=True, related_name="candidate_in", to="entities.person"
                            ),
                        ),
                        (
                            "candidate_places",
                            models.ManyToManyField(
                                blank=True, related_name="candidate_in", to="entities.place"
                            ),
                        ),
                        (
                            "resolved_mention",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="resolved_from",
                                to="mentions.mention",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "entities_ambiguousmention",
                        "ordering": ["article_id", "first_position", "pk"],
                    },
                ),
                migrations.AddIndex(
                    model_name="mention",
                    index=models.Index(fields=["person", "state"], name="mention_person_state_idx"),
                ),
                migrations.AddIndex(
                    model_name="mention",
                    index=models.Index(fields=["place", "state"], name="mention_place_state_idx"),
                ),
                migrations.AddIndex(
                    model_name="mention",
                    index=models.Index(fields=["event", "state"], name="mention_event_state_idx"),
                ),
                migrations.AddConstraint(
                    model_name="mention",
                    constraint=models.CheckConstraint(
                        condition=models.Q(
                            models.Q(
                                ("event__isnull", True),
                                ("person__isnull", False),
                                ("place__isnull", True),
                            ),
                            models.Q(
                                ("event__isnull", True),
                                ("person__isnull", True),
                                ("place__isnull", False),
                            ),
                            models.Q(
                                ("event__isnull", False),
                                ("person__isnull", True),
                                ("place__isnull", True),
                            ),
                            _connector="OR",
                        ),
                        name="mention_exactly_one_entity",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mention",
                    constraint=models.UniqueConstraint(
                        fields=("article", "person"), name="mention_unique_person"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mention",
                    constraint=models.UniqueConstraint(
                        fields=("article", "place"), name="mention_unique_place"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="mention",
                    constraint=models.UniqueConstraint(
                        fields=("article", "event"), name="mention_unique_event"
                    ),
                ),
                migrations.AddConstraint(
                    model_name="ambiguousmention",
                    constraint=models.UniqueConstraint(
                        fields=("article", "normalized"), name="ambiguous_mention_unique_alias"
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(forwards, backwards),
    ]
