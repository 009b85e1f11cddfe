"""``{% article_entities article %}``: the people, places and events an article names.

For the article page (owned by articles, below this app): mentions pulls itself into
the page through this tag, as comments do with theirs. One query, links to each
entity's page, in order of first mention.
"""

from django import template

from articles.prepared import PreparedQuery
from mentions.models import Mention
from mentions.selectors import PUBLIC_STATES

register = template.Library()

HEADINGS = {"person": "People", "place": "Places", "event": "Events"}

# Compiled once per process (articles/prepared.py).
ARTICLE_MENTIONS = PreparedQuery(
    lambda article_id: (
        Mention.objects.filter(article_id=article_id, state__in=PUBLIC_STATES)
        .select_related("person", "place", "event")
        .order_by("first_position", "pk")
    ),
    article_id=int,
)


@register.inclusion_tag("entities/_article_entities.html")
def article_entities(article):
    mentions = ARTICLE_MENTIONS.run(article_id=article.pk)
    groups = {kind: [] for kind in HEADINGS}
    for mention in mentions:
        groups[mention.entity.kind].append(mention.entity)
    return {"groups": [(HEADINGS[kind], found) for kind, found in groups.items() if found]}
