"""Signing in with the keyboard alone, and the pages passing axe on the way."""

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice
from playwright.sync_api import Page, expect

from tessera.accounts.second_factor import current_code
from tests.browser.conftest import axe_violations
from tests.conftest import TEST_PASSWORD

pytestmark = pytest.mark.browser


def tab_to(page: Page, element_id: str, limit: int = 12) -> None:
    """Press Tab until the element has focus, as a keyboard user would; fail if it never does."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return
    pytest.fail(f"#{element_id} cannot be reached with the Tab key")


def test_sign_in_with_the_keyboard_alone(page: Page):
    page.goto("/")
    assert "/sign-in/" in page.url, "signed-out visitors are sent to sign in"
    assert axe_violations(page) == []
    # The skip link is the first thing Tab reaches.
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Skip to main content"
    tab_to(page, "id_username")
    page.keyboard.type("cse.rotherham")
    tab_to(page, "id_password")
    page.keyboard.type(TEST_PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/sign-in/code/"))
    assert axe_violations(page) == []
    tab_to(page, "id_code")
    device = TOTPDevice.objects.get(user__username="cse.rotherham")
    page.keyboard.type(current_code(device))
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"^http://[^/]+/(#.*)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Sam")
    assert axe_violations(page) == []


def test_errors_are_summarised_linked_and_focused(page: Page):
    page.goto("/sign-in/")
    page.get_by_role("button", name="Continue").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(page).to_have_title("Error: Sign in – Tessera")
    # GOV.UK Frontend moves focus to the summary so screen readers announce it.
    assert page.evaluate("document.activeElement.classList.contains('govuk-error-summary')")
    summary.get_by_role("link", name="Enter username").click()
    assert page.evaluate("document.activeElement.id") == "id_username"
    assert axe_violations(page) == []
