"""The Spanish catalogue is complete (no untranslated or fuzzy entry) and its committed .mo matches the .po."""

import re
from pathlib import Path

import polib
from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "es" / "LC_MESSAGES" / "django.po"


def test_spanish_catalogue_has_no_untranslated_or_fuzzy_entries():
    po = polib.pofile(str(PO))
    assert [e.msgid for e in po.untranslated_entries()] == []
    assert [e.msgid for e in po.fuzzy_entries()] == []
    forms = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))
    for entry in po:
        if entry.msgid_plural:
            # Every plural form the header declares (Spanish in Django has three: one, millions, other).
            assert sorted(entry.msgstr_plural) == list(range(forms)), entry.msgid
            assert all(entry.msgstr_plural.values()), entry.msgid


def test_spanish_catalogue_keeps_placeholders():
    for entry in polib.pofile(str(PO)).translated_entries():
        for part in ("%(", "{", "<a "):
            assert entry.msgid.count(part) == entry.msgstr.count(part) or entry.msgid_plural, entry.msgid


def test_committed_mo_matches_the_po():
    """compilemessages was run after the last change to the .po (same entries, same translations)."""
    po = polib.pofile(str(PO))
    mo = polib.mofile(str(PO.with_suffix(".mo")))
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in mo if e.msgid
    }
    expected = {
        (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
        for e in po.translated_entries()
        if "fuzzy" not in e.flags
    }
    assert compiled == expected
