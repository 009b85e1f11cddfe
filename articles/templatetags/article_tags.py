from django import template

from articles import fragments
from articles.images import srcset
from pagecache import keys

register = template.Library()


@register.simple_tag
def srcset_for(image, fmt):
    """`srcset` for one format from prefetched renditions; empty until the worker ran."""
    return srcset(image, fmt)


@register.simple_tag
def article_card(article):
    """`articles/_card.html` for ``article``, from the fragment cache when this version of
    the card was rendered before (see articles/fragments.py)."""
    return fragments.article_card(article)


@register.simple_tag(takes_context=True)
def article_page_keys(context, article) -> str:
    """Register the keys of what the article page's head and body show (pagecache/keys.py):
    the article (its text, bylines, images, corrections, tags and the people, places and
    events it names all bump it), its outlet, section and tags. Each part that shows
    them calls it, so that a part kept alone (pagecache/parts.py) carries them."""
    keys.add(context.get("request"), f"article:{article.pk}", f"outlet:{article.outlet_id}")
    keys.add(context.get("request"), f"section:{article.section_id}")
    keys.add(context.get("request"), *(f"tag:{tag.pk}" for tag in article.tags.all()))
    return ""
