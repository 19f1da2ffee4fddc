"""Words a resident reads for what the data holds: the models, the statuses, the answer sentence.

The answer sentence is the county page's own (templates/counties/_county_answer.html), so the site says it
one way everywhere: the county page, the flyer, the embeddable card, the share image and link previews.
Everything is evaluated when called, so the active language decides (the flyer renders both languages in
one page with `{% language %}`). Every sentence carries the date of the data.
"""

import html
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.formats import date_format
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import get_text_list
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext, ngettext_lazy

from . import pagecache
from .deadline import SB8_DEADLINE, Phase, sb8_phase, sb8_valid_until
from .models import Agency, Agreement
from .status import MODEL_ORDER, CountyStatus, Status, sorted_models

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

# What each model can mean for a resident, and where (FACTS.md b2, b7: jail; b4, b8: warrants in jail;
# b3, b14, b15: task force in routine police work). The county page's "What this means for you".
FOR_YOU = {
    Agreement.Model.JAIL: (
        gettext_lazy("In jail"),
        gettext_lazy(
            "If you are booked into this agency's jail on a criminal charge, trained officers may ask about your "
            "immigration status and start ICE's paperwork."
        ),
    ),
    Agreement.Model.WARRANT: (
        gettext_lazy("In jail"),
        gettext_lazy(
            "Officers may serve ICE's warrants on people already held in this agency's jail, so that ICE can "
            "take them. They do not ask people about their immigration status."
        ),
    ),
    Agreement.Model.TASK_FORCE: (
        gettext_lazy("At a traffic stop, or anywhere these officers work"),
        gettext_lazy(
            "Trained officers may question people they think are in the U.S. unlawfully, and in some cases arrest "
            "them without a warrant."
        ),
    ),
}

# The same for an agreement of a state agency (Agency.statewide): a state agency's jail models apply to the
# people that agency holds, not to the county jail; its Task Force officers work across the state.
STATEWIDE_FOR_YOU = {
    Agreement.Model.JAIL: (
        gettext_lazy("If this state agency holds you"),
        gettext_lazy(
            "Its officers trained by ICE may ask people this agency holds about their immigration status and "
            "start ICE's paperwork. This agreement does not cover the county jail."
        ),
    ),
    Agreement.Model.WARRANT: (
        gettext_lazy("If this state agency holds you"),
        gettext_lazy(
            "Its officers may serve ICE's warrants on people this agency already holds, so that ICE can take "
            "them. This agreement does not cover the county jail."
        ),
    ),
    Agreement.Model.TASK_FORCE: FOR_YOU[Agreement.Model.TASK_FORCE],
}

STATEWIDE_HELD_BRIEF = gettext_lazy(
    "These agreements apply to the people the state agency holds, not to the county jail."
)

