"""What each role may do with stories and their memberships (see accounts.roles).

Editors correct the grouping: retitle a story, merge, split, pin, exclude and lock
(``edit_story_membership``, checked again by every coverage service). Stories are
created by clustering, never by hand, so nobody is granted ``add_story``.
"""

EDITING = ["view_story", "change_story", "view_storyarticle", "edit_story_membership"]
GRANTS = {"editor": EDITING, "admin": EDITING}
