"""What each role may do with people, places and events (see accounts.roles).

Reporters create people on the fly when they write bylines; editors curate
entities, aliases and merges (``merge_entity``) and undo merges
(``undo_entitymerge``), which a merge's snapshot makes safe. Only the admin role
deletes people, places and events outright. Reviewing mentions is granted by
``mentions.roles``.
"""

_VIEW = [f"view_{m}" for m in ("person", "place", "event", "alias")]
_CURATE = [
    f"{action}_{model}"
    for model in ("person", "place", "event", "alias")
    for action in ("add", "change")
]
_MERGING = ["merge_entity", "undo_entitymerge", "view_entitymerge", "view_slugredirect"]
GRANTS = {
    "reporter": [*_VIEW, "add_person", "add_alias"],
    "editor": [*_VIEW, *_CURATE, *_MERGING, "delete_alias"],
    "admin": [
        *_VIEW,
        *_CURATE,
        *_MERGING,
        "delete_alias",
        "delete_person",
        "delete_place",
        "delete_event",
    ],
}
