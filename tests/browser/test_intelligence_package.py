"""Issue 18's first "done when", in a browser: a police analyst confirms a name found in a report, builds
a package from three reports and releases a sanitised version; a Sheffield social worker reads it, a
hotel reporter cannot, and the social worker gets 404 on each report. Keyboard only, axe-clean on every
page. Set TESSERA_SCREENSHOTS to a directory to keep the screenshots (the user guide uses two).
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tessera.accounts.models import User
from tessera.core.models import District
from tessera.intelligence.grading import Grade
from tessera.intelligence.models import SubjectRole
from tessera.intelligence.services import add_subject, submit_intelligence
from tests.browser.test_case_walkthrough import clean, go, menu, press, shot, type_into
from tests.conftest import make_person

pytestmark = pytest.mark.browser

TEXTS = (
    "Ellie Cawthorne seen getting into a silver Astra YK62 ABC outside school at 15:30 with an older male.",
    "Kaz Mahmood drives YK62 ABC and gives girls vodka at a flat on Cemetery Road. Source overheard it.",
    "Ellie told a friend that Kaz buys her phone credit; number 07700 900456 given.",
)


def _reports():
    ellie = make_person("sheffield", given="Ellie", family="Cawthorne")
    analyst = User.objects.get(username="analyst")
    reports = [
        submit_intelligence(analyst, text=text, district=ellie.district, grade=Grade("2", "B", "C"))
        for text in TEXTS
    ]
    for report in reports:
        add_subject(analyst, report, thing=ellie, role=SubjectRole.CHILD_AT_RISK)
    return ellie, reports


def test_an_analyst_packages_three_reports_and_releases_them_to_sheffield(page: Page, sign_in_as):
    ellie, reports = _reports()
    page.set_default_timeout(60_000)
    assert District.objects.filter(code="sheffield").exists()

    # The analyst opens the second report and confirms the man it names, found in the text.
    sign_in_as("analyst")
    page.goto("/")
    go(page, menu(page, "Intelligence"))
    clean(page)
    go(page, page.get_by_role("link", name=reports[1].reference))
    clean(page)
    offered = page.locator("form.tessera-offered", has_text="Kaz Mahmood")
    offered.get_by_label("Role in the report").select_option(label="Suspected exploiter")
    go(page, offered.get_by_role("button", name="Confirm Kaz Mahmood as a subject"))
    expect(page.locator("#subjects")).to_contain_text("Kaz Mahmood")
    expect(page.locator("#subjects")).to_contain_text("Suspected exploiter")
    clean(page)
    shot(page, "intelligence-report")

    # A package of the three reports, for the Sheffield case team.
    go(page, menu(page, "Intelligence"))
    go(page, page.get_by_role("link", name="Build a package"))
    clean(page)
    type_into(page, page.get_by_label("Title"), "Ellie Cawthorne: an older male and a silver Astra")
    type_into(
        page, page.get_by_label("Summary for the case team"), "Three reports link Ellie to Kaz Mahmood."
    )
    page.get_by_label("District of the case team").select_option(label="Sheffield")
    for report in reports:
        press(page, page.get_by_label(re.compile(report.reference)), "Space")
    go(page, page.get_by_role("button", name="Build the package"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Ellie Cawthorne: an older male and a silver Astra"
    )
    expect(page.locator("#connections")).to_contain_text("Kaz Mahmood")
    clean(page)
    shot(page, "intelligence-package")

    # Its sanitised version for Sheffield partners; the third report is withheld, with the reason.
    go(page, page.get_by_role("link", name="Release a sanitised version to partners"))
    clean(page)
    type_into(
        page, page.get_by_label("Sanitised summary"), "Police hold information that Ellie may be at risk."
    )
    type_into(page, page.get_by_label("Handling conditions"), "For safety planning only; not for the family.")
    type_into(
        page, page.get_by_label("Reason for the release"), "The case team plans Ellie's safety this week."
    )
    for report, text in zip(
        reports[:2],
        ("Ellie was seen getting into a car with an older male.", "The older male gives girls alcohol."),
        strict=True,
    ):
        type_into(page, page.get_by_label(f"{report.reference}: sanitised version"), text)
    type_into(
        page,
        page.get_by_label(f"{reports[2].reference}: or why it is withheld"),
        "Would identify the friend.",
    )
    go(page, page.get_by_role("button", name="Release to partners in Sheffield"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Released intelligence REL-")
    release_url = page.url
    clean(page)

    # The Sheffield social worker reads it from her intelligence page; none of the reports' own words.
    sign_in_as("sw.sheffield")
    page.goto("/")
    go(page, menu(page, "Intelligence"))
    clean(page)
    go(page, page.locator("#releases").get_by_role("link").first)
    expect(page.locator("main")).to_contain_text("Ellie may be at risk")
    expect(page.locator("main")).to_contain_text("not for the family")
    expect(page.locator("main")).to_contain_text("seen getting into a car")
    expect(page.locator("main")).not_to_contain_text("YK62")
    expect(page.locator("main")).not_to_contain_text("phone credit")
    clean(page)
    shot(page, "intelligence-release")
    for report in reports:
        response = page.goto(f"/intelligence/reports/{report.pk}/")
        assert response is not None
        assert response.status == 404

    # The hotel's reporter cannot read it.
    sign_in_as("hotel.sheffield")
    response = page.goto(release_url)
    assert response is not None
    assert response.status == 404
    clean(page)
    assert ellie.pk
