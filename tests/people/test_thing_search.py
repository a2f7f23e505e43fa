"""The one search box finds places, vehicles, phones and accounts, grouped by kind, each linking to its page."""

from __future__ import annotations

from datetime import date

import pytest

from tessera.audit.models import AccessLog, RecordShown
from tessera.core.models import District
from tessera.people.models import EntityKind, LinkKind, Location, LocationKind, PlaceWord, PoleEntity
from tessera.people.place_words import place_words
from tessera.people.search_query import parse_search
from tests.people.helpers import account, link, person, phone, vehicle
from tests.people.test_thing_pages import dated_link, hotel

pytestmark = pytest.mark.django_db


def search(client, text: str) -> str:
    response = client.get("/people/search/", {"q": text})
    assert response.status_code == 200
    return response.content.decode()


def section(page: str, heading: str) -> str:
    start = page.index(f">{heading} (")
    return page[start : page.index("</ul>", start)]


def test_a_place_is_found_by_its_name_its_street_and_its_postcode(client_for):
    place = hotel("Premier Inn Rotherham Central", "S60 1AA")
    dated_link(person("rotherham", "Tia", "Kirkby"), place, LinkKind.FREQUENTS, date(2026, 11, 1))
    client = client_for("cse.rotherham")
    for typed in ("Premier Inn", "premier inn rotherham", "Millstone Walk", "S60 1AA", "s601aa"):
        places = section(search(client, typed), "Places")
        assert f'href="/people/places/{place.pk}/">Premier Inn Rotherham Central</a>' in places, typed


def test_hotel_finds_hotels_and_no_one_whose_surname_sounds_like_it(client_for):
    hotel("Premier Inn Rotherham Central")
    man = person("rotherham", "Walter", "Hodell", date(1944, 5, 6))
    page = search(client_for("cse.rotherham"), "hotel")
    assert "Premier Inn Rotherham Central" in section(page, "Places")
    assert "Hodell" not in page
    assert f"/people/{man.pk}/" not in page
    # A surname is still found by its own sound.
    assert "Walter Hodell" in search(client_for("cse.rotherham"), "Walter Hodel")


def test_a_registration_is_found_with_or_without_spaces_in_any_case(client_for):
    car = vehicle("YK62QBC")
    link(person("rotherham", "Tia", "Kirkby"), car, LinkKind.SEEN_IN_VEHICLE)
    client = client_for("analyst")
    for typed in ("YK62 QBC", "yk62qbc", "Yk62 qBc"):
        vehicles = section(search(client, typed), "Vehicles")
        assert f'href="/people/vehicles/{car.pk}/">YK62 QBC</a>' in vehicles, typed


def test_a_phone_is_found_however_the_number_is_written_and_an_account_by_its_handle(client_for):
    number = phone("07700 900123")
    handle = account("Snapchat", "jay_wolf99")
    girl = person("rotherham", "Tia", "Kirkby")
    link(girl, number, LinkKind.USES_PHONE)
    link(girl, handle, LinkKind.USES_ACCOUNT)
    client = client_for("cse.rotherham")
    for typed in ("07700 900123", "+44 7700 900123", "0044 (0)7700-900-123"):
        assert f'href="/people/phones/{number.pk}/">07700 900123</a>' in section(
            search(client, typed), "Phones"
        )
    for typed in ("@jay_wolf99", "Jay_Wolf99"):
        assert f'href="/people/accounts/{handle.pk}/">jay_wolf99</a>' in section(
            search(client, typed), "Online accounts"
        )


def test_a_car_known_only_from_intelligence_is_not_listed_to_a_frontline_officer(client_for):
    car = vehicle("YK62QBC")
    dated_link(
        person("rotherham", "Tia", "Kirkby"),
        car,
        LinkKind.SEEN_IN_VEHICLE,
        date(2026, 11, 1),
        intelligence=True,
    )
    assert "Vehicles (" not in search(client_for("officer.rotherham"), "YK62 QBC")
    assert "Vehicles (1)" in search(client_for("cse.rotherham"), "YK62 QBC")


def test_a_home_in_another_district_is_not_listed(client_for):
    home = Location.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.LOCATION),
        kind=LocationKind.HOME,
        address_line_1="4 Millstone Walk",
        postcode="S60 2BB",
        district=District.objects.get(code="rotherham"),
    )
    dated_link(person("rotherham", "Tia", "Kirkby"), home, LinkKind.LIVES_AT, date(2025, 1, 1))
    assert "Places (" not in search(client_for("sw.sheffield"), "Millstone Walk")
    assert f"/people/places/{home.pk}/" in search(client_for("cse.rotherham"), "Millstone Walk")


def test_the_search_row_names_the_things_it_listed(client_for):
    car = vehicle("YK62QBC")
    link(person("rotherham", "Tia", "Kirkby"), car, LinkKind.SEEN_IN_VEHICLE)
    search(client_for("cse.rotherham"), "YK62 QBC")
    entry = AccessLog.objects.latest("id")
    assert ("people.vehicle", str(car.pk)) in set(
        RecordShown.objects.filter(entry=entry).values_list("target_type", "target_id")
    )


def test_a_renamed_place_is_found_under_its_new_name():
    place = hotel("Premier Inn Rotherham Central")
    place.name = "Travelodge Rotherham"
    place.save()
    words = set(PlaceWord.objects.filter(location=place).values_list("word", flat=True))
    assert {"travelodge", "hotel", "millstone", "walk"} <= words
    assert "premier" not in words


def test_place_words_and_the_query_agree_on_a_place_name():
    assert place_words("Children's home", "Oak House", "12 Grange Road") == {
        "childrens",
        "home",
        "oak",
        "house",
        "grange",
        "road",
    }
    assert parse_search("Premier Inn").name_tokens == ("premier", "inn")
