"""One case from a frontline concern to closure, keyboard only where it matters, axe-clean on every page.

Set TESSERA_SCREENSHOTS to a directory to save the user guide's screenshots on the way
(scripts/user-guide-screenshots.sh does).
"""

from __future__ import annotations

import os
import re
import time
from datetime import date
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import axe_violations
from tests.conftest import make_person

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("TESSERA_SCREENSHOTS", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def press(page: Page, target: Locator, key: str = "Enter") -> None:
    """Operate a control from the keyboard: focus it, then press the key."""
    target.focus()
    page.keyboard.press(key)


def go(page: Page, target: Locator) -> None:
    """Follow a link or press a button with Enter, and wait for the next page."""
    with page.expect_navigation():
        press(page, target)


def type_into(page: Page, target: Locator, text: str) -> None:
    target.focus()
    page.keyboard.type(text)


def type_date(page: Page, field: str, day) -> None:
    for index, part in enumerate((day.day, day.month, day.year)):
        type_into(page, page.locator(f"#id_{field}_{index}"), str(part))


def menu(page: Page, name: str) -> Locator:
    return page.get_by_role("navigation", name="Menu").get_by_role("link", name=name, exact=True)


def clean(page: Page) -> None:
    assert axe_violations(page) == [], page.url


def test_a_case_from_concern_to_closure(page: Page, sign_in_as):
    make_person("rotherham", given="Kayleigh", family="Thornley")
    today = timezone.localdate()

    # A frontline officer reports a concern from the header navigation, in well under two minutes.
    sign_in_as("officer.rotherham")
    page.goto("/")
    started = time.monotonic()
    go(page, menu(page, "Report a concern"))
    page.wait_for_url(re.compile(r"/referrals/new/"))
    clean(page)
    type_into(page, page.get_by_label("Child's first name"), "Kayleigh")
    type_into(page, page.get_by_label("Child's last name"), "Thornley")
    type_date(page, "date_of_birth", date(2010, 3, 14))
    go(page, page.get_by_role("button", name="Check for existing records"))
    expect(page.get_by_label("Kayleigh Thornley, born 14 March 2010")).to_be_visible()
    clean(page)
    shot(page, "report-a-concern")
    press(page, page.get_by_label("Kayleigh Thornley, born 14 March 2010"), "Space")
    press(page, page.get_by_label("No", exact=True), "Space")
    press(page, page.get_by_label("Getting into cars with unknown adults"), "Space")
    press(page, page.get_by_label("Unexplained money, phones, clothes or gifts"), "Space")
    type_into(
        page,
        page.get_by_label("What did you see or hear"),
        "Got into a silver car with two men in their 30s.",
    )
    type_into(page, page.get_by_label("Where (optional)"), "Rotherham Interchange")
    type_date(page, "seen_on", today)
    go(page, page.get_by_role("button", name="Send the concern"))
    expect(page.get_by_role("heading", name="Concern sent")).to_be_visible()
    assert time.monotonic() - started < 120
    reference = page.locator(".govuk-panel__body strong").inner_text()
    clean(page)

    # The Rotherham multi-agency team triages it from the queue.
    sign_in_as("cse.rotherham")
    page.goto("/")
    go(page, menu(page, "Triage"))
    clean(page)
    shot(page, "triage-queue")
    go(page, page.get_by_role("link", name=reference))
    press(page, page.get_by_label("Strategy discussion (section 47 concern)"), "Space")
    type_into(page, page.get_by_label("Why", exact=True), "Cars with unknown adults and unexplained gifts.")
    page.get_by_label("Lead professional (if a case opens)").select_option(
        label="Sam Okafor (South Yorkshire Police)"
    )
    go(page, page.get_by_role("button", name="Record the decision"))
    expect(page.locator(".moj-identity-bar__title")).to_have_text("Kayleigh Thornley")
    clean(page)
    case_url = page.url

    # A youth worker from the charity joins the case team.
    go(page, page.get_by_role("link", name="People and links"))
    go(page, page.get_by_role("link", name="Add someone to the case team"))
    page.get_by_label("Who").select_option(label="Aaliyah Brennan (Safe Steps Youth Project)")
    type_into(page, page.get_by_label("Their role on the case"), "Youth worker")
    go(page, page.get_by_role("button", name="Add to the case team"))
    expect(page.get_by_text("Aaliyah Brennan added to the case team.")).to_be_visible()

    # Investigation is refused until a strategy discussion is recorded.
    page.goto(case_url + "investigation/")
    go(page, page.get_by_role("button", name="Move to investigation"))
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "cannot move to investigation without a strategy"
    )
    clean(page)

    go(page, page.get_by_role("link", name="Meetings"))
    go(page, page.get_by_role("link", name="Record a strategy discussion"))
    clean(page)
    type_date(page, "held_on", today)
    press(page, page.get_by_label("Sam Okafor (South Yorkshire Police)"), "Space")
    press(page, page.get_by_label("Aaliyah Brennan (Safe Steps Youth Project)"), "Space")
    type_into(page, page.get_by_label("Other attendee 1: name (optional)"), "Jan Whitley")
    page.get_by_label("Other attendee 1: agency").select_option(label="Rotherham Children's Social Care")
    type_into(page, page.get_by_label("Other attendee 2: name (optional)"), "Dr Anne Patel")
    page.get_by_label("Other attendee 2: agency").select_option(label="Rotherham Community Health Services")
    type_into(
        page, page.get_by_label("Information shared"), "School: absent 6 days. Health: attended clinic."
    )
    press(page, page.get_by_label("Yes", exact=True), "Space")
    press(page, page.get_by_label("Joint police and social care investigation"), "Space")
    go(page, page.get_by_role("button", name="Record the strategy discussion"))
    expect(page.get_by_text("Strategy discussion recorded.")).to_be_visible()
    clean(page)

    page.goto(case_url + "investigation/")
    go(page, page.get_by_role("button", name="Move to investigation"))
    expect(page.locator(".moj-identity-bar")).to_contain_text("Under investigation")

    # An action for the youth worker, due in working days.
    go(page, page.get_by_role("navigation", name="Case sections").get_by_role("link", name="Actions"))
    go(page, page.get_by_role("link", name="Set an action"))
    type_into(page, page.get_by_label("What needs doing"), "Weekly session with the child")
    page.get_by_label("Owner").select_option(label="Aaliyah Brennan (Safe Steps Youth Project)")
    type_into(page, page.get_by_label("Due in how many working days"), "5")
    go(page, page.get_by_role("button", name="Set the action"))
    expect(page.get_by_text("Action set for Aaliyah Brennan")).to_be_visible()
    clean(page)

    # The youth worker records the support the child received, in the child's words.
    sign_in_as("youthworker.rotherham")
    page.goto(case_url + "support/")
    go(page, page.get_by_role("link", name="Record support"))
    press(page, page.get_by_label("Youth worker"), "Space")
    page.get_by_label("Agency").select_option(label="Safe Steps Youth Project")
    type_into(page, page.get_by_label("Worker's name"), "Aaliyah Brennan")
    type_into(
        page, page.get_by_label("What the child received"), "One-to-one sessions on healthy relationships"
    )
    type_into(page, page.get_by_label("How often"), "Weekly")
    type_date(page, "started_on", today)
    press(page, page.get_by_label("Engaging well"), "Space")
    type_into(page, page.get_by_label("In the child's own words (optional)"), "She doesn't judge me.")
    go(page, page.get_by_role("button", name="Record the support"))
    expect(page.get_by_text("Support recorded.")).to_be_visible()
    clean(page)

    # The lead professional closes the case with an outcome.
    sign_in_as("cse.rotherham")
    page.goto(case_url)
    shot(page, "case-summary")
    go(page, page.get_by_role("link", name="Close the case"))
    press(page, page.get_by_label("Risk reduced: support ended as planned"), "Space")
    type_into(
        page,
        page.get_by_label("What changed for the child"),
        "Back at school; no missing episodes for 3 months.",
    )
    go(page, page.get_by_role("button", name="Close the case"))
    expect(page.locator(".moj-identity-bar")).to_contain_text("Closed")
    clean(page)

    # The chronology shows each step with its agency.
    go(page, page.get_by_role("link", name="Chronology"))
    clean(page)
    shot(page, "chronology")
    timeline = page.locator(".moj-timeline")
    for title, agency in [
        ("Concern reported", "South Yorkshire Police, Dan Hartwell"),
        ("Triage decision: Strategy discussion (section 47 concern)", "South Yorkshire Police, Sam Okafor"),
        ("Case opened", "South Yorkshire Police"),
        ("Joined the case team", "South Yorkshire Police"),
        ("Strategy discussion", "South Yorkshire Police, Sam Okafor"),
        ("Moved to investigation", "South Yorkshire Police"),
        ("Action set: Weekly session with the child", "South Yorkshire Police"),
        ("Support: youth worker (Aaliyah Brennan)", "Safe Steps Youth Project, Aaliyah Brennan"),
        ("Case closed", "South Yorkshire Police, Sam Okafor"),
    ]:
        item = timeline.locator(
            ".moj-timeline__item", has=page.get_by_role("heading", name=title, exact=True)
        )
        expect(item.first).to_contain_text(agency)
