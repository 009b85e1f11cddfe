"""Reporters and editors create people on the fly when they write bylines."""

GRANTS = {
    "reporter": ["add_person", "view_person"],
    "editor": ["add_person", "change_person", "view_person"],
    "admin": ["add_person", "change_person", "delete_person", "view_person"],
}
