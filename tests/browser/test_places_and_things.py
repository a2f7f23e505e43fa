"""From the home page: search a registration, open the vehicle, follow a link to a person, read the person's
page; find a hotel by name. As an analyst, a CSE team member and a frontline officer, keyboard only,
axe-clean on every page.

Set TESSERA_SCREENSHOTS to a directory to save the user guide's screenshots on the way
(scripts/user-guide-screenshots.sh does).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Locator, Page, expect

from tessera.core.models import Agency, District
from tessera.people.models import EntityKind, Link, LinkKind, Location, LocationKind, PoleEntity
from tests.browser.conftest import axe_violations
from tests.people.helpers import add_identity, person, vehicle

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("TESSERA_SCREENSHOTS", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def press(page: Page, target: Locator) -> None:
    target.focus()
    page.keyboard.press("Enter")


def _world() -> None:
    police = Agency.objects.get(code="police")
    girl = person("rotherham", "Kayleigh", "Thornley", date(2012, 3, 14))
    add_identity(girl, "safe-steps", "Kayley", "Thornley", date(2012, 3, 14), approximate_age=14)
    add_identity(girl, "health-rotherham", "Kayleigh", "Thornley", date(2012, 4, 14))
    driver = person("rotherham", "Connor", "Dearne", date(1990, 2, 2))
    passenger = person("rotherham", "Liam", "Hoyland", date(1986, 7, 9))
    car = vehicle("YK62QBC")
    car.make, car.model, car.colour = "Vauxhall", "Astra", "Silver"
    car.save()
    hotel = Location.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.LOCATION),
        kind=LocationKind.HOTEL,
        name="Premier Inn Rotherham Central",
        address_line_1="Millstone Walk",
        town="Rotherham",
        postcode="S60 1AA",
        district=District.objects.get(code="rotherham"),
    )
    for source, target, kind in (
        (girl, car, LinkKind.SEEN_IN_VEHICLE),
        (driver, car, LinkKind.SEEN_IN_VEHICLE),
        (passenger, car, LinkKind.SEEN_IN_VEHICLE),
        (girl, hotel, LinkKind.FREQUENTS),
        (driver, girl, LinkKind.SUSPECTED_EXPLOITER),
    ):
        Link.objects.create(
            source=source.entity,
            target=target.entity,
            kind=kind,
            started_on=date(2026, 11, 30),
            agency=police,
            source_system="referral",
            source_record_id="R-2026-00042",
        )
    person("rotherham", "Walter", "Hodell", date(1944, 5, 6))


@pytest.mark.parametrize("username", ["analyst", "cse.rotherham", "officer.rotherham"])
def test_search_a_registration_open_the_vehicle_then_the_child(page: Page, sign_in_as, username):
    _world()
    # The walk opens nine pages; give a machine shared with the rest of the suite time to answer them.
    page.set_default_timeout(60_000)
    sign_in_as(username)
    page.goto("/")
    press(page, page.get_by_role("link", name="Search people"))
    page.get_by_label("Search for a person").fill("yk62 qbc")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Vehicles (1)")).to_be_visible()
    assert axe_violations(page) == []
    if username == "analyst":
        shot(page, "search-registration")

    press(page, page.get_by_role("link", name="YK62 QBC"))
    expect(page.get_by_role("heading", name="Vehicle YK62 QBC")).to_be_visible()
    table = page.get_by_role("table", name="What has been linked to it, newest first")
    expect(table).to_contain_text("Kayleigh Thornley Child, 14")
    expect(table).to_contain_text("Connor Dearne Adult, 36")
    expect(table).to_contain_text("Concern R-2026-00042")
    assert axe_violations(page) == []
    if username == "analyst":
        shot(page, "vehicle-page")

    press(page, table.get_by_role("link", name="Kayleigh Thornley"))
    expect(page.get_by_role("heading", name="Kayleigh Thornley", exact=True)).to_be_visible()
    expect(page.get_by_text("Linked to a suspected exploiter")).to_be_visible()
    records = page.get_by_role("region", name="What each agency's record says")
    expect(records).to_contain_text("Records differ")
    expect(records).to_contain_text("Differs 14 April 2012")
    if username == "officer.rotherham":
        expect(page.get_by_text("Risk of exploitation", exact=True)).to_have_count(0)
    else:
        expect(page.get_by_text("Risk of exploitation", exact=True)).to_be_visible()
    assert axe_violations(page) == []
    if username == "cse.rotherham":
        shot(page, "person-page")

    # From the person's links to the hotel's page, and find the hotel by name.
    press(
        page,
        # The summary and the links table both name the hotel.
        page.get_by_role(
            "link", name="Premier Inn Rotherham Central, Millstone Walk, Rotherham, S60 1AA"
        ).first,
    )
    expect(page.get_by_role("heading", name="Premier Inn Rotherham Central")).to_be_visible()
    assert axe_violations(page) == []
    for typed in ("Premier Inn", "hotel"):
        page.goto(f"/people/search/?q={typed}")
        expect(page.get_by_role("heading", name="Places (1)")).to_be_visible()
        expect(page.get_by_role("link", name="Walter Hodell")).to_have_count(0)
