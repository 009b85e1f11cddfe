"""What each role may do with comments (see accounts.roles).

Moderation belongs to the moderator role (and admin, which can do everything).
Editors do not moderate: the issue gives moderation to the moderator group only, and
keeping it apart means an editor's account cannot silently reshape reader debate.
"""

MODERATING = [
    "moderate_comment", "view_comment", "view_commentflag", "view_commenter",
    "add_moderationnote", "view_moderationnote",
    "add_wordrule", "change_wordrule", "delete_wordrule", "view_wordrule",
    "add_sectionpolicy", "change_sectionpolicy", "delete_sectionpolicy", "view_sectionpolicy",
    "add_closure", "delete_closure", "view_closure",
]  # fmt: skip
GRANTS = {"moderator": MODERATING, "admin": MODERATING}
