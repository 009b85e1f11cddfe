from django.dispatch import Signal

# Sent once an article's entity mentions have been suggested (the task ran), with
# ``article_id``: what later steps that read mentions, such as clustering, wait for.
mentions_suggested = Signal()
