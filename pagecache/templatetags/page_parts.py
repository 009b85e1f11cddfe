"""``{% part "name" arg ... [keys=expr] [static] %}…{% endpart %}``: a block kept as a
part (parts.py).

The block's name is made of its arguments (``{% part "article-main" article.pk %}`` is
``article-main:42``); what it reads from the context must be the same for every anonymous
reader of that name, and it must register the keys of the data it shows: views and tags
do, through ``pagecache.keys.add``, and ``keys=`` names more (a key, or a list of keys)
for data read from the context inside the block, e.g. a lazy page object whose loads
register nothing. ``static`` marks a block that shows no data. On a hit the block is
not rendered, so lazy querysets it alone reads run no query.
"""

from django import template
from django.utils.safestring import mark_safe

from pagecache import keys
from pagecache.parts import cached_part

register = template.Library()


class PartNode(template.Node):
    def __init__(self, nodelist, name_parts, static: bool, page_keys=None):
        self.nodelist = nodelist
        self.name_parts = name_parts
        self.static = static
        self.page_keys = page_keys

    def render(self, context):
        name = ":".join(str(part.resolve(context)) for part in self.name_parts)
        request = context.get("request")

        def render() -> str:
            if self.page_keys is not None:
                named = self.page_keys.resolve(context)
                keys.add(request, *([named] if isinstance(named, str) else named))
            return str(self.nodelist.render(context))

        html = cached_part(request, name, render, static=self.static)
        # The block's own output, escaped when it was rendered.
        return mark_safe(html)  # noqa: S308


@register.tag("part")
def do_part(parser, token):
    bits = token.split_contents()[1:]
    static = bool(bits) and bits[-1] == "static"
    if static:
        bits = bits[:-1]
    page_keys = None
    if bits and bits[-1].startswith("keys="):
        page_keys = parser.compile_filter(bits.pop().removeprefix("keys="))
    if not bits:
        raise template.TemplateSyntaxError("{% part %} needs a name")
    nodelist = parser.parse(("endpart",))
    parser.delete_first_token()
    return PartNode(nodelist, [parser.compile_filter(bit) for bit in bits], static, page_keys)
