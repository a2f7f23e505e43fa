"""From the home page to a child's network: an analyst searches a registration, opens the vehicle, follows
"See its network", sees the link chart drawn (Cytoscape.js under the strict CSP: any violation fails the
test) and the same links in a table, then finds the path from the girl to the second girl, keyboard only,
axe-clean. Set TESSERA_SCREENSHOTS to a directory to keep the screenshots.
"""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tessera.core.models import Agency
from tessera.people.models import Link, LinkKind
from tests.browser.conftest import axe_violations
from tests.browser.test_case_walkthrough import go, shot
from tests.people.helpers import person, vehicle

pytestmark = pytest.mark.browser


def _world() -> None:
    police = Agency.objects.get(code="police")
    leah = person("rotherham", "Leah", "Stainley", date(2012, 5, 2))
    amy = person("rotherham", "Amy", "Ward", date(2011, 1, 9))
    kaz = person("rotherham", "Kaz", "Hussain", date(1990, 7, 7))
    danny = person("rotherham", "Danny", "Price", date(1988, 3, 3))
    car = vehicle("YK62ABC")
    for source, target, kind, on in (
        (kaz, leah, LinkKind.SUSPECTED_EXPLOITER, date(2026, 10, 1)),
        (kaz, car, LinkKind.USES_VEHICLE, date(2026, 9, 12)),
        (amy, car, LinkKind.SEEN_IN_VEHICLE, date(2026, 11, 2)),
        (leah, car, LinkKind.SEEN_IN_VEHICLE, date(2026, 11, 20)),
        (danny, kaz, LinkKind.ASSOCIATE, date(2026, 6, 1)),
    ):
        Link.objects.create(
            source=source.entity, target=target.entity, kind=kind, started_on=on, agency=police
        )


def test_an_analyst_opens_a_vehicle_s_network_and_finds_the_path_between_two_girls(page: Page, sign_in_as):
    _world()
    page.set_default_timeout(60_000)
    sign_in_as("analyst")
    page.goto("/")
    go(page, page.get_by_role("link", name="Search people"))
    page.get_by_label("Search for a person").fill("yk62abc")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    go(page, page.get_by_role("link", name="YK62 ABC"))
    go(page, page.get_by_role("link", name="See its network, two steps out"))

    expect(page.get_by_role("heading", name="YK62 ABC", exact=True)).to_be_visible()
    # Cytoscape draws on canvases inside the chart's container once the module has run.
    expect(page.locator("#network-chart canvas").first).to_be_attached()
    table = page.get_by_role("table", name="Links in this network, newest first")
    expect(table.locator("tbody tr")).to_have_count(5)
    expect(table).to_contain_text("Suspected exploiter of")
    ranking = page.get_by_role("table").filter(has_text="Which children")
    expect(ranking).to_contain_text("Kaz Hussain")
    assert axe_violations(page) == []
    shot(page, "network-page")

    # The path from Amy to Leah, chosen from the lists by keyboard.
    page.get_by_label("From").select_option(label="Amy Ward (Person)")
    page.get_by_label("To").select_option(label="Leah Stainley (Person)")
    go(page, page.get_by_role("button", name="Find the shortest path"))
    steps = page.locator("#path + form + ol li")
    expect(steps).to_have_count(2)
    expect(steps.first).to_contain_text("Amy Ward")
    expect(steps.first).to_contain_text("seen in vehicle")
    expect(steps.last).to_contain_text("Leah Stainley")
    assert axe_violations(page) == []
    shot(page, "network-path")
