"""From the home page to a network alert: Amy is seen in the car of a suspected exploiter (recorded through
the people service, as every link is); her district's CSE team member sees the alert counted on the home
page, follows it to the list (where a further path found later is marked new) and to the alert, reads the path
that explains it and the further one and closes the alert
saying why, keyboard only, axe-clean. Someone of another district is told the alert is not there (404). Set TESSERA_SCREENSHOTS to a
directory to keep the screenshots (docs/images/network-alert.png is one).
"""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tessera.accounts.models import User
from tessera.earlywarning.models import NetworkAlert
from tessera.earlywarning.services import raise_for_link
from tessera.people.models import LinkKind
from tessera.people.services import record_link
from tests.browser.conftest import axe_violations
from tests.browser.test_case_walkthrough import go, shot, type_into
from tests.people.helpers import link, person, phone, vehicle

pytestmark = pytest.mark.browser


def test_the_district_team_follows_a_network_alert_to_its_path(page: Page, sign_in_as):
    kaz = person("rotherham", "Kaz", "Hussain", date(1990, 7, 7))
    amy = person("rotherham", "Amy", "Ward", date(2011, 1, 9))
    car = vehicle("YK62ABC")
    mia = person("rotherham", "Mia", "Dale", date(2012, 3, 3))
    link(kaz, mia, LinkKind.SUSPECTED_EXPLOITER)
    link(kaz, car, LinkKind.USES_VEHICLE)
    new = record_link(
        User.objects.get(username="cse.rotherham"),
        source=amy,
        target=car,
        kind=LinkKind.SEEN_IN_VEHICLE,
        started_on=date(2026, 11, 2),
    )
    raise_for_link(new)  # what link_recorded does once the recording commits
    # Later Amy uses the phone of Jay, another suspected exploiter of Mia: a further path, marked new.
    jay = person("rotherham", "Jay", "Cole", date(1991, 1, 1))
    mobile = phone("07700900456")
    link(jay, mia, LinkKind.SUSPECTED_EXPLOITER)
    link(jay, mobile, LinkKind.USES_PHONE)
    raise_for_link(
        record_link(
            User.objects.get(username="cse.rotherham"),
            source=amy,
            target=mobile,
            kind=LinkKind.USES_PHONE,
            started_on=date(2026, 11, 20),
        )
    )
    alert = NetworkAlert.objects.get(child=amy)

    page.set_default_timeout(60_000)
    sign_in_as("cse.rotherham")
    page.goto("/")
    expect(page.get_by_role("heading", name="Network alerts")).to_be_visible()
    go(page, page.get_by_role("link", name="See network alerts"))
    expect(page.get_by_role("row", name="Amy Ward")).to_contain_text("New path")
    assert axe_violations(page) == []
    shot(page, "network-alert-list")
    go(page, page.get_by_role("link", name="Amy Ward"))
    expect(page.get_by_role("heading", name="The path that explains it")).to_be_visible()
    path = page.get_by_role("list").filter(has_text="seen in vehicle")
    expect(path.locator("li")).to_have_count(2)
    expect(path).to_contain_text("Amy Ward")
    expect(path).to_contain_text("YK62 ABC")
    expect(path).to_contain_text("Kaz Hussain")
    further = page.get_by_role("heading", name="Further path found")
    expect(further).to_contain_text("New")
    expect(page.get_by_role("list").filter(has_text="uses phone")).to_contain_text("Jay Cole")
    assert axe_violations(page) == []
    shot(page, "network-alert")

    # Dealt with: the team closes it, saying why; an empty reason is refused first, naming the field.
    go(page, page.get_by_role("button", name="Close the alert"))
    expect(page.get_by_role("alert")).to_contain_text("why the alert can be closed")
    assert axe_violations(page) == []
    type_into(page, page.get_by_label("Why the alert can be closed"), "Reassessed: high risk, plan updated")
    go(page, page.get_by_role("button", name="Close the alert"))
    expect(page.get_by_text("Network alert closed")).to_be_visible()
    expect(page.get_by_text("There are no open network alerts for your district.")).to_be_visible()
    alert.refresh_from_db()
    assert alert.closed_at is not None
    assert alert.close_reason == "Reassessed: high risk, plan updated"

    sign_in_as("sw.sheffield")
    response = page.goto(f"/network-alerts/{alert.pk}/")
    assert response is not None
    assert response.status == 404
