"""Site-wide links to the explainer pages: the short top menu and the full list in the footer."""

from django import template
from django.utils.translation import get_language

from explainer import content

register = template.Library()


@register.inclusion_tag("explainer/_menu.html")
def explainer_menu():
    """`<li>` items for the few pages whose front matter says `menu = true`."""
    return {"pages": [p for p in content.pages_in(get_language()) if p.menu]}


@register.inclusion_tag("explainer/_index.html")
def explainer_index():
    """Every explainer page in the reader's language, in front-matter `order`."""
    return {"pages": content.pages_in(get_language())}
