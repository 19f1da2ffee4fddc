"""The public "report a correction" form, and how editors close reports in the admin."""

import datetime
import re
from io import StringIO

import pytest
from django.contrib.auth.models import Group, User
from django.core.cache import caches
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse
from django.utils import timezone, translation

from counties.models import Correction
from tests.counties.factories import CountyFactory
from tests.editors import login_with_second_factor

pytestmark = pytest.mark.django_db

XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.fixture(autouse=True)
def _empty_cache_and_english():
    caches["shared"].clear()
    translation.activate("en")
    yield
    caches["shared"].clear()
    translation.activate("en")


@pytest.fixture
def county():
    return CountyFactory(name="Sample Correction County")


def url(county, name="counties:correction"):
    with translation.override("en"):
        return reverse(name, kwargs={"state": county.state.slug, "slug": county.slug})


def test_get_shows_an_accessible_form(client, county):
    response = client.get(url(county))
    assert response.status_code == 200
    html = response.content.decode()
    assert '<label for="id_what_is_wrong">' in html
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="website"' in html  # the honeypot, hidden from people
    assert 'hidden aria-hidden="true"' in html


def test_valid_report_is_stored_and_the_person_is_told_what_happens_next(client, county):
    response = client.post(
        url(county),
        {
            "what_is_wrong": "The sheriff signed in March.",
            "source_url": "https://example.org/a",
            "contact": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == url(county, "counties:correction_thanks")
    report = Correction.objects.get(county=county)
    assert report.status == Correction.Status.OPEN
    assert report.source_url == "https://example.org/a"
    assert report.language == "en"
    thanks = client.get(response["Location"])
    assert "What happens next" in thanks.content.decode()
    assert "Set-Cookie" not in thanks.headers


def test_spanish_form_and_thanks(client, county):
    response = client.get("/es" + url(county))
    assert response.status_code == 200
    assert "¿Qué está mal o qué falta?" in response.content.decode()
    response = client.post("/es" + url(county), {"what_is_wrong": "Falta el acuerdo de 2025."})
    assert response.status_code == 302 and response["Location"].startswith("/es/")
    assert Correction.objects.get(county=county).language == "es"
    assert "Qué pasa ahora" in client.get(response["Location"]).content.decode()


def test_empty_report_gets_a_clear_message(client, county):
    response = client.post(url(county), {"what_is_wrong": "   "})
    assert response.status_code == 400
    assert "Please tell us what is wrong." in response.content.decode()
    assert not Correction.objects.filter(county=county).exists()


@pytest.mark.parametrize("prefix", ["", "/es"])
def test_each_error_is_tied_to_its_field_for_screen_readers(client, county, prefix):
    """An invalid field names its hint and its error in aria-describedby (Django's widgets do): each id
    must be on the page, and the error's must hold the field's error (WCAG 1.3.1, 3.3.1)."""
    response = client.post(
        prefix + url(county), {"what_is_wrong": "", "source_url": "not a url", "contact": "y" * 300}
    )
    assert response.status_code == 400
    html = response.content.decode()
    fields = re.findall(r'<(?:input|textarea)[^>]*aria-invalid="true"[^>]*>', html)
    assert len(fields) == 3
    for field in fields:
        ids = re.search(r'aria-describedby="([^"]+)"', field).group(1).split()
        error_id = next(i for i in ids if i.endswith("_error"))
        for id_ in ids:
            assert html.count(f'id="{id_}"') == 1, (id_, field)
        error = re.search(rf'id="{error_id}"[^>]*>(.*?)</div>', html, re.S).group(1)
        assert 'class="field-error"' in error and "Error:" in error, error


@pytest.mark.parametrize(
    "text", ["\x01 \x02", "\x01\x02", "\u200b", "\u202e\u2066 \ufeff", "\u3164\u3164", "\u2800 \u115f"]
)
def test_a_report_of_invisible_characters_only_is_empty(client, county, text):
    """What is left once control characters go is checked too (it was stored as a blank-looking report, or
    answered with the model's "This field cannot be blank.")."""
    response = client.post(url(county), {"what_is_wrong": text})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please tell us what is wrong." in html and "cannot be blank" not in html
    assert not Correction.objects.filter(county=county).exists()


def test_huge_report_gets_a_clear_message(client, county):
    response = client.post(url(county), {"what_is_wrong": "x" * 50_000, "contact": "y" * 5000})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please keep it under 2000 characters (this has 50000)." in html
    assert "Please keep this under 200 characters." in html
    assert not Correction.objects.filter(county=county).exists()


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "data:text/html,hi", "ftp://example.org/x", "not a url"]
)
def test_only_http_links_are_accepted(client, county, link):
    response = client.post(url(county), {"what_is_wrong": "Wrong date.", "source_url": link})
    assert response.status_code == 400
    assert "starts with http:// or https://" in response.content.decode()
    assert not Correction.objects.filter(county=county).exists()


