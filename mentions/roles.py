"""What each role may do with the mentions of people, places and events in articles
(see accounts.roles).

Reporters review the mentions the matcher suggests for their articles; editors and
the admin role also choose who an ambiguous name means. These permissions were
``entities.*`` before mentions became their own app; the codenames are unchanged.
"""

_VIEW = ["view_mention", "view_ambiguousmention"]
_REVIEW = ["review_mention", "change_mention"]
GRANTS = {
    "reporter": [*_VIEW, *_REVIEW],
    "editor": [*_VIEW, *_REVIEW, "change_ambiguousmention"],
    "admin": [*_VIEW, *_REVIEW, "change_ambiguousmention"],
}
