"""What a frightened reader needs first (issue 28): the page "If someone is arrested or held for ICE", the
questions and answers, and the rights before the notes on the sources, in English and Spanish.

The general checks (sources resolve, quotes, no English on Spanish pages, Spanish terms, links) already run
on every page; these check what the issue promises of these pages in particular."""

import re

import pytest
from django.conf import settings
from django.utils import translation

from explainer import content
from explainer.content import render_page
from explainer.stats import SiteStats

from .test_explainer import parsed, url_of

LANGS = [code for code, _name in settings.LANGUAGES]
NEW_PAGES = ["if-held", "questions"]

# The steps of the if-held page, in the order the issue gives them; `legal-help` is linked from county pages.
IF_HELD_STEPS = ["find-the-person", "ice-hold", "lawyer-and-family", "court-date", "legal-help"]

# Questions the issue names (each a heading with this id in both languages, so links to them keep working).
REQUIRED_QUESTIONS = [
    "city-police",  # my city police, even if my sheriff has no agreement
    "status-at-stop",  # a deputy asking my status at a traffic stop, by model
    "no-agreement",  # police where there is no agreement
    "give-name",  # must I give my name (Texas)
    "booking",  # what happens at booking
    "how-long",  # how long a detainer holds someone
    "sb8-who",  # does SB 8 cover police departments or only sheriffs
    "sb8-deadline",  # sheriffs who have not complied by Dec. 1, 2026
    "sb4",  # the same as SB 4? (only the 2017 law is sourced)
    "call-911",  # can I still call 911 or report a crime
    "u-visa",  # crime victims: the U visa only as something to ask a lawyer about
    "complaint",  # complaining about an officer acting under an agreement
    "signed-agreement",  # where is the signed agreement for my county
    "how-old",  # how old is this information
]

HEADING_RE = re.compile(r'<h([23]) id="([a-z0-9-]+)">(.*?)</h\1>', re.S)
TAG_RE = re.compile(r"<[^>]+>")


def prose(html: str) -> str:
    """The page's own text, without the header, the list of sources and the footer."""
    return html.split('<div class="prose">', 1)[1].split('<section class="sources-box"', 1)[0]


def get_prose(client, lang, slug) -> str:
    response = client.get(url_of(lang, slug))
    assert response.status_code == 200, (lang, slug)
    return prose(response.content.decode())


def sections(html: str, level: str) -> dict[str, tuple[str, str]]:
    """{id: (heading text, the html up to the next heading of this level or higher)}, in page order."""
    found = {}
    matches = list(HEADING_RE.finditer(html))
    for i, match in enumerate(matches):
        if match.group(1) != level:
            continue
        end = next((m.start() for m in matches[i + 1 :] if m.group(1) <= level), len(html))
        found[match.group(2)] = (TAG_RE.sub("", match.group(3)).strip(), html[match.end() : end])
    return found


def text(html: str) -> str:
    return " ".join(TAG_RE.sub(" ", html).split())


def links_to(html: str, lang: str, slug: str, anchor: str = "") -> bool:
    return f'href="{url_of(lang, slug)}{"#" + anchor if anchor else ""}"' in html


# --- both pages, both languages -------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("slug", NEW_PAGES)
def test_the_new_pages_exist_in_both_languages_and_answer(client, lang, slug):
    page = content.get_page(lang, slug)
    assert page is not None, (lang, slug)
    response = client.get(url_of(lang, slug))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{lang}">' in html and "content-error" not in html
    assert parsed(html).title.startswith(page.title + " · ")
    ending = "not legal advice." if lang == "en" else "no asesoría legal."
    assert text(prose(html)).endswith(ending)


def test_the_new_pages_have_titles_of_their_own():
    assert content.get_page("en", "if-held").title == "If someone is arrested or held for ICE"
    assert content.get_page("en", "questions").title == "Questions and answers"
    assert content.get_page("es", "questions").title == "Preguntas y respuestas"
    assert content.get_page("es", "if-held").title.startswith("Si arrestan a alguien")


