"""Logging filters named in the settings' LOGGING."""

import logging


class PermissionDeniedOneLine(logging.Filter):
    """A 403 is logged as one line ("Forbidden (Permission denied): /moderation/").

    Django logs every PermissionDenied with its traceback, which buries real errors under
    routine refusals: a reader opening a moderator's page is not a fault in the code.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "status_code", None) == 403:
            record.exc_info = None
            record.exc_text = None
        return True
