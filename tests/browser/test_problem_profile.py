"""Issue 18 item 6 in a browser: a police analyst starts from the home page, opens the problem profile
for Sheffield, sees its hotspots map and hour-by-weekday matrix, writes a recommendation and downloads the
PDF; a social worker (no police intelligence) finds no way to it and gets 404 at its address. Keyboard
only, axe-clean on every page. Set TESSERA_SCREENSHOTS to a directory to keep the screenshots (the user
guide uses "problem-profile")."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tessera.accounts.models import User
from tessera.intelligence.models import ProblemProfile
from tests.browser.test_case_walkthrough import clean, go, menu, press, shot, type_into
from tests.conftest import make_person
from tests.intelligence.world import build_intel_world, profile_sources

pytestmark = pytest.mark.browser


def test_an_analyst_opens_sheffields_problem_profile_and_exports_it(page: Page, sign_in_as):
    cast = {u.username: u for u in User.objects.select_related("agency")}
    world = build_intel_world(cast, make_person("sheffield", given="Ellie", family="Cawthorne"))
    profile_sources(cast, world, timezone.localdate() - timedelta(days=20))
    page.set_default_timeout(60_000)

    sign_in_as("analyst")
    page.goto("/")
    go(page, menu(page, "Intelligence"))
    go(
        page,
        page.get_by_role(
            "link", name="Problem profiles: hotspots, vehicles, individuals and times, by district"
        ),
    )
    clean(page)
    page.get_by_label("District").select_option(label="Sheffield")
    type_into(page, page.get_by_label("Title"), "Sheffield: the last twelve months")
    go(page, page.get_by_role("button", name="Count and open the profile"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Sheffield: the last twelve months")
    expect(page.locator("#profile-hex-map")).to_be_visible()
    expect(page.locator("#hotspots")).to_contain_text("Station Hotel")
    expect(page.locator("#profile-matrix")).to_be_visible()
    expect(page.locator("#matrix")).to_contain_text("Saturday")
    expect(page.locator("#people")).to_contain_text("Kaz Mahmood")
    expect(page.locator("#partners")).to_contain_text("Hotel")
    clean(page)

    type_into(
        page,
        page.get_by_label("Recommendations"),
        "Visit the Station Hotel with the licensing team; stop checks on YK62 ABC.",
    )
    go(page, page.get_by_role("button", name="Save the recommendations"))
    expect(page.get_by_label("Recommendations")).to_have_value(
        "Visit the Station Hotel with the licensing team; stop checks on YK62 ABC."
    )
    clean(page)
    shot(page, "problem-profile")

    with page.expect_download() as download_info:
        press(page, page.get_by_role("link", name="Download as PDF"))
    download = download_info.value
    assert download.suggested_filename.startswith("PRP-")
    path = download.path()
    assert path is not None
    with open(path, "rb") as pdf:
        assert pdf.read(4) == b"%PDF"
    profile = ProblemProfile.objects.get()

    # A social worker reads released intelligence, but has no way to the profile, and 404 at its address.
    sign_in_as("sw.sheffield")
    page.goto("/")
    go(page, menu(page, "Intelligence"))
    expect(page.locator("main")).not_to_contain_text("Problem profiles")
    clean(page)
    response = page.goto(f"/intelligence/profiles/{profile.pk}/")
    assert response is not None
    assert response.status == 404