@pytest.mark.django_db
def test_the_new_pages_are_in_the_sitemap_the_menu_and_the_footer(client):
    xml = client.get("/sitemap.xml").content.decode()
    locs = set(re.findall(r"<loc>([^<]+)</loc>", xml))
    for lang in LANGS:
        for slug in NEW_PAGES:
            assert settings.SITE_URL + url_of(lang, slug) in locs, (lang, slug)
        html = client.get(url_of(lang, "what-is-287g")).content.decode()
        nav = html.split("<nav aria-label=", 1)[1].split("</nav>", 1)[0]
        assert links_to(nav, lang, "if-held"), "what to do when someone is held is one tap away"
        footer = html.split('<footer class="site-footer">', 1)[1]
        assert links_to(footer, lang, "if-held") and links_to(footer, lang, "questions")


# --- if someone is held ---------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_the_if_held_steps_come_in_the_issue_order(client, lang):
    html = get_prose(client, lang, "if-held")
    steps = sections(html, "2")
    assert [slug for slug in steps if slug in IF_HELD_STEPS] == IF_HELD_STEPS
    assert next(iter(steps)) == "find-the-person", "the page opens with the first step"
    # Step 1: the county jail first, then ICE's locator and what it needs.
    find = text(steps["find-the-person"][1])
    jail = "county jail" if lang == "en" else "cárcel del condado"
    assert find.index(jail) < find.index("Online Detainee Locator")
    assert "country of birth" in find or "país de nacimiento" in find
    # Step 2: what a Texas jail must do, and the weekend question left open.
    hold = text(steps["ice-hold"][1])
    assert "48" in hold and ("Senate Bill 4" in hold or "SB 4" in hold)
    assert ("We do not know" in hold) if lang == "en" else ("No lo sabemos" in hold)
    assert links_to(steps["ice-hold"][1], lang, "detainers", "48-hours")
    # Step 3: call a lawyer or family; do not sign without a lawyer.
    lawyer = text(steps["lawyer-and-family"][1]).lower()
    assert ("sign anything" in lawyer) if lang == "en" else ("no firme nada" in lawyer)
    # Step 4: EOIR's line, with the A-number.
    court = text(steps["court-date"][1])
    assert "1-800-898-7180" in court and "EOIR" in court
    # Step 5: the legal-help section links on to the rights page's longer one.
    assert links_to(steps["legal-help"][1], lang, "your-rights", "legal-help")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_every_if_held_step_cites_its_sources(client, lang):
    steps = sections(get_prose(client, lang, "if-held"), "2")
    for slug in IF_HELD_STEPS:
        assert 'href="#source-' in steps[slug][1], (lang, slug)


# --- questions and answers ------------------------------------------------------------------------------


def question_sections(html):
    return sections(html, "3")


