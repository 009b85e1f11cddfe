"""Who changed what, when, and what it said before: one log for every app.

Readers and lawyers ask who changed a headline; moderators ask who banned whom. The
service that makes a change writes the entry in the same transaction, so no caller
can skip it. Like every app, it grants its permissions to the roles through
accounts.roles (apps.py); otherwise it imports no other app of ours, and every other
app may use it.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class EditorialLogEntry(models.Model):
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="editorial_log"
    )
    action = models.CharField(max_length=64, help_text='e.g. "article.publish"')
    target_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    target_id = models.CharField(max_length=64)
    target = GenericForeignKey("target_type", "target_id")
    target_repr = models.CharField(max_length=300, help_text="The target as it was named then.")
    payload = models.JSONField(default=dict, blank=True, help_text="before/after and details")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = "editorial log entry"
        verbose_name_plural = "editorial log"
        indexes = [
            models.Index(fields=["target_type", "target_id", "-created_at"], name="audit_target"),
            models.Index(fields=["action", "-created_at"], name="audit_action"),
        ]
        # The log has two readerships: see audit.roles and audit.selectors.
        permissions = [
            ("view_editorial_entries", "Can read editorial entries of the log"),
            ("view_moderation_entries", "Can read moderation entries of the log"),
        ]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target_repr}"
