"""Person search and the person page in a real browser: keyboard only, and no WCAG 2.2 AA violations."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import Page, expect

from tessera.people.models import LinkKind
from tests.browser.conftest import axe_violations
from tests.people.helpers import account, link, person, phone, vehicle

pytestmark = pytest.mark.browser


def _world():
    child = person("rotherham", "Kayleigh", "Thornley", date(2010, 3, 14))
    adult = person("rotherham", "Connor", "Dearne", date(1990, 2, 2))
    link(adult, child, LinkKind.SUSPECTED_EXPLOITER)
    link(child, vehicle("YC14QAB"), LinkKind.SEEN_IN_VEHICLE)
    link(child, phone("+447700900123"), LinkKind.USES_PHONE)
    link(child, account("Snapchat", "kayleigh_star7"), LinkKind.USES_ACCOUNT)
    link(person("rotherham", "Demi", "Kirkby"), child, LinkKind.PEER)
    return child


def test_search_by_keyboard_then_open_the_person_and_their_link_chart(page: Page, sign_in_as):
    child = _world()
    sign_in_as("cse.rotherham")
    page.goto("/")
    page.get_by_role("link", name="Search people").focus()
    page.keyboard.press("Enter")
    page.get_by_label("Search for a person").fill("Kaylee Thornly 14/3/2010")
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="1 match")).to_be_visible()
    expect(page.get_by_text("‘Thornly’ sounds like ‘Thornley’")).to_be_visible()
    assert axe_violations(page) == []

    result = page.get_by_role("link", name="Kayleigh Thornley")
    result.focus()
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{page.url.split('/people/')[0]}/people/{child.pk}/")
    chart = page.get_by_role("img", name="Link chart: Kayleigh Thornley and 5 linked entries")
    expect(chart).to_be_visible()
    expect(page.get_by_role("table", name="5 links")).to_contain_text("Suspected exploiter of (by)")
    assert axe_violations(page) == []


def test_a_search_with_no_results_and_an_empty_search_are_accessible(page: Page, sign_in_as):
    sign_in_as("sw.sheffield")
    page.goto("/people/search/?q=Nobody+Atall")
    expect(page.get_by_role("heading", name="No one found")).to_be_visible()
    assert axe_violations(page) == []
    page.goto("/people/search/?q=")
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    assert axe_violations(page) == []
