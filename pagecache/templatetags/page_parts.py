"""``{% part "name" arg ... [static] %}…{% endpart %}``: a block kept as a part (parts.py).

The block's name is made of its arguments (``{% part "article-main" article.pk %}`` is
``article-main:42``); what it reads from the context must be the same for every anonymous
reader of that name, and it must register the keys of the data it shows (views and tags
do, through ``pagecache.keys.add``). ``static`` marks a block that shows no data.
On a hit the block is not rendered, so lazy querysets it alone reads run no query.
"""

from django import template
from django.utils.safestring import mark_safe

from pagecache.parts import cached_part

register = template.Library()


class PartNode(template.Node):
    def __init__(self, nodelist, name_parts, static: bool):
        self.nodelist = nodelist
        self.name_parts = name_parts
        self.static = static

    def render(self, context):
        name = ":".join(str(part.resolve(context)) for part in self.name_parts)
        html = cached_part(
            context.get("request"),
            name,
            lambda: str(self.nodelist.render(context)),
            static=self.static,
        )
        # The block's own output, escaped when it was rendered.
        return mark_safe(html)  # noqa: S308


@register.tag("part")
def do_part(parser, token):
    bits = token.split_contents()[1:]
    static = bool(bits) and bits[-1] == "static"
    if static:
        bits = bits[:-1]
    if not bits:
        raise template.TemplateSyntaxError("{% part %} needs a name")
    nodelist = parser.parse(("endpart",))
    parser.delete_first_token()
    return PartNode(nodelist, [parser.compile_filter(bit) for bit in bits], static)