def test_odd_unicode_and_sql_text_are_stored_as_text(client, county):
    text = "Robert'); DROP TABLE counties_county;-- ñandú 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 \u200b"
    assert client.post(url(county), {"what_is_wrong": text}).status_code == 302
    assert Correction.objects.get(county=county).what_is_wrong == text.strip()
    assert client.post(url(county), {"what_is_wrong": "nul \x00 byte"}).status_code == 400


def test_honeypot_pretends_success_and_stores_nothing(client, county):
    response = client.post(
        url(county), {"what_is_wrong": "Buy cheap pills", "website": "http://spam.example"}
    )
    assert response.status_code == 302
    assert not Correction.objects.filter(county=county).exists()


def test_rate_limit_per_client_without_storing_the_address(client, county, settings):
    settings.CORRECTIONS_PER_HOUR = 2
    for n in range(2):
        assert (
            client.post(url(county), {"what_is_wrong": f"Report {n}"}, REMOTE_ADDR="192.0.2.10").status_code
            == 302
        )
    blocked = client.post(url(county), {"what_is_wrong": "Report 3"}, REMOTE_ADDR="192.0.2.10")
    assert blocked.status_code == 429
    assert "many reports from you" in blocked.content.decode()
    assert "Report 3" in blocked.content.decode()  # what the reader wrote is kept on the page
    assert 0 < int(blocked["Retry-After"]) <= 3600
    assert Correction.objects.filter(county=county).count() == 2
    # Another client is not affected.
    assert (
        client.post(url(county), {"what_is_wrong": "Report 4"}, REMOTE_ADDR="192.0.2.11").status_code == 302
    )
    # No raw address anywhere in what was stored.
    for report in Correction.objects.filter(county=county):
        assert "192.0.2" not in str(report.__dict__)
    with connection.cursor() as cursor:
        cursor.execute("SELECT cache_key FROM shared_cache")
        keys = [row[0] for row in cursor.fetchall()]
    assert keys and not any("192.0.2" in key for key in keys)


