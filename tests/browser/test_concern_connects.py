"""Issue 12's end to end: a hotel's concern about a girl with two men and a car becomes linked records.

A hotel night manager reports a girl of about 14 arriving with two men in a car; the Sheffield CSE team
grades it immediate, finds the girl (an existing child) under a misspelt name, records the men and the
car; the girl's first risk assessment offers the concern's hotel sighting from the record; an analyst then
searches the registration and finds the girl and the men. Keyboard only where it
matters, axe-clean on every page. Set TESSERA_SCREENSHOTS to a directory to keep the screenshots.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from tessera.people.models import Link, Vehicle
from tessera.referrals.models import Referral
from tests.browser.test_case_walkthrough import clean, go, menu, press, shot, type_date, type_into
from tests.conftest import make_person
from tests.risk.world import version_in_force

pytestmark = pytest.mark.browser


def row(page: Page, fieldset_id: str) -> Locator:
    return page.locator(f"fieldset#{fieldset_id}")


def resolving(page: Page, legend: str) -> Locator:
    return page.locator("fieldset.tessera-subject-row", has_text=legend)


def test_a_hotel_concern_becomes_a_girl_two_men_a_car_and_a_hotel_linked(page: Page, sign_in_as):
    leah = make_person("sheffield", given="Leah", family="Stainley", dob=date(2012, 5, 3))
    version_in_force()
    today = timezone.localdate()
    # Triage pages search for each person named; on a shared two-core machine that can take a while.
    page.set_default_timeout(60_000)

    # The hotel's night manager reports from their home page.
    sign_in_as("hotel.sheffield")
    page.goto("/")
    go(page, page.get_by_role("main").get_by_role("link", name="Report a concern"))
    clean(page)
    press(page, page.get_by_label("Yes, it is happening now"), "Space")
    child = row(page, "child-0")
    type_into(page, child.get_by_label("First name (optional)"), "Leah")
    type_into(page, child.get_by_label("Approximate age (optional)"), "14")
    child.get_by_label("Sex (optional)").select_option(label="Female")
    type_into(page, child.get_by_label("Description (optional)"), "Grey hoodie, school bag, looked scared")
    first_man = row(page, "adult-0")
    type_into(page, first_man.get_by_label("Nickname or what they were called (optional)"), "Mo")
    type_into(page, first_man.get_by_label("Approximate age (optional)"), "35")
    first_man.get_by_label("Sex (optional)").select_option(label="Male")
    # A second man: one more box, with everything typed so far kept.
    go(page, page.get_by_role("button", name="Add another adult"))
    expect(row(page, "adult-0").get_by_label("Nickname or what they were called (optional)")).to_have_value(
        "Mo"
    )
    expect(page.locator(".govuk-error-summary")).to_have_count(0)
    second_man = row(page, "adult-1")
    type_into(page, second_man.get_by_label("First name (optional)"), "Darren")
    type_into(page, second_man.get_by_label("Last name (optional)"), "Hollis")
    car = row(page, "vehicle-0")
    type_into(page, car.get_by_label("Registration (optional)"), "yk62 abc")
    type_into(page, car.get_by_label("Make (optional)"), "Ford Focus")
    type_into(page, car.get_by_label("Colour (optional)"), "Silver")
    hotel = row(page, "place-0")
    type_into(page, hotel.get_by_label("Name of the place (optional)"), "Riverside Hotel")
    type_into(
        page, hotel.get_by_label("Address or description (optional)"), "1 Millstone Walk, Sheffield S1 2AB"
    )
    hotel.get_by_label("Kind of place (optional)").select_option(label="Hotel")
    press(page, page.get_by_label("A young person with adults who did not seem to be family"), "Space")
    type_into(
        page,
        page.get_by_label("What did you see or hear"),
        "Girl about 14 arrived at 23:00 with two men in a silver car; they paid cash for room 12.",
    )
    type_into(page, page.get_by_label("Where", exact=True), "Riverside Hotel, room 12")
    type_date(page, "seen_on", today)
    clean(page)
    shot(page, "partner-concern-with-subjects")
    go(page, page.get_by_role("button", name="Send the concern"))
    expect(page.get_by_role("heading", name="Concern sent")).to_be_visible()
    reference = page.locator(".govuk-panel__body strong").inner_text()
    clean(page)

    # The Sheffield CSE team: the home page says an immediate concern is waiting.
    sign_in_as("sw.sheffield")
    page.goto("/")
    expect(page.get_by_text("1 immediate concern waiting")).to_be_visible()
    clean(page)
    go(page, menu(page, "Triage"))
    first = page.locator(".govuk-table__body .govuk-table__row").first
    expect(first).to_contain_text(reference)
    expect(first).to_contain_text("Happening now: grade it")
    clean(page)
    go(page, page.get_by_role("link", name=reference))
    clean(page)
    press(page, page.get_by_label("Immediate (within the hour)"), "Space")
    go(page, page.get_by_role("button", name="Save the grade"))
    expect(page.get_by_text(f"{reference} graded: Immediate (within the hour).")).to_be_visible()
    expect(page.get_by_text(re.compile(r"Decision due by \d\d:\d\d"))).to_be_visible()

    # Search before create: the misspelt name finds Leah Stainley.
    girl = resolving(page, "Child: Leah, about 14")
    search = girl.get_by_label(re.compile("Search for child"))
    search.fill("")
    type_into(page, search, "Leah Stainly")
    go(page, girl.get_by_role("button", name=re.compile("Check for existing records")))
    girl = resolving(page, "Child: Leah, about 14")
    found = girl.get_by_label(re.compile(r"^Leah Stainley, born 3 May 2012"))
    expect(found).to_be_visible()
    clean(page)
    shot(page, "triage-search-before-create")
    for legend in ("Adult: 'Mo', about 35", "Adult: Darren Hollis"):
        go(page, resolving(page, legend).get_by_role("button", name=re.compile("Check for existing records")))
    press(page, resolving(page, "Child: Leah, about 14").get_by_label(re.compile(r"^Leah Stainley")), "Space")
    for legend in ("Adult: 'Mo', about 35", "Adult: Darren Hollis"):
        press(page, resolving(page, legend).get_by_label(re.compile("None of these")), "Space")
    expect(
        resolving(page, "Vehicle: yk62 abc").get_by_label(re.compile("Record this vehicle"))
    ).to_be_checked()
    go(page, page.get_by_role("button", name="Record them"))
    expect(
        page.get_by_text(re.compile(r"Recorded 5 of the concern's people, places and things and 10 links"))
    ).to_be_visible()
    expect(page.locator("#concern-subjects")).to_contain_text("Leah Stainley")
    expect(page.locator("#concern-subjects")).to_contain_text("YK62ABC")
    clean(page)

    # The decision: the case is about the girl, titled with her name.
    expect(page.get_by_label("A child", exact=True)).to_be_checked()
    page.get_by_label("Which child (if about a child)").select_option(label="Leah Stainley, born 3 May 2012")
    press(page, page.get_by_label("Strategy discussion (section 47 concern)"), "Space")
    type_into(page, page.get_by_label("Why", exact=True), "A girl of 14 at night with two adult men.")
    page.get_by_label("Lead professional (if a case opens)").select_option(index=1)
    go(page, page.get_by_role("button", name="Record the decision"))
    expect(page.locator(".moj-identity-bar__title")).to_have_text("Leah Stainley")
    clean(page)
    shot(page, "case-from-a-hotel-concern")
    go(page, page.get_by_role("navigation", name="Case sections").get_by_role("link", name="Risk"))
    expect(page.get_by_text("about a place or a peer group")).to_have_count(0)
    expect(page.get_by_role("link", name="Open the child's risk page")).to_be_visible()
    clean(page)

    # The girl's assessment starts from what the concern said: the hotel sighting is offered from the record.
    go(page, page.get_by_role("link", name="Open the child's risk page"))
    go(page, page.get_by_role("link", name="Start a new assessment"))
    disability = page.get_by_role("group", name="Does the child have a learning disability?")
    press(page, disability.get_by_label("No"), "Space")
    go(page, page.get_by_role("button", name="Start assessment"))
    offered = page.locator("#from-the-record")
    expect(offered).to_contain_text("Unexplained contact with hotels, taxi firms or takeaways")
    expect(offered.get_by_role("link", name=f"Concern {reference}")).to_be_visible()
    clean(page)
    shot(page, "assessment-offers-facts-from-the-record")
    go(page, offered.get_by_role("button", name=re.compile("^Confirm Unexplained contact with hotels")))
    expect(page.get_by_text("confirmed from the record and added as an observation")).to_be_visible()
    expect(page.locator("#fact-decisions")).to_contain_text("confirmed by Helen Marsh")
    clean(page)

    referral = Referral.objects.get(reference=reference)
    assert referral.child == leah
    links = Link.objects.filter(source_system="referral", source_record_id=reference)
    assert links.count() == 10
    assert Vehicle.objects.get().registration == "YK62ABC"

    # An analyst searches the registration and finds the girl and both men through the car.
    sign_in_as("analyst")
    page.goto("/")
    go(page, page.get_by_role("link", name="Search people"))
    type_into(page, page.get_by_label("Search for a person"), "YK62 ABC")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    results = page.locator("main")
    expect(results).to_contain_text("Leah Stainley")
    expect(results).to_contain_text("Darren Hollis")
    expect(results).to_contain_text("Mo")
    expect(results).to_contain_text("Seen in vehicle: vehicle YK62 ABC")
    expect(results).to_contain_text("Uses vehicle: vehicle YK62 ABC")
    clean(page)
    shot(page, "analyst-searches-a-registration")

    # The car's own page: the girl, both men and the hotel it was seen at, each with the concern it came from.
    go(page, page.get_by_role("main").get_by_role("link", name="YK62 ABC", exact=True))
    expect(page.get_by_role("heading", level=1)).to_contain_text("YK62 ABC")
    summary = page.locator(".govuk-summary-list")
    expect(summary).to_contain_text("Leah Stainley")
    expect(summary).to_contain_text("Darren Hollis")
    expect(summary).to_contain_text("Mo")
    expect(summary).to_contain_text("Riverside Hotel")
    expect(summary).to_contain_text(reference)
    clean(page)
    shot(page, "analyst-vehicle-page")
    go(page, summary.get_by_role("link", name=re.compile("^Riverside Hotel")))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Riverside Hotel")
    expect(page.locator(".govuk-summary-list")).to_contain_text("Leah Stainley")
    clean(page)
