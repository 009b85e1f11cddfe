"""``{% article_entities article %}``: the people, places and events an article names.

For the article page (owned by articles, below this app): mentions pulls itself into
the page through this tag, as comments do with theirs. One query, links to each
entity's page, in order of first mention. The page shows an article readers see, or
its preview to an editor: the article's standing mentions, whatever its state.
"""

from django import template

from mentions.selectors import article_mentions

register = template.Library()

HEADINGS = {"person": "People", "place": "Places", "event": "Events"}


@register.inclusion_tag("entities/_article_entities.html")
def article_entities(article):
    mentions = article_mentions(article=article)
    groups = {kind: [] for kind in HEADINGS}
    for mention in mentions:
        groups[mention.entity.kind].append(mention.entity)
    return {"groups": [(HEADINGS[kind], found) for kind, found in groups.items() if found]}