class Clock:
    """One clock for the rate limit and the database cache's expiry (set and checked by the cache)."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now

    def datetime(self):
        return datetime.datetime.fromtimestamp(self.now, tz=datetime.UTC)


@pytest.fixture
def clock(monkeypatch):
    from django.core.cache.backends import base, db

    from counties import views

    clock = Clock(1_800_000_000 - 1_800_000_000 % 3600)  # the start of an hour
    monkeypatch.setattr(views, "clock", clock.time)
    monkeypatch.setattr(db, "tz_now", clock.datetime)
    monkeypatch.setattr(base, "time", clock)
    return clock


def test_the_limit_counts_in_a_fixed_hour_not_from_the_last_attempt(client, county, settings, clock):
    """Five per clock hour: attempts spread over the hour do not reset the count (they once did: every
    attempt restarted a five-minute expiry, so it was five per five minutes), and the next hour starts
    afresh."""
    settings.CORRECTIONS_PER_HOUR = 5
    hour_start = clock.now

    def report(n):
        return client.post(url(county), {"what_is_wrong": f"Report {n}"}, REMOTE_ADDR="192.0.2.30")

    for n in range(5):
        clock.now = hour_start + 60 + n * 60
        assert report(n).status_code == 302
    for minutes in (7, 13, 31, 59):  # more than five minutes after the last: still the same hour
        clock.now = hour_start + minutes * 60
        blocked = report(f"late {minutes}")
        assert blocked.status_code == 429
        # When this hour ends, it may report again: the page and Retry-After say so.
        assert blocked["Retry-After"] == str((60 - minutes) * 60)
        left = "1 minute:" if minutes == 59 else f"{60 - minutes} minutes:"
        assert f"Please try again in {left} what you wrote is still here." in blocked.content.decode()
    spanish = client.post(
        "/es" + url(county), {"what_is_wrong": "Informe"}, REMOTE_ADDR="192.0.2.30"
    ).content.decode()
    assert "intente de nuevo en 1 minuto: lo que escribió sigue aquí." in spanish
    assert Correction.objects.filter(county=county).count() == 5
    clock.now = hour_start + 3600 + 1  # the next hour
    assert report("next hour").status_code == 302
    assert Correction.objects.filter(county=county).count() == 6


def test_csrf_is_enforced_and_a_report_sent_without_the_cookie_comes_back_to_send_again(county):
    """Cookies blocked or cleared: Django's bare page (its style blocked by the CSP) lost what the reader
    wrote. The form comes back with it, says why, and sets a new cookie, so that sending again works."""
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    report = {"what_is_wrong": "The sheriff signed in May <b>2026</b>.", "contact": "me@example.org"}
    response = strict.post(url(county), report)
    assert response.status_code == 403
    assert not Correction.objects.filter(county=county).exists()
    assert "no-store" in response["Cache-Control"]  # a new token and what the reader wrote
    html = response.content.decode()
    assert "Your report was not sent yet: the form&#x27;s security check did not pass" in html
    assert "The sheriff signed in May &lt;b&gt;2026&lt;/b&gt;.</textarea>" in html
    assert 'value="me@example.org"' in html
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    assert strict.post(url(county), {**report, "csrfmiddlewaretoken": token}).status_code == 302
    assert Correction.objects.get(county=county).what_is_wrong == report["what_is_wrong"]
    spanish = Client(enforce_csrf_checks=True).post("/es" + url(county), report).content.decode()
    assert "Su reporte todavía no se envió" in spanish


@pytest.mark.parametrize(
    "sent_from",
    [{"HTTP_ORIGIN": "https://other.example"}, {"HTTP_REFERER": "https://other.example/page"}],  # no Origin
    ids=["origin", "referer"],
)
def test_a_report_posted_from_another_site_is_not_filled_in(county, sent_from):
    from django.test import Client

    response = Client(enforce_csrf_checks=True).post(
        url(county), {"what_is_wrong": "Words put in your mouth."}, secure=True, **sent_from
    )
    assert response.status_code == 403
    html = response.content.decode()
    assert "Words put in your mouth." not in html and "not sent yet" not in html
    assert "Your report was not sent: the form" in html and "Send the report" in html  # an empty form


def test_other_forms_without_the_cookie_and_unreadable_requests_get_short_bilingual_pages(client):
    from django.test import Client

    refused = Client(enforce_csrf_checks=True).post("/admin/login/", {"username": "x", "password": "y"})
    assert refused.status_code == 403
    assert "This form was not sent" in refused.content.decode()
    assert "Este formulario no se envió" in refused.content.decode()
    fields = {f"field{n}": "x" for n in range(1_100)}  # more than DATA_UPLOAD_MAX_NUMBER_FIELDS
    unreadable = client.post(url(CountyFactory(name="Fields County")), fields)
    assert unreadable.status_code == 400
    html = unreadable.content.decode()
    assert "This request could not be read" in html and "No pudimos leer esta solicitud" in html


def test_unknown_county_is_404(client):
    assert client.get("/counties/zz/no-such-county/correction/").status_code == 404


def test_reporting_page_is_the_only_one_that_sets_a_cookie(client, county):
    form_page = client.get(url(county))
    assert "csrftoken" in form_page.cookies
    assert "no-store" in form_page["Cache-Control"] and "private" in form_page["Cache-Control"]
    fresh = client.__class__()
    assert not fresh.get(county.get_absolute_url()).cookies


def test_xss_in_a_report_is_escaped_in_the_admin(client, county):
    client.post(url(county), {"what_is_wrong": XSS, "contact": XSS})
    report = Correction.objects.get(county=county)
    editor = User.objects.create_user("corr-editor", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    login_with_second_factor(client, editor)
    for page in [
        reverse("admin:counties_correction_change", args=[report.pk]),
        reverse("admin:counties_correction_changelist"),
    ]:
        html = client.get(page).content.decode()
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert" in html


def test_editor_closes_a_report_with_an_answer(client, county):
    client.post(url(county), {"what_is_wrong": "Wrong model."})
    report = Correction.objects.get(county=county)
    editor = User.objects.create_user("closer", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    login_with_second_factor(client, editor)
    change = reverse("admin:counties_correction_change", args=[report.pk])
    page = client.get(change)
    version = page.context["adminform"].form["version"].value()
    response = client.post(change, {"status": "closed", "answer": "", "version": version})
    assert response.status_code == 200
    assert "Write your answer before closing" in response.content.decode()
    response = client.post(
        change, {"status": "closed", "answer": "Checked ICE's list; fixed.", "version": version}
    )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "closed" and report.closed_by == editor and report.closed_at is not None
    assert report.history.first().history_user == editor
    # Open reports are what the list shows first.
    client.get(reverse("admin:counties_correction_changelist"))  # shows (and so clears) the success message
    assert (
        report.what_is_wrong
        not in client.get(reverse("admin:counties_correction_changelist")).content.decode()
    )


def test_counts_of_hours_gone_are_deleted_not_kept_until_the_cache_fills(client, county, settings):
    """Django's database cache keeps an expired row until its table holds 300: each count (a keyed hash of
    an address, and the hour) stayed for good. An accepted report, and keep_pages every 5 minutes, delete
    the expired ones; a count of this hour stays."""
    settings.CORRECTIONS_PER_HOUR = 5
    shared = caches["shared"]

    def keys():
        with connection.cursor() as cursor:
            cursor.execute("SELECT cache_key FROM shared_cache ORDER BY cache_key")
            return [row[0] for row in cursor.fetchall()]

    def expire(fragment):
        with connection.cursor() as cursor:
            cursor.execute(
                "UPDATE shared_cache SET expires = now() - interval '1 hour' WHERE cache_key LIKE %s",
                [f"%{fragment}%"],
            )

    shared.set("corrections:an-old-hash:1", 1, timeout=3600)
    expire("an-old-hash")
    assert client.post(url(county), {"what_is_wrong": "Report"}, REMOTE_ADDR="192.0.2.40").status_code == 302
    assert len(keys()) == 1 and "an-old-hash" not in keys()[0]  # this hour's count stays
    shared.set("corrections:another-old-hash:1", 1, timeout=3600)
    expire("another-old-hash")
    call_command("keep_pages", verbosity=0)
    assert len(keys()) == 1 and "another-old-hash" not in keys()[0]


def test_a_sweep_that_fails_loses_no_report(client, county, monkeypatch, caplog):
    """The sweep runs after the report is saved and is best effort: a database error there (here, a table
    that is not there) is logged, and the reader is thanked as usual; the limit itself still counts."""
    from types import SimpleNamespace

    from django.conf import settings

    from counties import clients

    broken = SimpleNamespace(CACHES={"shared": {"LOCATION": "no_such_table"}}, SECRET_KEY=settings.SECRET_KEY)
    monkeypatch.setattr(clients, "settings", broken)
    assert clients.sweep_expired_counts() == 0
    assert "Not done now (the next run does it): deleting the correction form's expired counts" in caplog.text
    response = client.post(url(county), {"what_is_wrong": "Still saved"}, REMOTE_ADDR="192.0.2.50")
    assert response.status_code == 302
    assert Correction.objects.filter(what_is_wrong="Still saved").exists()


def test_a_readers_contact_goes_30_days_after_the_report_is_closed(county):
    """The contact is kept while editors may still write back, then blanked, in the report and in its history
    rows, and in a deleted report's (closed that long ago, or deleted that long ago). The report's text and
    the editors' answer stay: they are the record of why a page changed."""
    now = timezone.now()

    def report(text, closed_days_ago=None):
        saved = Correction.objects.create(county=county, what_is_wrong=text, contact=f"{text}@example.org")
        if closed_days_ago is not None:
            saved.status, saved.answer = Correction.Status.CLOSED, "Checked."
            saved.closed_at = now - datetime.timedelta(days=closed_days_ago)
            saved.save()
        return saved

    def delete(saved, days_ago):
        pk = saved.pk
        saved.delete()  # sets saved.pk to None
        Correction.history.filter(id=pk, history_type="-").update(
            history_date=now - datetime.timedelta(days=days_ago)
        )
        return pk

    def contacts(pk):
        return {row.contact for row in Correction.history.filter(id=pk)}

    old, on_the_day, recent = report("old", 31), report("on-the-day", 30), report("recent", 29)
    still_open = report("still-open")
    Correction.objects.filter(pk=still_open.pk).update(created_at=now - datetime.timedelta(days=400))
    reopened = report("reopened", 60)
    reopened.status, reopened.closed_at = Correction.Status.OPEN, None
    reopened.save()
    closed_then_deleted = delete(report("closed-then-deleted", 31), days_ago=1)
    deleted_open = delete(report("deleted-open"), days_ago=1)
    deleted_long_ago = delete(report("deleted-long-ago"), days_ago=31)
    restored_id = delete(report("restored"), days_ago=31)
    Correction.history.get(id=restored_id, history_type="-").instance.save()  # restored from its history
    restored = Correction.objects.get(pk=restored_id)

    assert Correction.objects.forget_contacts(now=now) > 0
    for saved in (old, on_the_day):
        saved.refresh_from_db()
        assert saved.contact == "" and contacts(saved.pk) == {""}
        assert saved.answer == "Checked." and saved.what_is_wrong in ("old", "on-the-day")
    for pk in (closed_then_deleted, deleted_long_ago):
        assert contacts(pk) == {""}
    assert "deleted-open@example.org" in contacts(deleted_open)
    for saved in (recent, still_open, reopened, restored):  # open, or closed less than 30 days ago
        saved.refresh_from_db()
        assert saved.contact == f"{saved.what_is_wrong}@example.org"
        assert saved.contact in contacts(saved.pk)
    assert Correction.objects.forget_contacts(now=now) == 0  # nothing left to blank


