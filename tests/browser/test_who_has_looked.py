"""A CSE team member opens a child's page, then the child's case, then "who has looked at this record":
in a real browser, axe-clean, and the log holds one row per page, each naming the child (issue 11)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tessera.accounts.models import User
from tessera.audit.models import AccessLog, AuditAction
from tests.browser.conftest import axe_violations
from tests.cases.world import rotherham_case_world
from tests.conftest import make_person

pytestmark = pytest.mark.browser


def _child_looks(username: str, child_pk: int) -> list[tuple[str, str, str]]:
    """(action, target, how the child is named) of each of the user's rows, oldest first."""
    rows = []
    for entry in AccessLog.objects.filter(actor_username=username).order_by("id"):
        shown = {(s.target_type, s.target_id) for s in entry.records_shown.all()}
        names_child = (entry.target_type, entry.target_id) == ("people.person", str(child_pk))
        how = "target" if names_child else "shown" if ("people.person", str(child_pk)) in shown else "-"
        rows.append((entry.action, entry.target_type, how))
    return rows


def test_a_cse_team_member_walks_the_person_page_the_case_page_and_who_has_looked(page: Page, sign_in_as):
    cast = {user.username: user for user in User.objects.select_related("agency")}
    child = make_person("rotherham")
    case = rotherham_case_world(cast, child=child).case
    sign_in_as("cse.rotherham")
    before = list(AccessLog.objects.filter(actor_username="cse.rotherham").values_list("id", flat=True))

    page.goto(f"/people/{child.pk}/")
    expect(page.get_by_role("heading", name="Kayleigh Thornley")).to_be_visible()
    assert axe_violations(page) == []

    page.goto(f"/cases/{case.pk}/")
    expect(page.get_by_text(case.reference).first).to_be_visible()
    assert axe_violations(page) == []

    page.goto(f"/people/{child.pk}/")
    page.get_by_role("link", name="Who has looked at this record").click()
    expect(page.get_by_role("heading", name="Who has looked at this record")).to_be_visible()
    table = page.get_by_role("table").first
    # Newest first: the second visit to the person page, the case page, the first visit.
    expect(table.get_by_role("row").nth(1)).to_contain_text("Viewed")
    expect(table.get_by_role("row").nth(2)).to_contain_text("Seen on a case page")
    expect(table.get_by_role("row").nth(3)).to_contain_text("Viewed")
    expect(table).to_contain_text(str(cast["cse.rotherham"]))
    assert axe_violations(page) == []

    looks = [
        row for row in _child_looks("cse.rotherham", child.pk)[len(before) :] if row[0] == AuditAction.VIEW
    ]
    assert looks == [
        (AuditAction.VIEW, "people.person", "target"),
        (AuditAction.VIEW, "cases.case", "shown"),
        (AuditAction.VIEW, "people.person", "target"),
        (AuditAction.VIEW, "people.person", "target"),  # the "who has looked" page itself
    ]
