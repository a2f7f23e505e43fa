"""axe-core (WCAG 2.2 AA) on every page of the access matrix, as a user who can open it."""

import pytest
from playwright.sync_api import Page

from tests.access_matrix import ALL_CAST, ROWS, build_world
from tests.browser.conftest import axe_violations

pytestmark = pytest.mark.browser


def _pages():
    """(url name, who) for every GET page someone can open, plus pages in their error states."""
    for name, row in sorted(ROWS.items()):
        if row.method != "get" or name.startswith("api:") or not row.html:  # JSON and downloads are not pages
            continue
        if row.anonymous == 200:
            yield name, None
            continue
        viewer = next((u for u in ALL_CAST if row.expect.get(u, row.default) == 200), None)
        if viewer:
            yield name, viewer


def test_every_page_has_no_wcag_22_aa_violations(page: Page, sign_in_as):
    world = build_world()
    failures = {}
    checked = 0
    for name, viewer in _pages():
        if viewer:
            sign_in_as(viewer)
        else:
            page.context.clear_cookies()
        page.goto(ROWS[name].path(world))
        violations = axe_violations(page)
        checked += 1
        if violations:
            failures[f"{name} as {viewer}"] = violations
    assert checked >= 10
    assert failures == {}


def test_error_states_and_404_have_no_violations(page: Page, sign_in_as):
    sign_in_as("sysadmin")
    page.goto("/administration/users/new/")
    page.get_by_role("button", name="Create account").click()
    assert page.locator(".govuk-error-summary").is_visible()
    assert axe_violations(page) == []
    sign_in_as("sw.sheffield")
    page.goto("/people/999999/")
    assert "Page not found" in page.content()
    assert axe_violations(page) == []