def test_keep_pages_forgets_old_contacts_and_fails_when_it_could_not(county, settings, monkeypatch):
    """The scheduler's keep_pages does it; when the database refuses, the pages are still kept and the run
    fails at its end, so the scheduler reports it (a warning alone would go unread)."""
    from django.db import DatabaseError

    from counties.models import SharedPage
    from counties.models.editorial import CorrectionQuerySet

    settings.SITE_URL = "http://testserver"
    Correction.objects.create(
        county=county,
        what_is_wrong="Old",
        contact="old@example.org",
        status=Correction.Status.CLOSED,
        answer="Checked.",
        closed_at=timezone.now() - datetime.timedelta(days=31),
    )
    call_command("keep_pages", stdout=StringIO())
    assert Correction.objects.get().contact == ""

    def refused(self, now=None):
        raise DatabaseError("permission denied for table counties_correction")

    monkeypatch.setattr(CorrectionQuerySet, "forget_contacts", refused)
    SharedPage.objects.all().delete()
    with pytest.raises(CommandError, match="deleting the contacts of closed reports: permission denied"):
        call_command("keep_pages", stdout=StringIO())
    assert SharedPage.objects.exists()  # the pages were kept first
    settings.SITE_URL = "https://not-an-allowed-host.example"  # and when pages fail too, both are said
    with pytest.raises(CommandError, match="pages were not kept.*deleting the contacts of closed reports"):
        call_command("keep_pages", "--force", stdout=StringIO(), stderr=StringIO())


