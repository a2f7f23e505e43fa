"""A CSE team member finds "Sandy Smith" when they type "Alexander Smith", in person search and when they
report a concern, and finds who uses a foreign phone however it is written: axe-clean throughout."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tessera.people.models import LinkKind
from tests.browser.test_case_walkthrough import clean, go, menu, shot, type_date, type_into
from tests.people.helpers import link, person, phone

pytestmark = pytest.mark.browser

BORN = date(2011, 5, 17)


def test_sandy_is_found_for_alexander_in_search_and_when_reporting_a_concern(page: Page, sign_in_as):
    sandy = person("rotherham", "Sandy", "Smith", BORN)
    link(sandy, phone("0040 721 234 567"), LinkKind.USES_PHONE)
    sign_in_as("cse.rotherham")
    page.goto("/")
    go(page, page.get_by_role("link", name="Search people"))
    type_into(page, page.get_by_label("Search for a person"), "Alexander Smith")
    page.keyboard.press("Enter")
    expect(page.get_by_role("link", name="Sandy Smith")).to_be_visible()
    expect(page.get_by_text("‘Alexander’ and ‘Sandy’ are both forms of Alexander")).to_be_visible()
    clean(page)
    shot(page, "search-alexander-finds-sandy")

    for typed in ("+40 721 234 567", "0040721234567", "+40 (0)721 234 567"):
        search = page.get_by_label("Search for a person")
        search.fill(typed)
        search.press("Enter")
        expect(page.get_by_text("Uses phone: phone +40 721 234 567")).to_be_visible()
    clean(page)
    shot(page, "search-foreign-phone")

    page.goto("/")
    go(page, menu(page, "Report a concern"))
    type_into(page, page.get_by_label("Child's first name"), "Alexander")
    type_into(page, page.get_by_label("Child's last name"), "Smith")
    type_date(page, "date_of_birth", BORN)
    go(page, page.get_by_role("button", name="Check for existing records"))
    expect(page.get_by_label("Sandy Smith, born 17 May 2011")).to_be_visible()
    clean(page)
    shot(page, "concern-alexander-finds-sandy")
