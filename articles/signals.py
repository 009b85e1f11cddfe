"""Signals the editorial core sends so that features built on it can react.

The core must not import coverage or comments; they listen here instead.
"""

from django.dispatch import Signal

# Sent after the transaction that published or re-imported an article commits.
# Arguments: article_id.
article_published = Signal()

# Sent by the worker when a published article's publication time (its embargo) has
# come and readers see it from then on: nothing was written, so nothing else would say
# so. Arguments: article_id.
article_embargo_lifted = Signal()
