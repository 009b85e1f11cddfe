"""What each role may do with people, places and events (see accounts.roles).

Reporters create people on the fly when they write bylines and review the mentions
the matcher suggests for their articles; editors curate entities, aliases and merges
(``merge_entity``) and undo merges (``undo_entitymerge``), which a merge's snapshot
makes safe. Only the admin role deletes people, places and events outright.
"""

_VIEW = [f"view_{m}" for m in ("person", "place", "event", "alias", "mention", "ambiguousmention")]
_CURATE = [
    f"{action}_{model}"
    for model in ("person", "place", "event", "alias")
    for action in ("add", "change")
]
_MERGING = ["merge_entity", "undo_entitymerge", "view_entitymerge", "view_slugredirect"]
GRANTS = {
    "reporter": [*_VIEW, "add_person", "add_alias", "review_mention", "change_mention"],
    "editor": [
        *_VIEW,
        *_CURATE,
        *_MERGING,
        "delete_alias",
        "review_mention",
        "change_mention",
        "change_ambiguousmention",
    ],
    "admin": [
        *_VIEW,
        *_CURATE,
        *_MERGING,
        "delete_alias",
        "delete_person",
        "delete_place",
        "delete_event",
        "review_mention",
        "change_mention",
        "change_ambiguousmention",
    ],
}
