"""A reader's public face and mail preferences.

Usernames are internal (allauth derives them from the email address); readers sign in
with their email and appear under ``display_name``, which is what comments show.
"""

from django.conf import settings
from django.db import models

from .names import display_name_key


class Profile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile"
    )
    display_name = models.CharField(
        max_length=50, help_text="Shown beside your comments instead of your email address."
    )
    # accounts.names.display_name_key(display_name), kept in step by save(): one reader
    # per name whatever its case or accents, however the row is written.
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

    def save(self, *args, **kwargs):
        self.display_name_key = display_name_key(self.display_name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "display_name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "display_name_key"}
        super().save(*args, **kwargs)
