"""What each role may do with articles (see accounts.roles)."""

WRITING = [
    "add_article", "change_article", "view_article", "submit_article",
    "add_byline", "change_byline", "delete_byline", "view_byline",
    "add_articleimage", "change_articleimage", "delete_articleimage", "view_articleimage",
    "add_image", "change_image", "view_image", "view_section", "view_correction",
]  # fmt: skip
EDITING = [
    *WRITING,
    "delete_article", "publish_article", "change_others_article",
    "add_section", "change_section", "delete_section",
    "delete_image", "add_correction", "change_correction", "view_imagerendition",
]  # fmt: skip
GRANTS = {
    "reporter": WRITING,
    "editor": EDITING,
    "moderator": ["view_article", "view_section"],
    "admin": [*EDITING, "delete_correction"],
}
TAG_GRANTS = {
    role: ["add_tag", "change_tag", "view_tag"] for role in ("reporter", "editor", "admin")
}
