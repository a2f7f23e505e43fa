"""Pages of places, vehicles, phones and accounts: who has been linked to each, when, and on whose word."""

from __future__ import annotations

from datetime import date

import pytest

from tessera.audit.models import AccessLog, RecordShown
from tessera.core.models import Agency, District
from tessera.people.models import EntityKind, Link, LinkKind, Location, LocationKind, Person, PoleEntity
from tessera.people.things import life_stage
from tests.people.helpers import account, link, person, phone, vehicle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope_read_once_per_request")]


def hotel(name: str = "Premier Inn Rotherham Central", postcode: str = "S60 1AA") -> Location:
    return Location.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.LOCATION),
        kind=LocationKind.HOTEL,
        name=name,
        address_line_1="Millstone Walk",
        town="Rotherham",
        postcode=postcode,
        district=District.objects.get(code="rotherham"),
    )


def dated_link(source, target, kind, on: date, *, reference: str = "", intelligence: bool = False) -> Link:
    return Link.objects.create(
        source=source.entity,
        target=target.entity,
        kind=kind,
        started_on=on,
        agency=Agency.objects.get(code="police"),
        source_system="referral" if reference else "",
        source_record_id=reference,
        from_intelligence=intelligence,
    )


def test_the_vehicle_page_shows_the_child_and_the_adults_with_dates_and_where_it_came_from(client_for):
    car = vehicle("YK62QBC")
    girl = person("rotherham", "Kayleigh", "Thornley", date(2012, 3, 14))
    driver = person("rotherham", "Connor", "Dearne", date(1990, 2, 2))
    dated_link(girl, car, LinkKind.SEEN_IN_VEHICLE, date(2026, 11, 30), reference="R-2026-00042")
    dated_link(driver, car, LinkKind.SEEN_IN_VEHICLE, date(2026, 10, 1), reference="R-2026-00017")
    page = client_for("cse.rotherham").get(f"/people/vehicles/{car.pk}/").content.decode()
    assert "Vehicle YK62 QBC" in page
    assert (
        f'<a class="govuk-link" href="/people/{girl.pk}/">Kayleigh Thornley</a> <strong class="govuk-tag govuk-tag--grey">Child, 14</strong>'
        in page
    )
    assert "Adult, 36" in page
    assert "30 Nov 2026" in page
    assert "1 Oct 2026" in page
    # Newest first, each with its agency and the concern it came from.
    assert page.index("30 Nov 2026") < page.index("1 Oct 2026")
    assert "Concern R-2026-00042" in page
    assert "Concern R-2026-00017" in page
    assert "South Yorkshire Police" in page


def test_a_linked_person_the_viewer_may_not_see_is_not_shown(client_for):
    car = vehicle("YK62QBC")
    dated_link(person("rotherham", "Tia", "Kirkby"), car, LinkKind.SEEN_IN_VEHICLE, date(2026, 11, 1))
    dated_link(
        person("sheffield", "Connor", "Dearne", date(1990, 2, 2)),
        car,
        LinkKind.SEEN_IN_VEHICLE,
        date(2026, 11, 2),
    )
    page = client_for("officer.rotherham").get(f"/people/vehicles/{car.pk}/").content.decode()
    assert "Tia Kirkby" in page
    assert "Connor Dearne" not in page
    assert "1 link you can see" in page


def test_a_car_known_only_from_police_intelligence_is_a_404_for_a_frontline_officer(client_for):
    car = vehicle("YK62QBC")
    dated_link(
        person("rotherham", "Tia", "Kirkby"),
        car,
        LinkKind.SEEN_IN_VEHICLE,
        date(2026, 11, 1),
        intelligence=True,
    )
    assert client_for("officer.rotherham").get(f"/people/vehicles/{car.pk}/").status_code == 404
    assert client_for("cse.rotherham").get(f"/people/vehicles/{car.pk}/").status_code == 200


def test_an_unseen_place_answers_the_same_404_as_a_missing_one(client_for):
    home = Location.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.LOCATION),
        kind=LocationKind.HOME,
        address_line_1="4 Cherry Tree Road",
        postcode="S60 2BB",
        district=District.objects.get(code="rotherham"),
    )
    dated_link(person("rotherham", "Tia", "Kirkby"), home, LinkKind.LIVES_AT, date(2025, 1, 1))
    outsider = client_for("sw.sheffield")
    hidden = outsider.get(f"/people/places/{home.pk}/")
    missing = outsider.get(f"/people/places/{home.pk + 1000}/")
    assert hidden.status_code == missing.status_code == 404
    assert client_for("cse.rotherham").get(f"/people/places/{home.pk}/").status_code == 200


