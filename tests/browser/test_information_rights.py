"""A data protection officer answers a subject access request and reviews retention, from the home page,
in a real browser, axe-clean on every page (issue 17, build 6).

Set TESSERA_SCREENSHOTS to a directory to keep screenshots of each step.
"""

from __future__ import annotations

import io
import json
import os
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tessera.accounts.models import User
from tests.browser.conftest import axe_violations
from tests.information.world import information_world

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("TESSERA_SCREENSHOTS", "")


def shot(page: Page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def test_a_subject_access_pack_and_an_erasure_from_the_home_page(page: Page, sign_in_as):
    world = information_world({user.username: user for user in User.objects.all()})
    sign_in_as("dpo")
    page.goto("/")
    page.get_by_role("link", name="Information rights").click()
    expect(page.get_by_role("heading", name="Information rights", exact=True)).to_be_visible()
    expect(page.get_by_role("table").filter(has_text="Jodie Pennock")).to_be_visible()
    assert axe_violations(page) == []
    shot(page, "information-rights-hub")

    page.get_by_label("Family name").fill("Thornley")
    page.get_by_role("button", name="Find").click()
    page.get_by_role("link", name="Kayleigh Thornley").click()
    expect(page.get_by_role("heading", name="Kayleigh Thornley")).to_be_visible()
    expect(page.get_by_text("These records are kept until")).to_be_visible()
    page.get_by_label("Who asked").fill("Kayleigh Thornley, in person")
    page.get_by_label("How their identity was checked").fill("Passport seen at the front counter")
    page.locator("#id_received_on_0").fill("1")
    page.locator("#id_received_on_1").fill("12")
    page.locator("#id_received_on_2").fill("2026")
    page.get_by_role("button", name="Record the request").click()
    expect(page.get_by_text("Request recorded")).to_be_visible()
    assert axe_violations(page) == []
    shot(page, "information-rights-person")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the subject access pack").click()
    archive = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    pack = json.loads(archive.read("subject-access-pack.json"))
    assert pack["person_id"] == world.child.pk
    assert "Coldwell" not in json.dumps(pack["sections"])
    assert archive.read("subject-access-pack.pdf").startswith(b"%PDF")

    page.goto(f"/information-rights/people/{world.old.pk}/")
    page.get_by_label("Why are these details being erased?").fill(
        "No continuing purpose: one school record, no concern in seven years"
    )
    page.get_by_label("I understand").check()
    page.get_by_role("button", name="Erase these details").click()
    expect(page.get_by_text("Erased. The person's details are gone")).to_be_visible()
    expect(page.get_by_role("heading", name="Details erased")).to_be_visible()
    assert axe_violations(page) == []
    shot(page, "information-rights-erased")
