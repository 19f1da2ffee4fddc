from django import template
from django.conf import settings
from django.template import NodeList
from django.template.loader_tags import BLOCK_CONTEXT_KEY, BlockNode
from django.urls import reverse
from django.utils.translation import get_language, gettext

from counties import wording
from counties.models import County, State

register = template.Library()

OG_LOCALES = {"en": "en_US", "es": "es_US"}


@register.simple_tag
def status_sentence(status, statewide=True, caveat=True):
    return wording.status_sentence(status, statewide=statewide, caveat=caveat)


@register.simple_tag
def status_headline(status):
    return wording.status_headline(status)


@register.simple_tag
def sb8_short(status):
    """The SB 8 line of the embeddable card and the flyer: what the law asks and when, only where the sheriff
    has no agreement (the county page says what ICE's two lists show)."""
    return "" if status.code == "sheriff" else wording.sb8_sentence(status, short=True)


@register.simple_tag
def for_you(status):
    return wording.for_you(status, brief=True)


@register.simple_tag
def model_meanings():
    return wording.model_meanings()


def _block_text(context, name: str) -> str:
    """The text of the page's most specific `{% block name %}`, rendered again, tags stripped.

    Lets base.html reuse each page's `title` and `description` blocks for link previews, so no
    page template has to say its title twice.
    """
    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    if block_context is None or block_context.get_block(name) is None:
        return ""
    return wording.plain(BlockNode(name, NodeList()).render(context))


@register.inclusion_tag("includes/_link_preview.html", takes_context=True)
def link_preview(context, title="", description=""):
    """Open Graph and Twitter card tags, plus Atom feed links, for the page being rendered."""
    request = context.get("request")
    county = context.get("county")
    state = context.get("state")
    county = county if isinstance(county, County) else None
    state = state if isinstance(state, State) else (county.state if county else None)
    image = image_alt = ""
    feeds = [{"title": gettext("287(g) changes"), "url": reverse("share:feed_site")}]
    if state is not None:
        feeds.append(
            {
                "title": gettext("287(g) changes in %(state)s") % {"state": state.local_name},
                "url": reverse("share:feed_state", args=[state.slug]),
            }
        )
    if county is not None:
        image = settings.SITE_URL + reverse("share:share_image", args=[county.state.slug, county.slug])
        image_alt = gettext("%(county)s, %(state)s: 287(g) status") % {
            "county": county.local_name,
            "state": county.state.local_name,
        }
        feeds.append(
            {
                "title": gettext("287(g) changes in %(county)s, %(state)s")
                % {"county": county.local_name, "state": county.state.local_name},
                "url": reverse("share:feed_county", args=[county.state.slug, county.slug]),
            }
        )
    language = get_language() or settings.LANGUAGE_CODE
    return {
        "title": title or _block_text(context, "title") or gettext("287(g) Explainer"),
        "description": description or _block_text(context, "description"),
        "url": settings.SITE_URL + (request.path if request else "/"),
        "image": image,
        "image_alt": image_alt,
        "site_name": gettext("287(g) Explainer"),
        "locale": OG_LOCALES.get(language, "en_US"),
        "alternate_locales": [OG_LOCALES[code] for code, _name in settings.LANGUAGES if code != language],
        "feeds": feeds,
    }
