"""What each role may do with the names discovery proposes (see accounts.roles).

Editors and the admin role review the queue: accepting a name creates a person,
place or event and links every article that names it, merging adds a spelling to an
entity, rejecting keeps the name out for good. Reporters do not: a new entity has a
public page, which is an editorial decision. While typing, reporters are still shown
the known people, places and events their text names (``mentions.review_mention``).
"""

_REVIEW = ["view_entitycandidate", "review_entitycandidate", "view_candidateoccurrence"]
GRANTS = {
    "editor": _REVIEW,
    "admin": _REVIEW,
}
