from django.dispatch import Signal

# Sent once an article's entity mentions have been suggested (the task ran), with
# ``article_id``: what later steps that read mentions, such as clustering, wait for.
mentions_suggested = Signal()

# Sent after an editor's decision changed which entities an article mentions (a mention
# confirmed, rejected or reopened, a shared name resolved, two entities merged or a
# merge undone), with ``article_id``, once the decision has committed.
mentions_changed = Signal()