STATUS_LABELS = {
    "sheriff": gettext_lazy("Sheriff has an agreement"),
    "others": gettext_lazy("Other agencies only"),
    "former": gettext_lazy("Sheriff's agreement no longer listed"),
    "none": gettext_lazy("No agreement listed"),
    "unknown": gettext_lazy("Not known"),
    # the Texas map's SB 8 view (sb8.Sb8Category)
    "sb8-signed": gettext_lazy("SB 8 applies: the sheriff has an agreement"),
    "sb8-requested": gettext_lazy("SB 8 applies: the sheriff has only asked for one"),
    "sb8-neither": gettext_lazy("SB 8 applies: neither an agreement nor a request on ICE's newest lists"),
    "sb8-nojail": gettext_lazy("No county jail: SB 8 does not bind the sheriff"),
    "sb8-unknown": gettext_lazy("Not known whether the county runs a jail"),
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
        "%(count)d prosecutor's office", "%(count)d prosecutors' offices", "count"
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


def list_checked(status: CountyStatus) -> str:
    """How current ICE's list behind a county's status is, in one sentence ('' when there is nothing to add).
    Every surface that states a status says it (the county page, the flyer, the embed, the link preview,
    through _county_answer.html; the SB 8 box)."""
    return list_currency(status.snapshot, texas=status.county.state.code == "TX")


def sb8_map_note(snapshot, pending) -> str:
    """What the Texas map's SB 8 view shows, as of which lists, and where the reported deadline stands."""
    if snapshot is None:
        return ""
    values = {
        "date": date_format(snapshot.as_of),
        "pending": date_format(pending.as_of) if pending else "",
        "deadline": date_format(SB8_DEADLINE),
    }
    if pending is not None:
        lists = _("Agreements as of ICE's list of %(date)s; requests as of its pending list of %(pending)s.")
    else:
        lists = _("Agreements as of ICE's list of %(date)s; this site holds none of ICE's pending lists.")
    phase = sb8_phase(pagecache.today())
    deadline = {
        Phase.BEFORE: _("SB 8's deadline is reported as %(deadline)s."),
        Phase.ON: _("SB 8's deadline is reported as %(deadline)s: that is today."),
        Phase.AFTER: _("SB 8's reported deadline, %(deadline)s, has passed."),
    }[phase]
    currency = list_currency(snapshot, texas=True, sheriffs=True)  # also says until when these words hold
    return " ".join(part for part in (lists % values, deadline % values, currency) if part)


def list_currency(snapshot, *, texas: bool, sheriffs: bool = False) -> str:
    """How current ICE's list is: when a check (the site's own, or the archive's last sighting) found ICE
    still serving it as its newest after its own date, that date; and for Texas after SB 8's deadline, that
    the list predates the deadline, or that a check after the deadline still found it ICE's newest.
    `sheriffs`: said of a state's sheriffs (the state page), not of one county's sheriff."""
    if snapshot is None:
        return ""
    today = pagecache.today()
    checked = snapshot.unchanged_through if snapshot.unchanged_through > snapshot.as_of else None
    until = sb8_valid_until(today)
    if until:
        pagecache.valid_until(until)
    values = {
        "date": date_format(snapshot.as_of),
        "checked": date_format(checked) if checked else "",
        "deadline": date_format(SB8_DEADLINE),
    }
    if texas and sb8_phase(today) != Phase.BEFORE and snapshot.as_of < SB8_DEADLINE:
        if checked and checked >= SB8_DEADLINE:
            return (
                _(
                    "ICE's list of %(date)s was still its newest when last checked, on %(checked)s, after SB 8's "
                    "reported deadline of %(deadline)s; an agreement signed since may not be on it yet."
                )
                % values
            )
        if checked and sheriffs:
            return (
                _(
                    "ICE's list of %(date)s, last confirmed as its newest on %(checked)s, predates SB 8's "
                    "reported deadline of %(deadline)s: it cannot show what Texas sheriffs have done since."
                )
                % values
            )
        if checked:
            return (
                _(
                    "ICE's list of %(date)s, last confirmed as its newest on %(checked)s, predates SB 8's "
                    "reported deadline of %(deadline)s: it cannot show what the sheriff has done since."
                )
                % values
            )
        if sheriffs:
            return (
                _(
                    "ICE's list of %(date)s predates SB 8's reported deadline of %(deadline)s: it cannot show what "
                    "Texas sheriffs have done since."
                )
                % values
            )
        return (
            _(
                "ICE's list of %(date)s predates SB 8's reported deadline of %(deadline)s: it cannot show what the "
                "sheriff has done since."
            )
            % values
        )
    if checked:
        return _("ICE's list of %(date)s was still its newest when last checked, on %(checked)s.") % values
    if texas and sb8_phase(today) != Phase.BEFORE:
        # a list of the deadline or later, that no check has seen again since its own day
        return _("No check has confirmed ICE's list of %(date)s as its newest since that day.") % values
    return ""


def status_sentence(status: CountyStatus, *, statewide: bool = True, caveat: bool = True) -> str:
    """The county page's answer sentence, plus how many agreements other agencies hold, the statewide
    agreements that cover the county (from the data's statewide flag), and, where the sheriff has none,
    what a jail shares with ICE without one; as plain text."""
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
    if status.code == Status.UNKNOWN:
        return text
    others = len(status.others_current)
    if others:
        agencies = {a.agency_id for a in status.others_current}
        if len(agencies) == 1:
            text += " " + ngettext(
                "Another agency in the county has %(count)d agreement.",
                "Another agency in the county has %(count)d agreements.",
                others,
            ) % {"count": others}
        else:
            text += " " + _("Other agencies in the county have %(count)d agreements.") % {"count": others}
        # An agency whose city lies in several counties is counted in each (the page says so under its name,
        # with how much of the city lies here): a count alone would read as all of it here.
        partly = {a.agency_id for a in status.others_current if getattr(a, "where", None) and a.where.part}
        if partly:
            text += " " + (
                _("Its city lies partly in another county.")
                if len(agencies) == 1
                else ngettext(
                    "The city of one of these agencies lies partly in another county.",
                    "The cities of %(count)d of these agencies lie partly in another county.",
                    len(partly),
                )
                % {"count": len(partly)}
            )
    if statewide and status.statewide:
        text += " " + statewide_sentence(status)
    if caveat and status.code != Status.SHERIFF:
        text += " " + no_agreement_caveat(status)
    return text


def statewide_agencies(status: CountyStatus) -> list[tuple[str, str]]:
    """[(agency name, its models)] of the statewide agencies whose agreements cover the county."""
    by_agency: dict[int, tuple[str, list[str]]] = {}
    for agreement in status.statewide:
        by_agency.setdefault(agreement.agency_id, (agreement.agency.name, []))[1].append(agreement.model)
    return [(name, model_list(models)) for name, models in by_agency.values()]


def agency_with_models(name: str, models: list[str]) -> str:
    """'Texas DPS (Task Force)'; in Spanish 'Texas DPS, con el modelo Fuerza de tarea (Task Force)' ('con los
    modelos' for several), as a model's Spanish label already holds its English name in brackets."""
    return ngettext("%(agency)s (%(models)s)", "%(agency)s (%(models)s)", len(models)) % {
        "agency": name,
        "models": model_list(models),
    }


ANSWER_AGENCIES_LIMIT = 5  # agencies named under a county page's answer; more are counted, with a link down


def answer_agencies(status: CountyStatus) -> tuple[list[tuple[Agency, list[Agreement]]], int]:
    """The county's agencies with an agreement on ICE's newest list, the sheriff first, each with its
    agreements (for the lines under the answer, with their models and dates), and how many more are only
    counted there (a county with many: up to 12 today)."""
    groups: dict[int, tuple[Agency, list[Agreement]]] = {}
    for agreement in status.current:
        groups.setdefault(agreement.agency_id, (agreement.agency, []))[1].append(agreement)
    named = list(groups.values())
    if len(named) <= ANSWER_AGENCIES_LIMIT:
        return named, 0
    shown = ANSWER_AGENCIES_LIMIT - 1
    return named[:shown], len(named) - shown


STATEWIDE_NAMES_LIMIT = 4  # more than this many statewide agencies are counted, not named, in one sentence


def statewide_sentence(status: CountyStatus) -> str:
    """'4 agencies of the Texas state government also have agreements with ICE: A (Task Force); …' (not
    "cover this county": a state agency's jail agreements apply to the people it holds, STATEWIDE_FOR_YOU)."""
    agencies = statewide_agencies(status)
    if not agencies:
        return ""
    if len(agencies) > STATEWIDE_NAMES_LIMIT:
        return ngettext(
            "%(count)d agency of the %(state)s state government also has an agreement with ICE (the county's "
            "page lists it).",
            "%(count)d agencies of the %(state)s state government also have agreements with ICE (the county's "
            "page lists them).",
            len(agencies),
        ) % {"count": len(agencies), "state": status.county.state.local_name}
    by_agency: dict[int, tuple[str, list[str]]] = {}
    for agreement in status.statewide:
        by_agency.setdefault(agreement.agency_id, (agreement.agency.name, []))[1].append(agreement.model)
    names = "; ".join(agency_with_models(name, sorted_models(models)) for name, models in by_agency.values())
    return ngettext(
        "%(count)d agency of the %(state)s state government also has an agreement with ICE: %(names)s.",
        "%(count)d agencies of the %(state)s state government also have agreements with ICE: %(names)s.",
        len(agencies),
    ) % {"count": len(agencies), "state": status.county.state.local_name, "names": names}


def no_agreement_caveat(status: CountyStatus) -> str:
    """No agreement is not no cooperation (FACTS.md b20, b27: detainers; b29: Texas fingerprints)."""
    if status.county.state.code == "TX":
        return _(
            "Even without an agreement, ICE can send a jail a detainer (a request to hold someone for ICE), "
            "and every Texas county jail checks the fingerprints of the people it books against federal "
            "databases, immigration ones included."
        )
    return _("Even without an agreement, ICE can send a jail a detainer (a request to hold someone for ICE).")


def sb8_sentence(status: CountyStatus, *, brief: bool = True, short: bool = False) -> str:
    """Texas only: what SB 8 asks of this sheriff on today's date and what ICE's lists show, as HTML on one
    line (the county page's SB 8 box says the same, templates/counties/_sb8_answer.html; in Spanish the
    law's own English words are marked lang="en"); '' elsewhere. `plain()` of it for plain text."""
    if status.county.state.code != "TX" or status.code == Status.UNKNOWN:
        return ""
    rendered = render_to_string(
        "counties/_sb8_answer.html",
        {
            "county": status.county,
            "status": status,
            "sb8": status.sb8(pagecache.today()),
            "brief": brief,
            "short": short,
        },
    )
    return mark_safe(" ".join(rendered.split()))  # noqa: S308 - a template's output, escaped by it


@dataclass
class ForYou:
    """One model that applies in a county, for "What this means for you"."""

    model: str
    label: str
    where: str
    means: str
    agencies: list[str]
    statewide: bool
    named: str  # the agencies' names, or (brief, when there are many) how many they are
    models_count: int = (
        1  # how many models `label` names (the flyer's one item for a state agency's jail models)
    )


FLYER_NAMES_LIMIT = 3  # on the flyer, more agencies than this in one item are counted (the page names them)


def _named(names: list[str], brief: bool) -> str:
    if brief and len(names) > FLYER_NAMES_LIMIT:
        return ngettext("%(count)d agency", "%(count)d agencies", len(names)) % {"count": len(names)}
    return ", ".join(names)


def for_you(status: CountyStatus, *, brief: bool = False) -> list[ForYou]:
    """The models that apply in the county (its own agencies first, then the statewide ones), each with
    where it matters and the agencies that hold it. `brief`, for the flyer: one item per model and meaning
    (a state agency's Task Force officers with the county's own; its jail agreements apart, since they do
    not cover the county jail), the agencies counted when there are many."""
    items = []
    for agreements, statewide in ((status.current, False), (status.statewide, True)):
        by_model: dict[str, list[str]] = {}
        for agreement in agreements:
            names = by_model.setdefault(agreement.model, [])
            if agreement.agency.name not in names:
                names.append(agreement.agency.name)
        for model in sorted_models(by_model):
            where, means = (STATEWIDE_FOR_YOU if statewide else FOR_YOU)[model]
            label = Agreement.Model(model).label
            names = by_model[model]
            items.append(
                ForYou(model, str(label), str(where), str(means), names, statewide, _named(names, brief))
            )
    if not brief:
        return items
    merged: dict[tuple[str, str], ForYou] = {}
    state = status.county.state.local_name
    held = [item for item in items if item.statewide and item.model != Agreement.Model.TASK_FORCE]
    if len(held) > 1:  # a state agency's jail models, said once: they do not cover the county jail
        names = list(dict.fromkeys(name for item in held for name in item.agencies))
        first = held[0]
        first.label = model_list([item.model for item in held])
        first.models_count = len(held)
        first.agencies, first.named = names, _named(names, brief)
        first.means = str(STATEWIDE_HELD_BRIEF)
        items = [item for item in items if item not in held[1:]]
    for item in items:
        key = (item.model, item.means)
        first = merged.get(key)
        if first is None:
            if item.statewide and item.model == Agreement.Model.TASK_FORCE:
                item.named = _("across all of %(state)s, %(agencies)s") % {
                    "state": state,
                    "agencies": item.named,
                }
                item.statewide = False
            merged[key] = item
        else:  # the statewide Task Force agencies, where the county's own agencies hold that model too
            first.agencies += item.agencies
            first.named += _(" and, across all of %(state)s, %(agencies)s") % {
                "state": state,
                "agencies": item.named,
            }
    # each model in its order; a state agency's jail models after the county's own, before the Task Force
    held_at = MODEL_ORDER.index(Agreement.Model.WARRANT) + 0.5
    return sorted(
        merged.values(), key=lambda item: held_at if item.statewide else MODEL_ORDER.index(item.model)
    )


def model_meanings():
    """[(value, label, meaning)] for the three models, translated when rendered."""
    return [(model.value, model.label, MODEL_MEANS[model]) for model in MODEL_MEANS]
