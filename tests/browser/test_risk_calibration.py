"""A supervisor reads a calibration study (target not met, and by how much; every figure with its
interval), drafts its proposal, runs it in shadow, and a second supervisor weighs the shadow evidence at
approval. axe checked on each page.

Set TESSERA_SCREENSHOTS to a directory to save the user guide's screenshots on the way
(scripts/user-guide-screenshots.sh does).
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tessera.risk.models import ConfirmedOutcome, InstrumentVersion, OutcomeKind, VersionStatus
from tests.browser.conftest import axe_violations
from tests.conftest import make_person
from tests.risk.test_oversight_pages import _finished_study
from tests.risk.world import assess, complete, second_supervisor, version_in_force

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("TESSERA_SCREENSHOTS", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_read_the_study_draft_it_run_it_in_shadow_and_approve_on_the_evidence(page: Page, sign_in_as):
    from tessera.accounts.models import User
    from tessera.jobs.queue import run_pending

    version = version_in_force()
    cast = {u.username: u for u in User.objects.all()}
    report, study = _finished_study(cast, version)
    approver = second_supervisor()

    sign_in_as("supervisor.rotherham")
    page.goto("/risk/calibration/")
    page.get_by_role("link", name=f"Study {study.pk}").first.click()
    verdict = page.locator("#verdict")
    expect(verdict).to_contain_text("Target not met")
    expect(verdict).to_contain_text(f"not met, by {report.shortfall_points:.1f} points")
    expect(page.locator("#study-figures")).to_contain_text("Ceiling")
    expect(page.get_by_role("img", name="Decision curve")).to_be_visible()
    expect(page.get_by_role("img", name="Calibration curve")).to_be_visible()
    assert axe_violations(page) == []
    shot(page, "risk-calibration")

    page.get_by_role("button", name="Draft a new version from this proposal").click()
    expect(page.get_by_text("drafted from the study")).to_be_visible()
    draft = InstrumentVersion.objects.get(study=study)
    page.get_by_role("button", name="Run this version in shadow").click()
    expect(page.get_by_text("now scores every newly completed assessment in shadow")).to_be_visible()

    # Assessments completed while the draft is in shadow, old enough for their outcomes to have matured.
    officer = cast["cse.rotherham"]
    from django.test import TestCase

    for n in range(4):
        child = make_person("rotherham", given=f"Child{n}", family="Ecclesfield")
        with TestCase.captureOnCommitCallbacks(execute=True):
            complete(officer, assess(officer, child, [("missing_overnight", 20)], days_ago=500 + n))
        if n % 2 == 0:
            ConfirmedOutcome.objects.create(
                child=child,
                kind=OutcomeKind.SECTION_47,
                harmed_from=timezone.localdate() - timedelta(days=480),
                confirmed_on=timezone.localdate() - timedelta(days=300),
            )
    assert run_pending() == 4

    sign_in_as(approver.username)
    page.goto(f"/risk/instrument/{draft.number}/")
    page.get_by_role("link", name="Approve or withdraw this draft").click()
    evidence = page.locator("#shadow-evidence")
    expect(evidence).to_contain_text("4 assessments scored in shadow; 4 with mature outcomes")
    expect(evidence).to_contain_text("at least 100 are needed")
    expect(page.locator("#shadow-figures")).to_contain_text("Difference (shadow − live, paired)")
    assert axe_violations(page) == []
    shot(page, "risk-shadow-approval")
    page.get_by_label("Approve: put this version in force").check()
    page.get_by_label("Reason for your decision").fill(
        "Shadow evidence thin; approved for a supervised pilot"
    )
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text(f"Version {draft.number} is now in force")).to_be_visible()
    draft.refresh_from_db()
    assert draft.status == VersionStatus.IN_FORCE
