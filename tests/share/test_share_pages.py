"""Flyer, embeddable card, share image and link previews for a county."""

import datetime
import io
import re

import pytest
import zxingcpp
from django.conf import settings
from PIL import Image

from counties.models import Agency
from tests.counties.factories import AgencyFactory, AgreementFactory, CountyFactory, SnapshotFactory

pytestmark = pytest.mark.django_db

SVG_PATH = re.compile(r'<svg[^>]*viewBox="0 0 (\d+) (\d+)"[^>]*>.*?<path[^>]*\sd="([^"]+)"', re.S)


def rasterize_segno_svg(svg_html: str, scale: int = 8) -> Image.Image:
    """Draw segno's one-path SVG (M/m moves, h runs on row y+0.5) as a black-on-white image."""
    width, height, d = SVG_PATH.search(svg_html).groups()
    image = Image.new("L", (int(width) * scale, int(height) * scale), 255)
    x = y = 0.0
    for command, a, b in re.findall(r"([MmHh])\s*(-?[\d.]+)(?:\s+(-?[\d.]+))?", d):
        if command == "M":
            x, y = float(a), float(b)
        elif command == "m":
            x, y = x + float(a), y + float(b)
        else:
            run = float(a)
            row = int(y - 0.5)
            for col in range(int(x), int(x + run)):
                image.paste(0, (col * scale, row * scale, (col + 1) * scale, (row + 1) * scale))
            x += run
    return image


@pytest.fixture
def sample():
    snapshot = SnapshotFactory(as_of=datetime.date(2093, 3, 1))
    county = CountyFactory(name="Flyer County")
    sheriff = AgencyFactory(county=county, state=county.state, name="Flyer County Sheriff's Office")
    AgreementFactory(agency=sheriff, model="task-force", first_listed=snapshot)
    police = AgencyFactory(county=county, state=county.state, name="Flyer PD", kind=Agency.Kind.POLICE)
    AgreementFactory(agency=police, model="task-force", first_listed=snapshot)
    return county


@pytest.mark.parametrize(("prefix", "first", "second"), [("", "en", "es"), ("/es", "es", "en")])
def test_flyer_has_both_languages_page_language_first(client, sample, prefix, first, second):
    response = client.get(f"{prefix}/counties/zz/flyer-county/print/")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{first}">' in html
    sections = re.findall(r'<section lang="(\w+)"', html)
    assert sections == [first, second]
    assert "The sheriff has a 287(g) agreement with ICE" in html
    assert "March 1, 2093" in html  # the date of the data, in English
    assert "El alguacil (sheriff) tiene un acuerdo 287(g) con ICE" in html
    assert "1 de marzo de 2093" in html  # ... and in Spanish
    assert "What this means for you" in html and "Qué significa esto para usted" in html
    assert "At a traffic stop, or anywhere these officers work" in html  # the sheriff's Task Force model
    assert "Where to find legal help" in html and "Dónde encontrar ayuda legal" in html
    assert "Another agency in the county has 1 agreement." in html
    assert not re.search(r"\(?\d{3}\)?[ .-]\d{3}-\d{4}", html), "no phone number may appear"
    assert 'href="/static/css/flyer.css"' in html
    assert not response.cookies


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_flyer_qr_code_decodes_to_the_county_page(client, sample, prefix):
    html = client.get(f"{prefix}/counties/zz/flyer-county/print/").content.decode()
    (svg,) = re.findall(r'<svg role="img".*?</svg>', html, re.S)
    results = zxingcpp.read_barcodes(rasterize_segno_svg(svg))
    assert [r.text for r in results] == [f"{settings.SITE_URL}{prefix}/counties/zz/flyer-county/"]