def test_the_hotel_page_lists_children_adults_and_concerns_and_links_to_each_person(client_for):
    place = hotel()
    girl = person("rotherham", "Kayleigh", "Thornley", date(2012, 3, 14))
    man = person("rotherham", "Connor", "Dearne", date(1990, 2, 2))
    dated_link(girl, place, LinkKind.FREQUENTS, date(2026, 11, 30), reference="R-2026-00042")
    dated_link(man, place, LinkKind.FREQUENTS, date(2026, 11, 30), reference="R-2026-00042")
    page = client_for("sw.sheffield").get(f"/people/places/{place.pk}/")
    # A Sheffield social worker sees the hotel but neither Rotherham person.
    assert page.status_code == 200
    assert "Kayleigh Thornley" not in page.content.decode()
    page = client_for("cse.rotherham").get(f"/people/places/{place.pk}/").content.decode()
    assert "Premier Inn Rotherham Central" in page
    assert "S60 1AA" in page
    children = page[page.index("Children linked") : page.index("Adults linked")]
    adults = page[page.index("Adults linked") : page.index(">Concerns<")]
    assert "Kayleigh Thornley" in children
    assert "Connor Dearne" not in children
    assert f'href="/people/{man.pk}/"' in adults
    assert page.count("Concern R-2026-00042 (South Yorkshire Police)") == 1


def test_viewing_a_thing_is_logged_with_the_people_it_showed(client_for):
    number = phone("07700 900123")
    girl = person("rotherham", "Tia", "Kirkby")
    link(girl, number, LinkKind.USES_PHONE)
    client_for("cse.rotherham").get(f"/people/phones/{number.pk}/")
    entry = AccessLog.objects.latest("id")
    assert (entry.target_type, entry.target_id) == ("people.phone", str(number.pk))
    assert list(RecordShown.objects.filter(entry=entry).values_list("target_type", "target_id")) == [
        ("people.person", str(girl.pk))
    ]


def test_person_page_links_to_the_things_and_the_things_link_back(client_for):
    girl = person("rotherham", "Tia", "Kirkby")
    handle = account("Snapchat", "jay_wolf99")
    link(girl, handle, LinkKind.USES_ACCOUNT)
    client = client_for("cse.rotherham")
    person_page = client.get(f"/people/{girl.pk}/").content.decode()
    assert f'href="/people/accounts/{handle.pk}/"' in person_page
    account_page = client.get(f"/people/accounts/{handle.pk}/").content.decode()
    assert "Snapchat account jay_wolf99" in account_page
    assert f'href="/people/{girl.pk}/"' in account_page


def test_thing_page_query_count_does_not_grow_with_links(client_for, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for("cse.rotherham")
    car = vehicle("YK62QBC")
    dated_link(person("rotherham", "Tia", "Kirkby"), car, LinkKind.SEEN_IN_VEHICLE, date(2026, 1, 1))
    dated_link(car, hotel(), LinkKind.FREQUENTS, date(2026, 1, 2))
    with CaptureQueriesContext(connection) as few:
        client.get(f"/people/vehicles/{car.pk}/")
    for n in range(8):
        dated_link(
            person("rotherham", "Peer", f"Number{n}"), car, LinkKind.SEEN_IN_VEHICLE, date(2026, 2, n + 1)
        )
        dated_link(car, hotel(f"Hotel {n}", "S60 1AB"), LinkKind.FREQUENTS, date(2026, 3, n + 1))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(f"/people/vehicles/{car.pk}/")


def test_a_child_then_is_a_child_in_the_record():
    assert life_stage(date(2008, 6, 1), date(2026, 5, 31)) == "Child"
    assert life_stage(date(2008, 6, 1), date(2026, 6, 1)) == "Adult"
    assert life_stage(None, date(2026, 6, 1)) == ""


def test_the_car_page_names_the_hotel_it_was_seen_at_and_the_man_of_unknown_age(client_for):
    car = vehicle("YK62ABC")
    place = hotel("Riverside Hotel", "S1 2AB")
    mo = person("rotherham", "Mo", "")
    # Known only by a nickname from a concern: no date of birth, so neither child nor adult.
    Person.objects.filter(pk=mo.pk).update(date_of_birth=None)
    dated_link(car, place, LinkKind.SEEN_AT, date(2026, 11, 30), reference="R-2026-00042")
    dated_link(mo, car, LinkKind.USES_VEHICLE, date(2026, 11, 30), reference="R-2026-00042")
    page = client_for("cse.rotherham").get(f"/people/vehicles/{car.pk}/").content.decode()
    places = page[page.index("Places linked") : page.index(">Concerns<")]
    assert (
        f'href="/people/places/{place.pk}/">Riverside Hotel, Millstone Walk, Rotherham, S1 2AB</a>' in places
    )
    unknown_age = page[page.index("People of unknown age linked") : page.index("Places linked")]
    assert f'href="/people/{mo.pk}/">Mo</a>' in unknown_age
    # A car seen at a hotel reads plainly; "(this to them)" is only for a link from the thing to a person.
    assert '<td class="govuk-table__cell">Seen at</td>' in page
    assert "(this to them)" not in page


def test_a_place_whose_address_ends_with_its_postcode_names_it_once():
    place = Location(
        name="Riverside Hotel", address_line_1="1 Millstone Walk, Sheffield S1 2AB", postcode="S1 2AB"
    )
    assert str(place) == "Riverside Hotel, 1 Millstone Walk, Sheffield S1 2AB"
    place.address_line_1 = "1 Millstone Walk"
    assert str(place) == "Riverside Hotel, 1 Millstone Walk, S1 2AB"
