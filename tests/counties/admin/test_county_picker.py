"""The county pickers of the editors' admin (issue 27): "Dallas" means Dallas County, Texas, first; a
state, "County" and a FIPS code are understood; a county in another state than the agency's, or one that
shares its name with a Texas county, is saved only when the editor confirms it and says why."""

import pytest
from django.contrib.auth.models import Group, User
from django.db.models import Count
from django.urls import reverse

from counties.models import Agency, County, Event
from tests.counties.admin.test_editors_admin import change_url, form_data, new_event
from tests.editors import login_with_second_factor

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped")]


@pytest.fixture
def editor_client(client):
    user = User.objects.create_user("picker", password="unused-in-tests-1234", is_staff=True)
    user.groups.add(Group.objects.get(name="Editor"))
    return login_with_second_factor(client, user)


def with_inline_ids(client, obj, data):
    """The ids of the rows the read-only inlines show (agreements, names), as a browser posts them back."""
    for inline in client.get(change_url(obj)).context["inline_admin_formsets"]:
        for form in inline.formset.initial_forms:
            data[form.add_prefix("id")] = str(form.instance.pk)
            data[form.add_prefix(inline.formset.fk.name)] = str(obj.pk)
    return data


def picked(client, term, model="event", field="county"):
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "counties", "model_name": model, "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


@pytest.mark.parametrize(
    "term",
    [
        "Dallas",
        "dallas",
        "Dallas, TX",
        "Dallas County, TX",
        "dallas tx",
        "Dallas County, Texas",
        "Dallas Co.",
    ],
)
def test_dallas_means_dallas_county_texas_first(editor_client, term):
    found = picked(editor_client, term)
    assert found[0] == "Dallas County, TX"


def test_every_choice_names_its_state_and_other_states_come_after_texas(editor_client):
    found = picked(editor_client, "Dallas")
    assert "Dallas County, AL" in found and found.index("Dallas County, TX") < found.index(
        "Dallas County, AL"
    )
    assert all(text.rsplit(", ", 1)[-1].isupper() for text in found)
    assert picked(editor_client, "Dallas, AL") == ["Dallas County, AL"]
    assert picked(editor_client, "Dallas County, Alabama") == ["Dallas County, AL"]


def test_a_fips_code_and_the_other_pickers(editor_client):
    assert picked(editor_client, "48113") == ["Dallas County, TX"]
    assert picked(editor_client, "Harris, TX", model="agency")[0] == "Harris County, TX"
    assert picked(editor_client, "Harris Co", model="agencycounty")[0] == "Harris County, TX"
    assert picked(editor_client, "St. Louis County, MO")[0] == "St. Louis County, MO"


def test_an_event_on_a_texas_namesake_county_asks_for_confirmation_and_a_reason(editor_client):
    alabama = County.objects.get(name="Dallas County", state__code="AL")
    url = reverse("admin:counties_event_add")
    base = new_event(alabama)
    response = editor_client.post(url, base)
    assert response.status_code == 200
    text = response.content.decode()
    assert "Texas has a Dallas County too" in text and "Yes, I mean a county in another state" in text
    assert not Event.objects.filter(county=alabama).exists()
    response = editor_client.post(url, {**base, "other_state": "on"})
    assert response.status_code == 200 and "Say why this county is right" in response.content.decode()
    response = editor_client.post(url, {**base, "other_state": "on", "change_reason": "Selma Times-Journal"})
    assert response.status_code == 302
    assert Event.objects.filter(county=alabama).exists()
    texas = County.objects.get(name="Dallas County", state__code="TX")
    assert editor_client.post(url, {**base, "county": texas.pk}).status_code == 302  # no question asked


def test_a_texas_agency_is_not_moved_to_alabama_without_confirmation(editor_client):
    agency = (
        Agency.objects.filter(state__code="TX", kind="police", county__isnull=False)
        .annotate(rows=Count("placements"))
        .filter(rows=1)
        .order_by("pk")
        .first()
    )
    before = agency.county
    alabama = County.objects.get(name="Dallas County", state__code="AL")
    data = form_data(editor_client, agency, county=alabama.pk, change_reason="moved")
    response = editor_client.post(change_url(agency), data)
    assert response.status_code == 200
    assert "is in Alabama, but the agency is in Texas" in response.content.decode()
    agency.refresh_from_db()
    assert agency.county == before
    # The agency's other counties: a row in another state needs the same tick.
    row = agency.placements.get(county=before)
    data = with_inline_ids(editor_client, agency, form_data(editor_client, agency, change_reason="checked"))
    data.update(
        {
            "placements-TOTAL_FORMS": "2",
            "placements-0-id": str(row.pk),
            "placements-0-agency": str(agency.pk),
            "placements-0-county": str(before.pk),
            "placements-1-agency": str(agency.pk),
            "placements-1-county": str(alabama.pk),
        }
    )
    response = editor_client.post(change_url(agency), data)
    assert response.status_code == 200
    assert "is in Alabama, but the agency is in Texas" in response.content.decode()
    assert not agency.placements.filter(county=alabama).exists()
    response = editor_client.post(change_url(agency), {**data, "other_state": "on"})
    assert response.status_code == 302, [f.formset.errors for f in response.context["inline_admin_formsets"]]
    assert agency.placements.filter(county=alabama).exists()
