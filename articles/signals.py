"""Signals the editorial core sends so that features built on it can react.

The core must not import coverage or comments; they listen here instead.
"""

from django.dispatch import Signal

# Sent after the transaction that published or re-imported an article commits.
# Arguments: article_id.
article_published = Signal()
