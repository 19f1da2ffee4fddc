"""How the site knows where an agency works (status.Where), in the words the county page says it: ICE's
county, the agency's name, the city's Census place or ZIP codes, the hand-checked table or an editor."""

import re

from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .importers.corrections import CAMPUS, SERVES, TOWN
from .models import Agency, local_county_name
from .status import Where

# A Census place's name ends in its kind ("Overton city"); a reader sees the name alone.
PLACE_KIND = re.compile(r"\s+(city|town|village|CDP|borough)$")


# A county a public page gives (importers/corrections.py SOURCED), by what the page says.
SOURCED_WORDS = {
    CAMPUS: gettext_lazy(
        "A public page, checked by hand, says the college it serves has a campus in this county."
    ),
    TOWN: gettext_lazy("A public page, checked by hand, says it serves a town or township in this county."),
    SERVES: gettext_lazy("A public page, checked by hand, says it serves this county."),
}


def _city(via: str) -> str:
    """'Overton city' (the Census place's name) -> 'Overton'; a USPS or ICE spelling is kept."""
    return PLACE_KIND.sub("", via)


def _share(share) -> str:
    value = float(share) * 100
    return "<1%" if 0 < value < 1 else f"{value:.0f}%"


def about_share(share) -> str:
    """'about 40%', or 'less than 1%' for a sliver (never 'about <1%'), in the active language."""
    value = float(share) * 100
    if 0 < value < 1:
        return _("less than 1%")
    return _("about %(percent)s") % {"percent": f"{value:.0f}%"}


def placement_sentence(where: Where) -> str:
    """How the site knows that the agency works in the county of the page, in plain words: ICE's county,
    the agency's name, the city's Census place or ZIP codes, the hand-checked table or an editor; and, for a
    city in several counties, that it serves part of this one, with the share of the city's addresses."""
    others = get_text_list([local_county_name(name, article=True) for name in where.others], _("and"))
    if where.part:  # the counties the city lies in (not one an editor added: "It also works in" has those)
        others = get_text_list(
            [local_county_name(name, article=True) for name in where.city_others], _("and")
        )
    city = _city(where.via)
    how = {
        Agency.Placement.ICE: _("ICE's list gives its county as “%(via)s”."),
        Agency.Placement.NAME: _("Its name names this county."),
        Agency.Placement.PLACE: _("The Census Bureau's list of places puts %(city)s in this county."),
        Agency.Placement.GEONAMES: _(
            "GeoNames' list of places puts %(city)s inside this county's Census boundary."
        ),
        Agency.Placement.ZIP: _(
            "%(share)s of the addresses of the ZIP codes named %(city)s are in this county (HUD's ZIP code "
            "file)."
        ),
        Agency.Placement.TABLE: _("Its name or ICE's county column, read and checked by hand."),
        Agency.Placement.EDITOR: _("One of our editors placed it here."),
    }.get(where.how, "")
    if where.how == Agency.Placement.TABLE and where.via in SOURCED_WORDS:  # the template links the page
        how = str(SOURCED_WORDS[where.via])
    if where.how == Agency.Placement.ICE and PLACE_KIND.search(where.via):
        # ICE's county, checked against the Census place of the city (the place's name is what is kept)
        how = _("ICE's list gives its county, and the Census Bureau's list of places puts %(city)s in it.")
    words = [
        _("How we know it works here:"),
        how % {"via": where.via, "city": city, "share": _share_or(where)},
    ]
    if where.part and where.share is not None:
        words.append(
            _(
                "It serves part of this county: %(share)s of the addresses of %(city)s are here; the city also "
                "lies in %(others)s."
            )
            % {"share": about_share(where.share), "city": city, "others": others}
        )
    elif where.part:
        words.append(
            _("It serves part of this county: %(city)s also lies in %(others)s.")
            % {"city": city, "others": others}
        )
    elif where.others:
        words.append(_("It also works in %(others)s.") % {"others": others})
    return " ".join(word for word in words if word)


def _share_or(where: Where) -> str:
    return _share(where.share) if where.share is not None else "?"  # a ZIP code placement always has one
