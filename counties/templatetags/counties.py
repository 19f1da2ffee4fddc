from urllib.parse import urlsplit

from django import template
from django.utils.html import format_html
from django.utils.translation import get_language, gettext

from .. import where as where_words
from .. import wording
from ..models import Agreement, local_county_name, local_state_name
from ..status import MODEL_ANCHOR
from ..wording import MODEL_MEANS, STATUS_LABELS, agency_counts, model_list

register = template.Library()


# ICE's own web host: only links there are labelled "ice.gov" on a page.
ICE_HOSTS = frozenset({"www.ice.gov", "ice.gov"})


@register.filter
def link_host(url: str) -> str:
    """The host a reader's browser goes to: 'ice.gov' for ICE's own site, else the host as it is.

    'https://www.ice.gov/doclib/x.pdf' -> 'ice.gov'; 'https://ice.gov.example.net/x' -> 'ice.gov.example.net';
    'https://evil.example\\@www.ice.gov/x.pdf' -> 'evil.example' (where the browser goes).
    """
    try:  # a browser reads a backslash in a web address as a slash, and drops "user@" before the host
        host = (urlsplit((url or "").replace("\\", "/")).hostname or "").rstrip(".")
    except ValueError:  # a malformed address (an unbalanced "[")
        return ""
    return "ice.gov" if host in ICE_HOSTS else host


@register.filter
def model_anchor(model: str) -> str:
    """'jail' -> 'jail-enforcement': the anchor of that model on the explainer's models page."""
    return MODEL_ANCHOR.get(model, "")


@register.filter
def model_means(model: str) -> str:
    return MODEL_MEANS.get(model, "")


@register.filter
def model_label(model: str) -> str:
    try:
        return Agreement.Model(model).label
    except ValueError:
        return ""


@register.filter
def status_label(code: str) -> str:
    return STATUS_LABELS.get(code, "")


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def model_labels(models) -> str:
    """['jail', 'task-force'] -> 'Jail Enforcement and Task Force'."""
    return model_list(models)


@register.filter
def percent(share) -> str:
    """Decimal('0.974212') -> '97%'; a sliver shows as '<1%' rather than '0%'."""
    value = float(share) * 100
    return "<1%" if 0 < value < 1 else f"{value:.0f}%"


@register.filter
def agency_with_models(agreements) -> str:
    """One agency's agreements -> 'Texas DPS (Task Force)' in the active language (wording.agency_with_models)."""
    return wording.agency_with_models(agreements[0].agency.name, [a.model for a in agreements])


@register.filter
def about_percent(share) -> str:
    """Decimal('0.974212') -> 'about 97%'; a sliver is 'less than 1%' (where.about_share)."""
    return where_words.about_share(share)


@register.filter(name="agency_counts")
def agency_counts_filter(by_kind) -> str:
    """CountyStatus.agencies_by_kind -> '1 sheriff's office, 3 police departments'."""
    return agency_counts(by_kind)


@register.simple_tag
def stored_text(text: str, css_class: str = "") -> str:
    """A text kept in the database in English (a TCJS caveat, a source line), in the reader's language.

    The loader's texts are in the catalogue whole (counties/importers/reference.py marks them); one an
    editor typed is not, and is shown as it is, marked as English so that a screen reader says it right.
    """
    if not text:
        return ""
    translated = gettext(text)
    lang = "en" if translated == text and get_language() != "en" else ""
    if lang:
        return format_html('<span class="{}" lang="en">{}</span>', css_class, text)
    return format_html('<span class="{}">{}</span>', css_class, translated) if css_class else translated


@register.simple_tag
def list_checked(status) -> str:
    return wording.list_checked(status)


@register.simple_tag
def state_list_checked(snapshot, state) -> str:
    """The state page's: how current ICE's list is, said of the state's sheriffs."""
    return wording.list_currency(snapshot, texas=state.code == "TX", sheriffs=True)


@register.simple_tag
def no_agreement_caveat(status) -> str:
    return wording.no_agreement_caveat(status)


@register.filter
def placement_sentence(where) -> str:
    """How the site knows an agency works in the county of the page (status.Where), in plain words."""
    return where_words.placement_sentence(where)


@register.filter
def local_state(name: str) -> str:
    """A state's Census name as the active language says it ("North Carolina" / "Carolina del Norte")."""
    return local_state_name(name)


@register.filter
def local_county(name: str, article: str = "") -> str:
    """A county's name as running text says it in the active language (County.local_name);
    `|local_county:"el"` after a preposition mid-sentence ("trabaja en el condado de Tarrant")."""
    return local_county_name(name, article=bool(article))
