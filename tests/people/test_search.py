"""Person search, as a practitioner uses it: what they type, who they find, and why each result matched."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tessera.access.models import RestrictedRecord
from tessera.audit.models import AccessLog, AuditAction
from tessera.people.identifiers import normalise_phone
from tessera.people.models import LinkKind, Phone
from tests.people.helpers import account, add_identity, link, person, phone, vehicle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope_read_once_per_request")]

SEARCH = "/people/search/"


def search(client, text: str) -> str:
    response = client.get(SEARCH, {"q": text})
    assert response.status_code == 200
    return response.content.decode()


def test_a_misspelt_name_with_date_of_birth_finds_the_person(client_for):
    kayleigh = person("rotherham", "Kayleigh", "Thornley", date(2010, 3, 14))
    page = search(client_for("cse.rotherham"), "Kaylee Thornly 14/03/2010")
    assert f"/people/{kayleigh.pk}/" in page
    assert "‘Thornly’ sounds like ‘Thornley’" in page
    assert "Date of birth 14 March 2010" in page


def test_a_transposed_misspelling_is_found_through_the_date_of_birth(client_for):
    kayleigh = person("rotherham", "Kayleigh", "Thornley", date(2010, 3, 14))
    page = search(client_for("cse.rotherham"), "Kyaleigh Thronley 14 March 2010")
    assert f"/people/{kayleigh.pk}/" in page
    assert "‘Kyaleigh’ is spelt like ‘Kayleigh’" in page


def test_a_nickname_with_date_of_birth_finds_the_full_name(client_for):
    rebecca = person("rotherham", "Rebecca", "Hallam", date(2009, 5, 2))
    page = search(client_for("cse.rotherham"), "Becky Hallam 2/5/2009")
    assert f"/people/{rebecca.pk}/" in page
    assert "‘Becky’ and ‘Rebecca’ are both forms of Rebecca" in page


def test_a_nickname_alone_finds_the_full_name(client_for):
    james = person("rotherham", "James", "Wadsworth", date(2008, 1, 20))
    page = search(client_for("cse.rotherham"), "Jay Wadsworth")
    assert f"/people/{james.pk}/" in page


def test_a_date_of_birth_recorded_the_other_way_round_is_found_and_said_so(client_for):
    ellie = person("rotherham", "Ellie", "Cawthorne", date(2011, 12, 3))
    page = search(client_for("cse.rotherham"), "Ellie Cawthorne 12/03/2011")
    assert f"/people/{ellie.pk}/" in page
    assert "day and month the other way round" in page


def test_a_name_recorded_by_another_agency_is_found(client_for):
    child = person("rotherham", "Demi", "Brightside", date(2010, 6, 1))
    add_identity(child, "safe-steps", "Demi", "Oughtibridge", None, other_names=["Little D"])
    page = search(client_for("cse.rotherham"), "Demi Oughtibridge")
    assert f"/people/{child.pk}/" in page
    assert "Name ‘Oughtibridge’" in page


def test_a_registration_typed_with_spaces_finds_who_was_seen_in_the_car(client_for):
    child = person("rotherham", "Tia", "Kirkby")
    link(child, vehicle("YK62QBC"), LinkKind.SEEN_IN_VEHICLE)
    page = search(client_for("cse.rotherham"), "yk62 qbc")
    assert f"/people/{child.pk}/" in page
    assert "Seen in vehicle: vehicle YK62 QBC" in page


def test_a_phone_number_in_another_format_finds_who_uses_it(client_for):
    adult = person("rotherham", "Connor", "Dearne", date(1990, 2, 2))
    link(adult, phone("+447700900123"), LinkKind.USES_PHONE)
    for typed in ("07700 900123", "+44 (0)7700-900-123", "0044 7700 900123"):
        page = search(client_for("cse.rotherham"), typed)
        assert f"/people/{adult.pk}/" in page, typed
        assert "Uses phone: phone 07700 900123" in page


@pytest.mark.parametrize(
    ("recorded", "typed_forms", "shown"),
    [
        ("0040 721 234 567", ("+40 721 234 567", "0040721234567", "+40 (0)721-234-567"), "+40 721 234 567"),
        ("+421 905 123 456", ("00421 905 123 456", "+421905123456", "421 905 123 456"), "+421 905 123 456"),
    ],
)
def test_a_foreign_phone_in_any_format_is_one_phone_and_finds_who_uses_it(
    client_for, recorded, typed_forms, shown
):
    adult = person("rotherham", "Marian", "Lupu", date(1988, 6, 1))
    link(adult, phone(recorded), LinkKind.USES_PHONE)
    for typed in typed_forms:
        # Recording the number again in another format finds the phone already held, not a second one.
        assert Phone.objects.get_or_create(number=normalise_phone(typed))[0].number == normalise_phone(
            recorded
        )
        page = search(client_for("cse.rotherham"), typed)
        assert f"/people/{adult.pk}/" in page, typed
        assert f"Uses phone: phone {shown}" in page, typed
    assert Phone.objects.count() == 1


def test_an_online_handle_finds_who_uses_the_account(client_for):
    adult = person("rotherham", "Kyle", "Wentworth", date(1992, 7, 7))
    link(adult, account("Snapchat", "jay_wolf99"), LinkKind.USES_ACCOUNT)
    page = search(client_for("cse.rotherham"), "@Jay_Wolf99")
    assert f"/people/{adult.pk}/" in page
    assert "Snapchat account jay_wolf99" in page


def test_an_nhs_number_typed_with_spaces_finds_the_person(client_for):
    child = person("rotherham", "Freya", "Penistone")
    add_identity(child, "health-rotherham", "Freya", "Penistone", date(2010, 3, 14), nhs_number="9990000018")
    page = search(client_for("cse.rotherham"), "999 000 0018")
    assert f"/people/{child.pk}/" in page
    assert "NHS number 999 000 0018 (Rotherham Community Health Services)" in page


def test_an_outsider_finds_nothing_from_another_district(client_for):
    child = person("rotherham", "Kayleigh", "Thornley", date(2010, 3, 14))
    link(child, vehicle("YC14QAB"), LinkKind.SEEN_IN_VEHICLE)
    for typed in ("Kayleigh Thornley 14/03/2010", "YC14 QAB"):
        page = search(client_for("sw.sheffield"), typed)
        assert f"/people/{child.pk}/" not in page
        assert "No one found" in page


def test_a_restricted_record_is_found_only_by_the_people_named_on_it(client_for, cast):
    child = person("sheffield", "Ellie", "Cawthorne", date(2011, 4, 4))
    restriction = RestrictedRecord.objects.create(
        target_type="people.person",
        target_id=child.pk,
        reason="Staff member's child",
        restricted_by=cast["sysadmin"],
    )
    assert "No one found" in search(client_for("sw.sheffield"), "Ellie Cawthorne")
    assert "No one found" in search(client_for("cse.rotherham"), "Ellie Cawthorne")
    assert "No one found" in search(client_for("analyst"), "Ellie Cawthorne 4/4/2011")
    restriction.named_users.add(cast["sw.sheffield"])
    assert f"/people/{child.pk}/" in search(client_for("sw.sheffield"), "Ellie Cawthorne")


def test_a_search_is_logged_with_its_terms_and_the_ids_never_the_names_of_who_was_found(client_for):
    child = person("rotherham", "Kayleigh", "Thornley", date(2010, 3, 14))
    search(client_for("cse.rotherham"), "Kaylee Thornly 14/03/2010")
    entry = AccessLog.objects.filter(action=AuditAction.SEARCH).latest("id")
    assert entry.actor_username == "cse.rotherham"
    assert entry.details["query"] == "Kaylee Thornly 14/03/2010"
    assert entry.details["results"] == 1
    assert entry.details["understood"] == {"names": ["kaylee", "thornly"], "dates_of_birth": ["2010-03-14"]}
    assert entry.details["people_shown"] == [child.pk]
    assert list(entry.records_shown.values_list("target_type", "target_id")) == [
        ("people.person", str(child.pk))
    ]
    assert entry.target_id == ""
    assert child.full_name not in str(entry.details), "ids, never names"


def test_an_empty_search_asks_what_to_look_for(client_for):
    response = client_for("cse.rotherham").get(SEARCH, {"q": ""})
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter a name, date of birth, number, registration, handle or postcode" in page


def test_partner_reporters_cannot_search(client_for):
    assert client_for("hotel.sheffield").get(SEARCH, {"q": "Thornley"}).status_code == 403


def _queries_for(client, text: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(SEARCH, {"q": text}).status_code == 200
    return len(captured.captured_queries)


def test_search_query_count_does_not_grow_with_the_number_of_results(client_for):
    client = client_for("cse.rotherham")
    person("rotherham", "Olivia", "Hawley", date(2009, 9, 9))
    one = _queries_for(client, "Olivia Hawley")
    for n in range(15):
        child = person("rotherham", "Olivia", "Hawley", date(2009, 9, 9))
        add_identity(child, "police", "Liv", f"Hawly{n}", None)
    many = _queries_for(client, "Olivia Hawley")
    assert "16 matches" in search(client, "Olivia Hawley")
    assert many == one


def test_search_by_a_car_used_by_many_takes_no_more_queries(client_for, django_assert_max_num_queries):
    client = client_for("cse.rotherham")
    car = vehicle("YC14QQQ")
    link(person("rotherham", "Tia", "Kirkby"), car, LinkKind.SEEN_IN_VEHICLE)
    one = _queries_for(client, "YC14 QQQ")
    for n in range(12):
        link(person("rotherham", "Tia", f"Kirkby{n}"), car, LinkKind.SEEN_IN_VEHICLE)
    with django_assert_max_num_queries(one):
        client.get(SEARCH, {"q": "YC14 QQQ"})


def test_namesakes_with_another_date_of_birth_give_way_to_the_person_born_that_day(client_for):
    born_that_day = person("rotherham", "Olivia", "Hawley", date(2009, 9, 9))
    namesake = person("rotherham", "Olivia", "Hawley", date(2012, 1, 30))
    page = search(client_for("cse.rotherham"), "Olivia Hawley 9/9/2009")
    assert f"/people/{born_that_day.pk}/" in page
    assert f"/people/{namesake.pk}/" not in page


def test_a_mistyped_date_of_birth_still_shows_people_with_the_name(client_for):
    olivia = person("rotherham", "Olivia", "Hawley", date(2009, 9, 9))
    page = search(client_for("cse.rotherham"), "Olivia Hawley 19/9/2009")
    assert f"/people/{olivia.pk}/" in page
    assert "Date of birth does not match any record" in page


def test_someone_recorded_without_a_date_of_birth_is_found_by_name_and_date(client_for):
    olivia = person("rotherham", "Olivia", "Hawley", date(2009, 9, 9))
    undated = person("rotherham", "Liv", "Hawley", date(2009, 9, 9))
    undated.identities.update(date_of_birth=None)
    page = search(client_for("cse.rotherham"), "Olivia Hawley 9/9/2009")
    assert f"/people/{olivia.pk}/" in page
    assert f"/people/{undated.pk}/" in page
