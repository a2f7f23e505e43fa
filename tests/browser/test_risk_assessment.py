"""A CSE officer assesses a child in the browser, raises the computed level with a reason, and sees both
levels and the chart of risk over time. Keyboard and axe checked on the way."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tessera.risk.models import OverrideDirection, RiskAssessment
from tests.browser.conftest import axe_violations
from tests.conftest import make_person
from tests.risk.world import assess, complete, version_in_force

pytestmark = pytest.mark.browser


def fill_date(page: Page, legend: str, day) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(str(day.day))
    group.get_by_label("Month").fill(str(day.month))
    group.get_by_label("Year").fill(str(day.year))


def test_assess_override_upward_and_see_both_levels_and_the_trajectory(page: Page, sign_in_as):
    from tessera.accounts.models import User

    version_in_force()
    child = make_person("rotherham", given="Lacey", family="Penistone")
    officer = User.objects.get(username="cse.rotherham")
    # An earlier assessment, so the chart has a line to draw.
    complete(officer, assess(officer, child, [("staying_out_late", 20)], days_ago=95))

    sign_in_as("cse.rotherham")
    page.goto(f"/people/{child.pk}/")
    page.get_by_role("link", name="Exploitation risk assessments").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Exploitation risk")
    page.get_by_role("link", name="Start a new assessment").click()
    assert axe_violations(page) == []
    page.get_by_role("group", name="Does the child have a learning disability?").get_by_label("No").check()
    page.get_by_role("button", name="Start assessment").click()
    expect(page.get_by_text("Assessment started.")).to_be_visible()

    page.get_by_role("link", name="Record an indicator").click()
    page.get_by_label("Indicator").select_option(label="Going missing overnight or longer")
    fill_date(page, "Date seen", timezone.localdate() - timedelta(days=12))
    page.get_by_label("Evidence").fill("Reported missing overnight; returned in a taxi at 6am")
    page.get_by_label("Agency the information came from").select_option(label="South Yorkshire Police")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Save indicator").click()
    expect(page.locator("#computed-level")).to_contain_text("Not at risk")
    expect(page.locator("#computed-level")).to_contain_text("Going missing overnight or longer")

    page.get_by_role("link", name="Decide the final level").click()
    page.get_by_label("Significant risk").check()
    page.get_by_label("Gut feeling (optional)").fill("She would not say who paid for the taxi")
    page.get_by_role("button", name="Complete assessment").click()
    # Refused without a reason: the summary links to the field and what was typed is kept.
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(page.get_by_label("Gut feeling (optional)")).to_have_value(
        "She would not say who paid for the taxi"
    )
    expect(page.get_by_label("Significant risk")).to_be_checked()
    assert axe_violations(page) == []
    summary.get_by_role("link", name=re.compile("Enter why the final level")).click()
    page.keyboard.type("Same taxi firm as two children already exploited; strategy discussion agreed")
    page.get_by_role("button", name="Complete assessment").click()

    expect(page.locator("#computed-level-value")).to_contain_text("Not at risk")
    expect(page.locator("#final-level-value")).to_contain_text("Significant risk")
    expect(page.get_by_text("Raised from the computed level")).to_be_visible()
    assert axe_violations(page) == []

    page.get_by_role("link", name=re.compile("chart of risk over time")).click()
    chart = page.locator("svg#risk-trajectory")
    expect(chart).to_be_visible()
    # Two assessments, each drawn as a computed and a final point by Vega-Lite.
    assert chart.locator("g.mark-symbol.role-mark path").count() == 4
    assert page.locator("[style]").count() == 0
    table = page.locator("#trajectory-table")
    expect(table).to_contain_text("Significant risk")
    expect(table).to_contain_text("Not at risk")
    assert axe_violations(page) == []

    latest = RiskAssessment.objects.filter(child=child).order_by("-pk").first()
    assert latest is not None
    assert latest.override_direction == OverrideDirection.RAISED
    assert (latest.computed_level, latest.final_level) == ("not_at_risk", "significant")
