"""No English on Spanish pages: every page type that carries a county's data, for every Texas county, in
Spanish, has no English sentence of the catalogue in it (a msgid left untranslated, a loader's note stored
in English, a sentence built in code). Words the Spanish keeps in English on purpose (the law's quoted
words, a program's English name in parentheses) are in some msgstr, and so are allowed."""

import html
import re
from pathlib import Path

import polib
import pytest
from django.conf import settings

from counties.models import County

pytestmark = pytest.mark.django_db

PO = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{[^}]*\}\}|<[^>]*>")
MIN_WORDS = 4  # shorter fragments ("Task Force", "ICE's list") are names or may be quoted


def english_fragments() -> set[str]:
    po = polib.pofile(str(PO))
    kept_in_spanish = " ".join(
        " ".join([e.msgstr, *e.msgstr_plural.values()]) for e in po.translated_entries()
    )
    fragments = set()
    for entry in po.translated_entries():
        for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
            for part in PLACEHOLDER.split(html.unescape(msgid)):
                words = " ".join(part.split()).strip(" .,:;()")
                if len(words.split()) >= MIN_WORDS and words not in kept_in_spanish:
                    fragments.add(words)
    return fragments


def spanish_text(response) -> str:
    body = response.content.decode()
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", body, flags=re.S)
    body = re.sub(r'<([a-z]+)[^>]*\blang="en"[^>]*>.*?</\1>', " ", body, flags=re.S)  # marked as English
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split())


def test_no_english_sentence_on_any_spanish_page_of_any_texas_county(client, shipped):
    fragments = english_fragments()
    assert len(fragments) > 300  # the catalogue was read
    found = {}
    counties = County.objects.filter(state__code="TX").order_by("name")
    assert counties.count() == 254
    for county in counties:
        base = f"/es/counties/tx/{county.slug}/"
        for url in (base, f"/es/embed/counties/tx/{county.slug}/", f"{base}print/"):
            response = client.get(url)
            assert response.status_code == 200, url
            text = spanish_text(response)  # the flyer's English half is marked lang="en", and left out
            for fragment in fragments:
                if fragment in text:
                    found.setdefault(fragment, url)
    assert found == {}
    # "condado de Dallas", not "Dallas County", in Spanish running text.
    text = spanish_text(client.get("/es/counties/tx/dallas-county/"))
    assert "Condado de Dallas, Texas" in text and "la oficina del alguacil del condado de Dallas" in text
