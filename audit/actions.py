"""What each action code in the log means, in words a person reads.

The codes ("article.publish") are what services write and what scripts filter on; the
admin shows the label and keeps the code beside it. A code missing here still reads
sensibly ("Frobnicate widget"), so a new action never shows a blank.
"""

MODERATION_PREFIXES = ("comment.", "commenter.", "comments.")

LABELS: dict[str, str] = {
    # Articles
    "article.create": "Created article",
    "article.update": "Edited article",  # also an update note: see entry_label
    "article.submit": "Submitted article for review",
    "article.publish": "Published article",
    "article.publish_scheduled": "Published scheduled article",
    "article.schedule": "Scheduled article",
    "article.unpublish": "Unpublished article",
    "article.return_to_draft": "Sent article back to draft",
    "article.restore": "Restored an earlier version of article",
    "article.set_section": "Moved article to another section",
    "article.correction": "Added correction",
    "article.bylines": "Changed bylines",
    "article.images": "Changed images",
    # Imports
    "import.queue": "Queued import",
    "import.run": "Ran import",
    "article.import_create": "Imported new article",
    "article.import_update": "Updated article from its source",
    "outlet.import_create": "Created outlet on import",
    # Stories
    "story.update": "Edited story",
    "story.merge": "Merged stories",
    "story.merge_converged": "Merged converging stories",
    "story.retitle": "Retitled story after its most central article",
    "story.split": "Split story",
    "story.pin": "Pinned article to story",
    "story.exclude": "Excluded article from story",
    "story.lock": "Locked story",
    "story.unlock": "Unlocked story",
    "story.recluster": "Re-clustering pass moved articles",
    # People, places, events and mentions
    "person.merge": "Merged people",
    "person.merge_undo": "Undid merge of people",
    "place.merge": "Merged places",
    "place.merge_undo": "Undid merge of places",
    "event.merge": "Merged events",
    "event.merge_undo": "Undid merge of events",
    "mention.confirm": "Confirmed mention",
    "mention.reject": "Rejected mention",
    "mention.reopen": "Reopened mention",
    "mention.resolve": "Chose who an ambiguous name means",
    "mention.reject_ambiguous": "Ambiguous name means none of the candidates",
    # New names (the discovery review queue)
    "candidate.accept": "Accepted new name as a new entity",
    "candidate.merge": "Merged new name into an existing entity",
    "candidate.reject": "Rejected new name",
    "candidate.link": "Linked the articles naming an accepted or merged name",
    # Moderation
    "comment.approve": "Approved comment",
    "comment.reject": "Rejected comment",
    "comment.auto_reject": "Rejected comment automatically (banned word)",
    "comment.feature": "Featured comment",
    "comment.unfeature": "Unfeatured comment",
    "commenter.ban": "Banned commenter",
    "commenter.suspend": "Suspended commenter",
    "commenter.reinstate": "Reinstated commenter",
    "commenter.note": "Added moderator note",
    "comments.close": "Closed comments",
    "comments.reopen": "Reopened comments",
    "comments.section_policy": "Changed a section's comment policy",
    "comments.word_rule": "Changed a word rule",
}


# What entries are about, by (app label, model): the admin's "object type" filter.
TARGET_TYPES = {
    "editorial": [
        ("articles", "article"), ("articles", "section"), ("sources", "importrun"),
        ("sources", "outlet"), ("coverage", "story"), ("entities", "person"), ("entities", "place"),
        ("entities", "event"), ("mentions", "mention"), ("mentions", "ambiguousmention"),
        ("discovery", "entitycandidate"),
    ],
    "moderation": [
        ("comments", "comment"), ("auth", "user"), ("comments", "wordrule"),
        ("articles", "article"), ("coverage", "story"), ("articles", "section"),
    ],
}  # fmt: skip


def action_label(code: str) -> str:
    """The label for ``code``; unknown codes read "Verb object" from "object.verb"."""
    if code in LABELS:
        return LABELS[code]
    subject, _, verb = code.partition(".")
    return f"{verb.replace('_', ' ').capitalize()} {subject}".strip() if verb else code


def entry_label(code: str, payload: dict) -> str:
    """Like ``action_label``; an update note (a public "Update:" line) and an edit share
    the code "article.update", and only the note's payload carries its text."""
    if code == "article.update" and "text" in payload and "after" not in payload:
        return "Added update note"
    return action_label(code)


def is_moderation(code: str) -> bool:
    return code.startswith(MODERATION_PREFIXES)
