"""What each role may do with people, places and events (see accounts.roles).

Reporters create people on the fly when they write bylines and review the mentions
the matcher suggests for their articles; editors curate entities, aliases and merges.
"""

_VIEW = [f"view_{m}" for m in ("person", "place", "event", "alias", "mention", "ambiguousmention")]
_CURATE = [
    f"{action}_{model}"
    for model in ("person", "place", "event", "alias")
    for action in ("add", "change")
]
GRANTS = {
    "reporter": [*_VIEW, "add_person", "add_alias", "review_mention", "change_mention"],
    "editor": [
        *_VIEW,
        *_CURATE,
        "delete_alias",
        "review_mention",
        "change_mention",
        "change_ambiguousmention",
    ],
    "admin": [
        *_VIEW,
        *_CURATE,
        "delete_alias",
        "delete_person",
        "delete_place",
        "delete_event",
        "review_mention",
        "change_mention",
        "change_ambiguousmention",
    ],
}
