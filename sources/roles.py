"""What each role may do with outlets, imports and wire-copy marks (see accounts.roles).

Editors keep the outlet list (the article form's outlet autocomplete reads it, so
without ``view_outlet`` an editor cannot set an article's outlet), start imports and
read their reports, and read the wire-copy marks and each imported article's source key
(which the article admin showed before sources kept it). Reporters and moderators have no
business here. Only the admin role deletes outlets: their articles point at them.
"""

EDITING = [
    "add_outlet", "change_outlet", "view_outlet",
    "add_importrun", "view_importrun",
    "view_articlefingerprint", "view_wirecopyverdict", "view_articlesource",
]  # fmt: skip
GRANTS = {"editor": EDITING, "admin": [*EDITING, "delete_outlet"]}