def test_a_revert_dates_a_close_today(client, county):
    """Reverting a closed report to its open version reopens it (no close date left behind), and reverting
    it back closes it today: the close date decides when the reader's contact goes."""
    from tests.counties.admin.test_editors_admin import revert

    client.post(url(county), {"what_is_wrong": "Wrong model.", "contact": "me@example.org"})
    report = Correction.objects.get()
    opened = report.history.latest("history_date")
    report.status, report.answer = Correction.Status.CLOSED, "Fixed."
    report.closed_at = timezone.now() - datetime.timedelta(days=90)
    report.save()
    closed = report.history.latest("history_date")
    editor = User.objects.create_user("reverter", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    login_with_second_factor(client, editor)
    revert(client, report, opened)
    assert (report.status, report.closed_at, report.closed_by) == (Correction.Status.OPEN, None, None)
    revert(client, report, closed)
    assert report.status == Correction.Status.CLOSED and report.closed_by == editor
    assert timezone.now() - report.closed_at < datetime.timedelta(minutes=1)
    assert Correction.objects.forget_contacts() == 0 and report.contact == "me@example.org"


def test_the_privacy_page_the_form_and_the_admin_say_how_long_a_contact_is_kept(client, county):
    from explainer import content

    days = Correction.CONTACT_KEPT.days
    assert days == 30
    for language, words in (("en", f"{days} days after"), ("es", f"{days} días después")):
        assert words in content.get_page(language, "privacy").body
        with translation.override(language):
            assert (
                words in client.get(url(county) if language == "en" else "/es" + url(county)).content.decode()
            )
    assert f"{days} days after" in str(Correction._meta.get_field("contact").help_text)


def test_0028_dates_each_close_by_its_history(county):
    """Reports re-closed by a revert before the admin's fix kept their first close date (their contact
    would go early) or an open one kept a close date: 0028 takes the date of the last save that closed it."""
    import importlib

    from django.apps import apps

    date_closes = importlib.import_module("counties.migrations.0028_correction_close_dates").date_closes
    editor = User.objects.create_user("re-closer")
    now = timezone.now()

    def report(text, saves):
        """saves: (status, days ago, user) as the history page shows them; the report as the last left it."""
        made = Correction.objects.create(county=county, what_is_wrong=text, contact="me@example.org")
        made.history.all().delete()
        first_close = None
        for status, days_ago, user in saves:
            when = now - datetime.timedelta(days=days_ago)
            if status == "closed" and first_close is None:
                first_close = when
            made.status, made.answer = status, "Checked." if status == "closed" else ""
            made.closed_at = first_close  # as the old admin left it, whatever the saves did
            made.save()
            made.history.filter(history_date__gt=when).update(history_date=when, history_user=user)
        return made.pk

    reverted = report(
        "re-closed", [("open", 90, None), ("closed", 80, None), ("open", 40, None), ("closed", 2, editor)]
    )
    reopened = report("reopened", [("open", 90, None), ("closed", 80, None), ("open", 40, editor)])
    plain = report("closed once", [("open", 90, None), ("closed", 80, None)])
    date_closes(apps, None)
    got = {
        pk: (closed_at, by)
        for pk, closed_at, by in Correction.objects.values_list("pk", "closed_at", "closed_by")
    }
    assert got[reverted][1] == editor.pk and abs(
        got[reverted][0] - (now - datetime.timedelta(days=2))
    ) < datetime.timedelta(seconds=1)
    assert got[reopened] == (None, None)
    assert abs(got[plain][0] - (now - datetime.timedelta(days=80))) < datetime.timedelta(seconds=1)
    Correction.objects.forget_contacts()  # 30 days after the close the history tells, not the first one
    contacts = dict(Correction.objects.values_list("pk", "contact"))
    assert (contacts[reverted], contacts[reopened], contacts[plain]) == (
        "me@example.org",
        "me@example.org",
        "",
    )
