"""A missing child, from the carer's profile to the return interview: report missing in one step from the
profile, record where she was found (a hotel: a pattern alert), the return interview with a disclosure,
and see the alert, the action and the chronology on her case. Keyboard only; axe-clean on every page.

Set TESSERA_SCREENSHOTS to a directory to save the user guide's screenshots on the way.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from tessera.accounts.models import User
from tessera.missing import services
from tests.browser.conftest import axe_violations
from tests.cases.world import rotherham_case_world
from tests.conftest import make_person

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("TESSERA_SCREENSHOTS", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def go(page: Page, target: Locator) -> None:
    """Follow a link or press a button from the keyboard, and wait for the next page."""
    with page.expect_navigation():
        target.focus()
        page.keyboard.press("Enter")


def type_into(page: Page, target: Locator, text: str) -> None:
    target.focus()
    page.keyboard.type(text)


def choose(page: Page, target: Locator) -> None:
    target.focus()
    page.keyboard.press("Space")


def type_moment(page: Page, prefix: str, moment) -> None:
    """Type a moment into its day, month and year boxes and its time box."""
    local = timezone.localtime(moment)
    for index, value in enumerate((local.day, local.month, local.year)):
        type_into(page, page.locator(f"#id_{prefix}_on_{index}"), str(value))
    type_into(page, page.locator(f"#id_{prefix}_time"), f"{local:%H:%M}")


def clean(page: Page) -> None:
    assert axe_violations(page) == [], page.url


def test_report_from_the_profile_return_and_interview_reach_the_case(page: Page, sign_in_as):
    cast = {u.username: u for u in User.objects.all()}
    child = make_person("rotherham", given="Shannon", family="Wragby")
    world = rotherham_case_world(cast, child=child)
    services.save_profile(
        cast["cse.rotherham"],
        child,
        kept_by="Lorna Pike, Oakwood House",
        carer_kind="childrens_home",
        description="5ft 4, slim, long dark hair, scar above her left eyebrow",
        associates="An older man she calls Kaz, who drives a silver car",
        places="Parkgate retail park; hotels near the station",
        phones="07700 900123",
    )
    now = timezone.now()

    sign_in_as("cse.rotherham")
    page.goto(f"/missing/children/{child.pk}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Missing record")
    clean(page)
    shot(page, "missing-profile")
    go(page, page.get_by_role("link", name="Report missing and hand this profile to the police"))

    # One step: the profile is shown and handed over; who reported is filled in from it.
    expect(page.locator("#profile-handed-over")).to_contain_text("scar above her left eyebrow")
    expect(page.get_by_label("Name of who reported")).to_have_value("Lorna Pike, Oakwood House")
    clean(page)
    type_moment(page, "last_seen", now - timedelta(hours=6))
    type_into(page, page.get_by_label("Where last seen"), "Oakwood House, Wath Road")
    type_into(page, page.get_by_label("Circumstances"), "Left by the back door after a phone call.")
    choose(page, page.get_by_label("Medium risk"))
    type_into(page, page.get_by_label("Why this grade"), "Out overnight twice before; phone off.")
    shot(page, "missing-report")
    go(page, page.get_by_role("button", name="Report missing and hand over the profile"))
    expect(page.get_by_text(re.compile(r"Missing episode MIS-\d{4}-\w+ is open"))).to_be_visible()
    clean(page)

    go(page, page.get_by_role("link", name="Record found or returned"))
    clean(page)
    type_moment(page, "found", timezone.now() - timedelta(minutes=1))
    choose(page, page.get_by_label("Somewhere not listed: describe it below"))
    type_into(page, page.get_by_label("Name of the place (optional)"), "Premier Lodge")
    type_into(page, page.get_by_label("Address of the place"), "Station Road, Rotherham S60 1AA")
    page.get_by_label("Kind of place").select_option("hotel")
    type_into(page, page.get_by_label("Who they were with (optional)"), "Two men in their thirties")
    type_into(page, page.get_by_label("Vehicle registration (optional)"), "YK62 ABC")
    type_into(
        page, page.get_by_label("How they were found and what they said"), "Found by patrol in the car park."
    )
    go(page, page.get_by_role("button", name="Record the return"))
    expect(page.locator("#pattern-alerts")).to_contain_text("Found at a hotel, taxi firm or takeaway")
    expect(page.get_by_text(re.compile("Due by .* \\(arrange by"))).to_be_visible()
    clean(page)

    go(page, page.get_by_role("link", name="Record the return interview"))
    type_moment(page, "held", timezone.now())
    type_into(page, page.get_by_label("Who held it"), "Jo Clegg, Safe Steps")
    type_into(page, page.get_by_label("In the child's own words"), "We went to a party at the hotel.")
    type_into(
        page,
        page.get_by_label("First disclosure (optional)"),
        "Kaz gave her money to carry a bag to Sheffield",
    )
    clean(page)
    shot(page, "missing-return-interview")
    go(page, page.get_by_role("button", name="Save the interview"))
    expect(page.get_by_text("1 disclosure sent to the case team as actions.")).to_be_visible()
    disclosures = page.locator("#disclosures")
    expect(disclosures).to_contain_text("Kaz gave her money to carry a bag")
    clean(page)
    shot(page, "missing-episode")

    # The case team member sees the action, the alert and the chronology on the case.
    sign_in_as("youthworker.rotherham")
    page.goto(f"/cases/{world.case.pk}/actions/")
    expect(
        page.get_by_text(re.compile("Act on a disclosure in the return interview for MIS-"))
    ).to_be_visible()
    go(page, page.get_by_role("navigation", name="Case sections").get_by_role("link", name="Missing"))
    expect(page.locator("#case-alerts")).to_contain_text("Found at a hotel, taxi firm or takeaway")
    clean(page)
    go(page, page.get_by_role("navigation", name="Case sections").get_by_role("link", name="Chronology"))
    for title in (
        "Reported missing",
        "Found or returned",
        "Return interview",
        "Disclosure in a return interview",
        "Missing pattern alert",
    ):
        expect(page.get_by_text(title, exact=True).first).to_be_visible()
    clean(page)
    shot(page, "missing-chronology")


def test_a_supervisor_approves_ending_monitoring_from_the_home_page(page: Page, sign_in_as):
    from tessera.missing.models import Monitoring
    from tests.missing.world import found, report

    cast = {u.username: u for u in User.objects.all()}
    child = make_person("rotherham", given="Kayleigh", family="Durrant")
    rotherham_case_world(cast, child=child)
    cse = cast["cse.rotherham"]
    for days in (40, 20):
        found(cse, report(cse, child, hours_ago=24 * days + 5), hours_ago=24 * 10)
    found(cse, report(cse, child, hours_ago=30), hours_ago=2)
    monitoring = Monitoring.objects.get(child=child)
    assert not services.close_monitoring(
        cse,
        monitoring,
        expected_version=monitoring.version,
        reason="Back at school every day; settled at home",
    )

    sign_in_as("supervisor.rotherham")
    page.goto("/")
    expect(page.get_by_role("heading", name="Missing children: monitoring to end")).to_be_visible()
    clean(page)
    go(page, page.get_by_role("link", name="Review requests to end monitoring"))
    table = page.locator("#closures-to-approve")
    expect(table).to_contain_text("Kayleigh Durrant")
    expect(table).to_contain_text("Back at school every day; settled at home")
    clean(page)
    shot(page, "missing-closures-to-approve")
    go(page, table.get_by_role("link", name="Review ending the monitoring of Kayleigh Durrant"))
    type_into(
        page, page.get_by_label("Why monitoring can end"), "Agreed with the coordinator: no episode since."
    )
    clean(page)
    go(page, page.get_by_role("button", name="Approve ending monitoring"))
    expect(page.get_by_text("Monitoring of this child has ended.")).to_be_visible()
    monitoring.refresh_from_db()
    assert monitoring.approved_by == cast["supervisor.rotherham"]
