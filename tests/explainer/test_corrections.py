"""The sentences a fact-check of the site found false, misleading or stale after SB 8's deadline (issue 22,
FACTS.md section i), each checked in both languages against its new wording and its old one."""

import datetime

import pytest
from django.utils import timezone

from tests.pages import page_text

from .test_figures import load, tf
from .test_figures import texas_counties as counties_of_texas

pytestmark = pytest.mark.django_db

AFTER = datetime.date(2026, 12, 6)
BEFORE = datetime.date(2026, 11, 20)


@pytest.fixture
def on_day(monkeypatch):
    def set_day(day):
        monkeypatch.setattr(timezone, "localdate", lambda *args: day)

    return set_day


def text_of(client, path):
    response = client.get(path)
    assert response.status_code == 200
    return page_text(response)


@pytest.fixture
def may_list():
    """ICE's newest list as the site holds it today: May 18, 2026, a Tarrant sheriff's agreement."""
    counties_of_texas()
    return load(
        datetime.date(2026, 5, 18),
        [
            tf(
                "Made-up Tarrant County Sheriff",
                "Tarrant County",
                kind="County",
                model="Jail Enforcement Model",
            )
        ],
    )


def test_dallas_area_table_says_its_list_predates_the_deadline_only_after_it(client, may_list, on_day):
    on_day(BEFORE)
    assert "predates" not in text_of(client, "/dallas-area/")
    on_day(AFTER)
    english = text_of(client, "/dallas-area/")
    assert (
        "ICE's list of May 18, 2026 predates SB 8's reported deadline of Dec. 1, 2026: it cannot show what "
        "Texas sheriffs have done since."
    ) in english
    assert "That day has passed. The table may not show what sheriffs have done since." in english
    spanish = text_of(client, "/es/dallas-area/")
    assert (
        "La lista de ICE del 18 de mayo de 2026 es anterior a la fecha límite que se informó para la SB 8, el 1 "
        "de diciembre de 2026: no puede mostrar lo que han hecho los alguaciles de Texas desde entonces."
    ) in spanish


def test_dallas_area_page_names_the_sheriff_rightly_and_reports_her_words_as_a_statement(client, may_list):
    english = text_of(client, "/dallas-area/")
    assert "Marion" not in english and "with a condition" not in english and "if the county" not in english
    assert "Marian Brown was named interim Dallas County sheriff in December 2017" in english
    assert "KRLD reported her answer to Paxton: the county is already doing what one of the models" in english
    # June 1 of a year KRLD does not give: said so, not left to look like this year
    assert "He asked the sheriff to report back by June 1. KRLD's story shows no date" in english
    # no list date typed by hand (the site holds no list of May 1, 2025)
    assert "May 1, 2025" not in english and "March 6" not in english
    assert (
        "None of ICE's lists from those months shows an agreement for the Dallas County sheriff." in english
    )
    assert "The reports below are from February 2025 to early 2026." in english
    spanish = text_of(client, "/es/dallas-area/")
    assert (
        "Marion" not in spanish and "El alguacil Marian" not in spanish and "con una condición" not in spanish
    )
    assert "Marian Brown fue nombrada alguacil interina del condado de Dallas" in spanish
    assert "KRLD informó la respuesta de la alguacil a Paxton" in spanish
    assert "1 de mayo de 2025" not in spanish
    assert "Las noticias de abajo son de febrero de 2025 a principios de 2026" in spanish


