"""Who may read which part of the audit log (see accounts.roles).

The log is read-only for everyone. Editors read the editorial entries, moderators the
moderation entries (a moderator has no business reading who edited which draft), and
the admin role reads both. ``audit.selectors.log_entries_for`` applies the split.
"""

GRANTS = {
    "editor": ["view_editoriallogentry", "view_editorial_entries"],
    "moderator": ["view_editoriallogentry", "view_moderation_entries"],
    "admin": ["view_editoriallogentry", "view_editorial_entries", "view_moderation_entries"],
}
