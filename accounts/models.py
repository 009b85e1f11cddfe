"""A reader's public face and mail preferences.

Usernames are internal (allauth derives them from the email address); readers sign in
with their email and appear under ``display_name``, which is what comments show.
"""

from django.conf import settings
from django.db import models


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(
        max_length=50, help_text="Shown beside your comments instead of your email address."
    )
    # accounts.names.display_name_key(display_name), set by the services: one reader per
    # name whatever its case or accents.
    display_name_key = models.CharField(max_length=50, unique=True, editable=False)
    notify_on_reply = models.BooleanField(
        default=True, help_text="Email me when someone replies to my comment."
    )
    notify_on_rejection = models.BooleanField(
        default=True, help_text="Email me when a moderator rejects my comment."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return self.display_name
