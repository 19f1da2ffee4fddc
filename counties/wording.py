"""Words a resident reads for what the data holds: the models, the statuses, the answer sentence.

The answer sentence is the county page's own (templates/counties/_county_answer.html), so the site says it
one way everywhere: the county page, the flyer, the embeddable card, the share image and link previews.
Everything is evaluated when called, so the active language decides (the flyer renders both languages in
one page with `{% language %}`). Every sentence carries the date of the data.
"""

import html

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from .models import Agency, Agreement
from .status import SB8_DEADLINE, CountyStatus, Status

# Plain words for each model, from ICE's own descriptions (FACTS.md b2-b4).
MODEL_MEANS = {
    Agreement.Model.JAIL: gettext_lazy(
        "Trained jail officers identify people booked into the jail on criminal charges whom ICE may deport, "
        "and start ICE's paperwork for them."
    ),
    Agreement.Model.WARRANT: gettext_lazy(
        "Jail officers may serve ICE's administrative warrants on people already held in their jail, so that "
        "ICE can take them into custody."
    ),
    Agreement.Model.TASK_FORCE: gettext_lazy(
        "Officers may use limited immigration powers during their routine police work in the community, "
        "under ICE oversight."
    ),
}

STATUS_LABELS = {
    "sheriff": gettext_lazy("Sheriff has an agreement"),
    "others": gettext_lazy("Other agencies only"),
    "former": gettext_lazy("Sheriff's agreement no longer listed"),
    "none": gettext_lazy("No agreement listed"),
    "unknown": gettext_lazy("Not known"),
}


# "3 police departments": a count of agencies of one kind, in each language's plural forms.
AGENCY_COUNTS = {
    Agency.Kind.SHERIFF: ngettext_lazy("%(count)d sheriff's office", "%(count)d sheriff's offices", "count"),
    Agency.Kind.POLICE: ngettext_lazy("%(count)d police department", "%(count)d police departments", "count"),
    Agency.Kind.CONSTABLE: ngettext_lazy(
        "%(count)d constable's office", "%(count)d constable's offices", "count"
    ),
    Agency.Kind.MARSHAL: ngettext_lazy("%(count)d marshal's office", "%(count)d marshal's offices", "count"),
    Agency.Kind.DISTRICT_ATTORNEY: ngettext_lazy(
        "%(count)d district attorney's office", "%(count)d district attorney's offices", "count"
    ),
    Agency.Kind.STATE: ngettext_lazy("%(count)d state agency", "%(count)d state agencies", "count"),
    Agency.Kind.OTHER: ngettext_lazy("%(count)d other agency", "%(count)d other agencies", "count"),
}


def agency_counts(by_kind) -> str:
    """[('sheriff', 1), ('police', 3)] -> '1 sheriff's office, 3 police departments' (CountyStatus.agencies_by_kind)."""
    return ", ".join(AGENCY_COUNTS[Agency.Kind(kind)] % {"count": count} for kind, count in by_kind)


def model_list(models) -> str:
    """['jail', 'task-force'] -> 'Jail Enforcement and Task Force' (in the active language)."""
    return get_text_list([str(Agreement.Model(m).label) for m in models], _("and"))


def plain(rendered: str) -> str:
    """Rendered HTML -> one line of plain text (entities decoded), for images and re-escaping."""
    return " ".join(html.unescape(strip_tags(rendered)).split())


def status_headline(status: CountyStatus) -> str:
    """Short answer, e.g. for the share image: 'The sheriff has a 287(g) agreement with ICE'."""
    return {
        Status.SHERIFF: _("The sheriff has a 287(g) agreement with ICE"),
        Status.FORMER: _("ICE no longer lists the sheriff's 287(g) agreement"),
        Status.NONE: _("No sheriff's 287(g) agreement on ICE's list"),
        Status.UNKNOWN: _("287(g) status not known yet"),
    }[status.code]


def status_sentence(status: CountyStatus) -> str:
    """The county page's answer sentence, plus how many agreements other agencies hold, as plain text."""
    text = plain(
        render_to_string(
            "counties/_county_answer.html",
            {
                "county": status.county,
                "status": status,
                "sheriff_models_text": model_list(status.sheriff_models),
                "sheriff_former_models_text": model_list(status.sheriff_former_models),
            },
        )
    )
    others = len(status.others_current)
    if others and status.code != Status.UNKNOWN:
        text += " " + ngettext(
            "Another agency in the county has %(count)d agreement.",
            "Other agencies in the county have %(count)d agreements.",
            others,
        ) % {"count": others}
    return text


def sb8_sentence(status: CountyStatus) -> str:
    """Texas only: what SB 8 asks of this sheriff, or '' when it asks nothing here."""
    if status.county.state.code != "TX" or status.code in (Status.SHERIFF, Status.UNKNOWN):
        return ""
    if status.sb8_applies is True:
        return _(
            "Texas Senate Bill 8 requires this county's sheriff to request or enter into a 287(g) agreement "
            "with ICE by %(date)s."
        ) % {"date": date_format(SB8_DEADLINE)}
    if status.sb8_applies is None:
        return _(
            "Whether Texas Senate Bill 8 requires this county's sheriff to seek an agreement is not known."
        )
    return ""


def model_meanings():
    """[(value, label, meaning)] for the three models, translated when rendered."""
    return [(model.value, model.label, MODEL_MEANS[model]) for model in MODEL_MEANS]