@pytest.mark.django_db
def test_at_least_25_questions_with_the_same_ids_in_both_languages(client):
    ids = {}
    for lang in LANGS:
        questions = question_sections(get_prose(client, lang, "questions"))
        assert len(questions) >= 25, (lang, len(questions))
        for anchor, (heading, _answer) in questions.items():
            assert heading.endswith("?"), (lang, anchor, heading)
            if lang == "es":
                assert "¿" in heading, (anchor, heading)
        ids[lang] = list(questions)
    assert ids["en"] == ids["es"], "the same questions, in the same order, with the same ids"
    assert set(REQUIRED_QUESTIONS) <= set(ids["en"])


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_every_answer_cites_a_source_or_links_a_page_on_every_day(lang):
    page = content.get_page(lang, "questions")
    site_paths = re.compile(r'href="/(?!/)')
    with translation.override(lang):
        stats = SiteStats()
        for case, day in content.deadline_days().items():
            rendered = render_page(page, stats, day=day)
            assert rendered.errors == []
            answers = question_sections(str(rendered.html))
            for anchor, (_heading, answer) in answers.items():
                words = text(answer)
                assert len(words.split()) >= 12, (lang, case, anchor, "an answer, not a stub")
                assert 'href="#source-' in answer or site_paths.search(answer), (lang, case, anchor)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_answers_the_sources_cannot_give_say_so_and_promise_nothing(client, lang):
    answers = {
        anchor: text(a) for anchor, (_h, a) in question_sections(get_prose(client, lang, "questions")).items()
    }
    not_answered = "do not" if lang == "en" else "no"
    # Police where there is no agreement, a 911 call in Dallas, the complaint office, sued sheriffs.
    for anchor in ("no-agreement", "dallas-911", "complaint", "sb8-deadline"):
        assert re.search(rf"(?i)(our sources|nuestras fuentes) {not_answered}", answers[anchor]), anchor
    # 911: no source promises protection, and the site does not either.
    call = answers["call-911"]
    no_promise = {"en": "No source we have promises", "es": "Ninguna fuente que tengamos promete"}[lang]
    assert no_promise in call
    assert not re.search(r"(?i)\b(you are safe|you will be protected|está a salvo|estará protegid)", call)
    # The U visa: something to ask a lawyer about, with the agency's discretion said.
    visa = answers["u-visa"]
    lawyer, decides = {"en": ("lawyer", "decides"), "es": ("abogado", "decide")}[lang]
    assert lawyer in visa and decides in visa and "2023" in visa
    # SB 4: only the 2017 law is in the sources, and the answer says which one it means.
    assert "2017" in answers["sb4"]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_the_sb8_deadline_answer_changes_tense_with_the_date(lang):
    page = content.get_page(lang, "questions")
    with translation.override(lang):
        stats = SiteStats()
        days = content.deadline_days()
        read = {
            case: text(question_sections(str(render_page(page, stats, day=day).html))["sb8-deadline"][1])
            for case, day in days.items()
        }
    assert len(set(read.values())) == 3
    past = "gave December 1, 2026" if lang == "en" else "la fecha límite fue el 1 de diciembre de 2026"
    assert past in read["after-deadline"] and past not in read["before-deadline"]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_the_complaint_and_signed_agreement_answers_point_to_the_agreements(client, lang):
    questions = question_sections(get_prose(client, lang, "questions"))
    html = client.get(url_of(lang, "questions")).content.decode()
    listed = dict(re.findall(r'<li id="source-(\d+)">(.*?)</li>', html, re.S))

    def cited_urls(answer):
        return " ".join(listed[n] for n in re.findall(r'href="#source-(\d+)"', answer))

    # j7: the complaint procedure is in each signed agreement; the county page links those ICE publishes.
    assert "memoranda of agreement" in cited_urls(questions["complaint"][1])
    assert "ice.gov/identify-and-arrest/287g" in cited_urls(questions["complaint"][1])
    assert "ice.gov/identify-and-arrest/287g" in cited_urls(questions["signed-agreement"][1])
    assert re.search(r'href="/(?:es/)?counties/tx/"', questions["signed-agreement"][1])


# --- your rights first ----------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_the_rights_come_before_the_note_on_the_sources_age(client, lang):
    html = get_prose(client, lang, "your-rights")
    order = list(sections(html, "2"))
    assert order[0] == "everyone", "the page opens with the rights"
    assert {"everyone", "traffic-stop", "identify", "arrested", "booking"} <= set(order)
    note = "Some sources are old" if lang == "en" else "Algunas fuentes son viejas"
    words = text(html)
    assert note in words, "the note on the sources' age is kept"
    rights = text(sections(html, "2")["everyone"][1])
    assert words.index(rights[:80]) < words.index(note)
    assert order.index("about-sources") > order.index("booking")
    assert note in text(sections(html, "2")["about-sources"][1])
    assert links_to(sections(html, "2")["arrested"][1], lang, "if-held")


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_the_detainers_page_opens_with_someone_being_held(client, lang):
    html = get_prose(client, lang, "detainers")
    order = sections(html, "2")
    first = next(iter(order))
    assert first == "someone-held"
    heading, body = order[first]
    assert ("held" in heading) if lang == "en" else ("detienen" in heading)
    assert links_to(body, lang, "if-held")
    assert html.lstrip().startswith('<h2 id="someone-held">'), "nothing comes before it"


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGS)
def test_the_models_page_links_to_your_rights_right_after_each_model(client, lang):
    models = sections(get_prose(client, lang, "models"), "2")
    for model in ("jail-enforcement", "warrant-service-officer", "task-force"):
        paragraphs = re.findall(r"<p>(.*?)</p>", models[model][1], re.S)
        second = paragraphs[1]  # the first paragraph describes the model
        targets = [("your-rights", "booking"), ("your-rights", "traffic-stop"), ("if-held", "")]
        assert any(links_to(second, lang, *target) for target in targets), (lang, model, second[:80])