def test_money_is_what_dhs_announced_in_2025_not_what_ice_pays_today(client, may_list):
    for path in ("/money/", "/what-is-287g/"):
        english = text_of(client, path)
        assert "ICE will fully pay back" not in english and "ICE has offered" not in english
        assert "ICE will also cover" not in english
    money = text_of(client, "/money/")
    assert "DHS said ICE would fully pay back the yearly salary and benefits" in money
    assert "We have found no newer source that says whether the offer still stands" in money
    assert (
        "In September 2025, DHS announced that, starting October 1, 2025, ICE would pay back the salary"
        in text_of(client, "/what-is-287g/")
    )
    dinero = text_of(client, "/es/money/")
    assert "ICE les devuelve" not in dinero and "ICE también cubre" not in dinero
    assert "el DHS dijo que ICE les devolvería a las agencias todo el salario anual" in dinero
    que_es = text_of(client, "/es/what-is-287g/")
    assert "ICE ofrece reembolsar" not in que_es
    assert "el DHS anunció que, a partir del 1 de octubre de 2025, ICE reembolsaría" in que_es


def test_the_citizenship_rule_is_told_as_an_old_undated_ice_page(client, may_list):
    english = text_of(client, "/models/")
    assert "An older ICE web page, with no date, said that officers chosen for 287(g) must be U.S." in english
    assert "Officers chosen for 287(g) must be U.S. citizens" not in english
    spanish = text_of(client, "/es/models/")
    assert "Una página antigua de ICE, sin fecha, decía que los agentes escogidos" in spanish


def test_the_deadline_rests_on_a_news_report_and_a_policy_group_in_both_languages(client, may_list, on_day):
    for day in (BEFORE, AFTER):
        on_day(day)
        english = text_of(client, "/texas-sb8/")
        assert "News reports" not in english and "news reports" not in english
        assert "A news report and a policy group" in english
        assert "had until this date to apply" in english or "have until this date to apply" in english
        spanish = text_of(client, "/es/texas-sb8/")
        # the Daily Yonder said "to apply by", not a compliance deadline
        assert (
            "tienen que cumplir a más tardar" not in spanish
            and "tenían que cumplir a más tardar" not in spanish
        )
        assert "Según un medio de noticias y un grupo de análisis de políticas públicas" in spanish
        assert "Según reportes de prensa" not in spanish and "Según la prensa" not in spanish


def test_the_federal_statute_is_cited_as_the_us_code_not_a_code_repository(client, may_list):
    for path in ("/sources/", "/es/sources/", "/what-is-287g/"):
        text = text_of(client, path)
        assert "GitHub" not in text and "codexstanford" not in text
    sources = text_of(client, "/what-is-287g/")
    assert "8 U.S.C. § 1357(g)" in sources and "uscode.house.gov" in sources


def test_what_one_sheriff_planned_or_said_is_not_told_as_done_or_as_many(client, may_list):
    """FACTS c21: El Paso's sheriff said his office "will move forward with" the WSO model (a repost), not
    that the county has that agreement; h5: one sheriff's reading, not "some sheriffs"."""
    english = text_of(client, "/texas-sb8/")
    assert "El Paso County's sheriff planned to use the Warrant Service Officer model" in english
    assert "sheriff chose the" not in english
    assert "At least one sheriff read it another way." in english and "Some sheriffs" not in english
    spanish = text_of(client, "/es/texas-sb8/")
    assert "el alguacil del condado de El Paso pensaba usar el modelo" in spanish
    assert "escogió el modelo" not in spanish
    assert (
        "Por lo menos un alguacil la leyó de otra forma." in spanish and "Algunos alguaciles" not in spanish
    )


def test_a_detainer_asks_and_the_advice_to_ask_for_a_lawyer_is_the_aclus(client, may_list):
    """FACTS b23 and h12: the I-247A asks the jail to keep the person (the jail is not given leave); g13:
    asking for a lawyer is the ACLU's advice (source 85), not the site's."""
    english = text_of(client, "/detainers/")
    assert "says the form asks the jail to keep the person" in english and "jail may keep" not in english
    assert "The ACLU of Arkansas says a person who is arrested has the right to a lawyer" in english
    spanish = text_of(client, "/es/detainers/")
    assert "el formulario le pide a la cárcel mantener a la persona" in spanish
    assert "la cárcel puede mantener" not in spanish
    assert "La ACLU de Arkansas dice que una persona arrestada tiene derecho a un abogado" in spanish