def test_flyer_for_an_unknown_county_is_404(client):
    assert client.get("/counties/zz/nowhere-county/print/").status_code == 404


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_embed_card_is_framable_by_anyone_and_has_no_scripts(client, sample, prefix):
    first = client.get(f"{prefix}/embed/counties/zz/flyer-county/")
    response = client.get(f"{prefix}/embed/counties/zz/flyer-county/")  # the kept copy keeps its headers
    assert response.status_code == 200 and response.content == first.content
    # A 304 updates the headers the browser keeps with its copy: the card's own policy too.
    revalidated = client.get(f"{prefix}/embed/counties/zz/flyer-county/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert revalidated.status_code == 304
    for sent in (first, response, revalidated):
        assert "X-Frame-Options" not in sent
        assert sent["Content-Security-Policy"] == first["Content-Security-Policy"]
        assert "frame-ancestors *" in sent["Content-Security-Policy"]
        assert "script-src" not in sent["Content-Security-Policy"]
        assert "max-age=3600" in sent["Cache-Control"]
    html = response.content.decode()
    assert "<script" not in html
    assert (
        'target="_blank"' in html and f'href="{settings.SITE_URL}{prefix}/counties/zz/flyer-county/"' in html
    )
    assert "Flyer County" in html
    assert not response.cookies
    # every link opens outside the frame (a link in the card would otherwise replace the card in the
    # publisher's page): one <base target="_blank"> before the first link, no link that says otherwise
    assert html.index('<base target="_blank">') < html.index("<a ")
    assert re.findall(r"<a [^>]*>", html) and not re.search(r'<a [^>]*target="_(?:self|parent|top)"', html)


@pytest.mark.parametrize(
    ("prefix", "help_text", "advice"),
    [
        ("", "Get help", "287(g) Explainer · Not legal advice"),
        ("/es", "Buscar ayuda", "287(g) explicado · No es asesoría legal"),
    ],
)
def test_an_embed_card_says_it_is_not_legal_advice_and_links_where_to_get_help(
    client, sample, settings, prefix, help_text, advice
):
    """On a publisher's page the card may be all a reader sees: it says what it is not, and the way to
    help (the county page's help section) is one tap away, in the card's language."""
    html = client.get(f"{prefix}/embed/counties/zz/flyer-county/").content.decode()
    footer = html[html.index("<footer>") : html.index("</footer>")]
    help_url = f"{settings.SITE_URL}{prefix}/counties/zz/flyer-county/#get-help"
    assert re.search(rf'<a href="{re.escape(help_url)}"[^>]*>{help_text}</a>', footer)
    assert advice in footer
    page = client.get(f"{prefix}/counties/zz/flyer-county/").content.decode()
    assert 'id="get-help"' in page


def test_every_link_of_an_embed_card_opens_outside_the_frame_the_check_ices_page_link_too(client):
    """A list old enough that the card says to check ICE's page (issue 23: that link replaced the card inside
    the publisher's page)."""
    snapshot = SnapshotFactory(as_of=datetime.date(2020, 3, 1))
    county = CountyFactory(name="Stale County")
    sheriff = AgencyFactory(county=county, state=county.state, name="Stale County Sheriff's Office")
    AgreementFactory(agency=sheriff, model="jail", first_listed=snapshot)
    html = client.get(f"/embed/counties/{county.state.slug}/stale-county/").content.decode()
    links = re.findall(r"<a [^>]*>", html)
    assert any(settings.ICE_PAGE_URL in link for link in links)  # "Check ICE's 287(g) page"
    assert html.index('<base target="_blank">') < html.index("<a ")
    assert not re.search(r'<a [^>]*target="_(?:self|parent|top)"', html)


def test_other_pages_refuse_framing(client, sample):
    for url in ("/counties/zz/flyer-county/", "/counties/zz/flyer-county/print/", "/data/", "/changes/"):
        for _kept in range(2):
            response = client.get(url)
            assert response.status_code == 200, url
            assert response["X-Frame-Options"] == "DENY", url


def test_county_page_offers_print_feed_and_embed_snippet(client, sample):
    html = client.get("/counties/zz/flyer-county/").content.decode()
    assert 'href="/counties/zz/flyer-county/print/"' in html
    assert 'href="/feeds/zz/flyer-county.atom"' in html
    snippet = re.search(r'<textarea id="embed-code" readonly[^>]*>(.*?)</textarea>', html, re.S).group(1)
    assert f"&lt;iframe src=&quot;{settings.SITE_URL}/embed/counties/zz/flyer-county/&quot;" in snippet or (
        f'&lt;iframe src="{settings.SITE_URL}/embed/counties/zz/flyer-county/"' in snippet
    )
    assert '<label for="embed-code">' in html


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_share_image_is_a_1200x630_png(client, sample, prefix):
    response = client.get(f"{prefix}/counties/zz/flyer-county/share.png")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert "max-age" in response["Cache-Control"]
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.size == (1200, 630)


def test_share_images_stay_out_of_the_shared_page_store(client, sample):
    """A crawler asking for every county's image (56 KB each, both languages) would write 6,300 rows per
    data version; an image is kept in each process instead. The flyer beside it is shared."""
    from counties.models import SharedPage

    assert client.get("/counties/zz/flyer-county/share.png").status_code == 200
    assert SharedPage.objects.count() == 0
    assert client.get("/counties/zz/flyer-county/print/").status_code == 200
    assert SharedPage.objects.count() == 1


def test_share_image_differs_by_language(client, sample):
    english = client.get("/counties/zz/flyer-county/share.png").content
    spanish = client.get("/es/counties/zz/flyer-county/share.png").content
    assert english != spanish


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_county_page_has_link_preview_tags_in_its_language(client, sample, prefix):
    html = client.get(f"{prefix}/counties/zz/flyer-county/").content.decode()
    title = re.search(r'<meta property="og:title" content="([^"]*)">', html).group(1)
    description = re.search(r'<meta property="og:description" content="([^"]*)">', html).group(1)
    assert ("condado de Flyer" if prefix else "Flyer County") in title
    image = f"{settings.SITE_URL}{prefix}/counties/zz/flyer-county/share.png"
    assert f'<meta property="og:image" content="{image}">' in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    assert f'<meta property="og:url" content="{settings.SITE_URL}{prefix}/counties/zz/flyer-county/">' in html
    if prefix:
        assert "287(g) en el condado de Flyer" in title and "Según la lista de ICE" in description
        assert '<meta property="og:locale" content="es_US">' in html
    else:
        assert "As of ICE" in description
        assert '<meta property="og:locale" content="en_US">' in html
    assert (
        'type="application/atom+xml" title="' in html
        and f'href="{prefix}/feeds/zz/flyer-county.atom"' in html
    )


def test_every_page_has_link_preview_tags(client):
    for url in ("/", "/es/", "/data/", "/es/changes/", "/counties/tx/"):
        html = client.get(url).content.decode()
        assert '<meta property="og:title" content="' in html, url
        assert '<meta name="twitter:card" content="summary">' in html, url
        assert 'href="' + ("/es" if url.startswith("/es") else "") + '/feeds/changes.atom"' in html, url


@pytest.mark.django_db
def test_every_texas_share_image_shows_its_whole_sentence(shipped, monkeypatch):
    """The sentence ends with how current the list is (after SB 8's deadline: that the list predates it, or
    when a check last found it ICE's newest). Spanish county names wrapped the title onto two lines, and the
    sentence lost its end to an ellipsis in 41 Texas counties (found by an audit, helper). Every Texas
    county, both languages, with and without a check since the deadline: all of it is drawn."""
    from django.utils import timezone, translation

    from counties.models import State
    from counties.share.images import layout
    from counties.share.views import share_texts
    from counties.status import county_status, newest_lists, state_statuses

    monkeypatch.setattr(timezone, "localdate", lambda *args: datetime.date(2026, 12, 6))
    snapshot, _pending = newest_lists()
    # The state's statuses at once (3 queries); where other agencies work, the image's own (it adds whether
    # their city lies partly in another county: 20 ms a county).
    statuses = [
        county_status(status.county, snapshot) if status.others_current else status
        for status in state_statuses(State.objects.get(code="TX"), snapshot)
    ]
    assert len(statuses) == 254
    cut, seen = [], set()
    for checked, words in ((snapshot.as_of, "predates"), (datetime.date(2026, 12, 5), "last checked")):
        snapshot.unchanged_through = checked
        for language in ("en", "es"):
            with translation.override(language):
                for status in statuses:
                    title, headline, sentence = share_texts(status.county, status)
                    drawn = [
                        text
                        for _y, _font, text, part in layout(title, headline, sentence)
                        if part == "sentence"
                    ]
                    if " ".join(drawn) != " ".join(sentence.split()):
                        cut.append((language, checked, status.county.name, drawn[-1]))
                    seen.add(sentence.count("SB 8"))
            assert words in sentence or language == "es"
    assert cut == []
    assert seen == {1}  # every sentence carried the deadline's words
