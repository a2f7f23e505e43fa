"""Every page that shows named children writes an access-log row (DPA 2018 s62), lists and refused forms
included: an auditor asking "who saw this child's name, and where?" finds the answer in the log.

List pages write one VIEW row naming the list and the ids it showed, never the names. A form that comes
back because it failed validation shows the record again, so it is logged again.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from tessera.audit.log import record_list_view
from tessera.audit.models import AccessLog, AuditAction
from tessera.core.models import District
from tessera.referrals.models import Referral
from tessera.risk.models import ReassessmentTask, TaskReason
from tests.access_matrix import build_world
from tests.conftest import make_person
from tests.referrals.test_referrals import concern


@pytest.fixture
def world(cast):
    return build_world()


def _rows(username: str, **filters) -> list[AccessLog]:
    return list(AccessLog.objects.filter(actor_username=username, **filters).order_by("id"))


def _list_row(username: str, list_name: str) -> AccessLog:
    """The one VIEW row the user's visit to a list page wrote."""
    rows = _rows(username, action=AuditAction.VIEW, details__list=list_name)
    assert len(rows) == 1, f"expected one row for the {list_name!r} list, found {len(rows)}"
    return rows[0]


def _names_absent(row: AccessLog, *names: str) -> None:
    logged = json.dumps(row.details)
    for name in names:
        assert name not in logged, f"the log copies the name {name!r}"


# The helper ----------------------------------------------------------------------------------------


def test_a_list_view_row_names_the_list_and_the_ids_shown_in_order_once_each(cast):
    row = record_list_view(
        cast["cse.rotherham"], None, list_name="cases", target_type="cases.case", ids=[7, 3, 7, 12]
    )
    assert row.action == AuditAction.VIEW
    assert row.target_type == "cases.case"
    assert row.target_id == ""
    assert row.details == {"list": "cases", "count": 3, "ids": [7, 3, 12]}


def test_a_page_listing_several_kinds_logs_the_ids_of_each(cast):
    row = record_list_view(
        cast["cse.rotherham"],
        None,
        list_name="home",
        target_type="",
        ids={"cases.action": [4, 5], "referrals.referral": [9]},
    )
    assert row.details["ids"] == {"cases.action": [4, 5], "referrals.referral": [9]}
    assert row.details["count"] == 3


# List pages ----------------------------------------------------------------------------------------


def test_the_case_list_is_logged_with_the_cases_shown(client_for, world):
    body = client_for("cse.rotherham").get("/cases/").content.decode()
    assert world.case.reference in body
    row = _list_row("cse.rotherham", "cases")
    assert row.target_type == "cases.case"
    assert row.details["ids"] == [world.case.pk]
    assert row.details["status"] == "open"
    assert row.path == "/cases/"
    _names_absent(row, "Kayleigh", "Thornley")


def test_the_triage_queue_is_logged_with_the_referrals_waiting(client_for, cast, rotherham_child):
    client_for("officer.rotherham").post("/referrals/new/", concern(match=str(rotherham_child.pk)))
    waiting = Referral.objects.get(child=rotherham_child)
    body = client_for("cse.rotherham").get("/referrals/triage/?clock=not_yet_due").content.decode()
    assert "Kayleigh Thornley" in body
    row = _list_row("cse.rotherham", "triage queue")
    assert row.target_type == "referrals.referral"
    assert row.details["ids"] == [waiting.pk]
    assert row.details["filters"] == {"clock": ["not_yet_due"]}
    _names_absent(row, "Kayleigh", "Thornley")


def test_the_concerns_a_referrer_reported_are_logged(client_for, world):
    body = client_for("officer.rotherham").get("/referrals/mine/").content.decode()
    assert world.referral.reference in body
    row = _list_row("officer.rotherham", "concerns you reported")
    assert row.target_type == "referrals.referral"
    assert row.details["ids"] == [world.referral.pk]


def test_the_action_lists_are_logged_with_the_actions_and_their_cases(client_for, world):
    body = client_for("youthworker.rotherham").get("/cases/actions/").content.decode()
    assert world.action.description in body
    row = _list_row("youthworker.rotherham", "actions")
    assert row.target_type == "cases.action"
    assert row.details["ids"] == [world.action.pk]
    assert row.details["cases"] == [world.case.pk]


def test_the_linkage_review_queue_is_logged_with_the_pairs_shown(client_for, world):
    body = client_for("cse.rotherham").get("/linkage/review/").content.decode()
    assert "Kayley Thornley" in body
    row = _list_row("cse.rotherham", "records to review")
    assert row.target_type == "linkage.reviewpair"
    assert row.details["ids"] == [world.review_pair.pk]
    assert row.details["identities"] == sorted([world.review_pair.left_id, world.review_pair.right_id])
    _names_absent(row, "Kayley", "Thornley")


def test_the_reassessment_list_is_logged_with_its_tasks_and_children(client_for, cast):
    child = make_person("rotherham", given="Mia", family="Dearne")
    task = ReassessmentTask.objects.create(
        child=child,
        district=District.objects.get(code="rotherham"),
        reason=TaskReason.SCHEDULED,
        due_on=timezone.localdate() - timedelta(days=1),
    )
    assert "Mia Dearne" in client_for("cse.rotherham").get("/risk/reassessments/").content.decode()
    row = _list_row("cse.rotherham", "reassessments")
    assert row.target_type == "risk.reassessmenttask"
    assert row.details["ids"] == [task.pk]
    assert row.details["children"] == [child.pk]


def test_the_home_page_is_logged_only_when_it_names_records(client_for, world):
    admin_home = client_for("sysadmin").get("/")
    assert admin_home.status_code == 200
    assert not _rows("sysadmin", action=AuditAction.VIEW), "a home page naming no one writes no row"

    # youthworker.rotherham owns the world's action: their home lists it under "My actions".
    worker = client_for("youthworker.rotherham")
    worker.get(f"/cases/{world.case.pk}/")
    home = worker.get("/").content.decode()
    assert world.action.description in home
    assert "Records you looked at recently" in home
    row = _list_row("youthworker.rotherham", "home")
    assert row.target_type == ""
    assert row.details["ids"]["cases.action"] == [world.action.pk]
    assert row.details["ids"]["cases.case"] == [world.case.pk]
    _names_absent(row, "Kayleigh", "Thornley")


def test_the_home_page_logs_the_concerns_it_lists(client_for, world):
    home = client_for("officer.rotherham").get("/").content.decode()
    assert world.referral.reference in home
    row = _list_row("officer.rotherham", "home")
    assert row.details["ids"]["referrals.referral"] == [world.referral.pk]


def test_list_rows_do_not_crowd_records_out_of_recently_viewed(client_for, world):
    team = client_for("cse.rotherham")
    team.get(f"/cases/{world.case.pk}/")
    for _ in range(120):  # more list views than the recent-records window reads
        record_list_view(
            world.cast["cse.rotherham"], None, list_name="cases", target_type="cases.case", ids=[]
        )
    assert world.case.reference in team.get("/").content.decode()


# Forms that come back after failing validation -------------------------------------------------------


def test_a_case_form_that_fails_validation_is_logged_as_a_view(client_for, world):
    worker = client_for("youthworker.rotherham")
    before = AccessLog.objects.order_by("-id").values_list("id", flat=True).first()
    response = worker.post(f"/cases/{world.case.pk}/support/new/", {"description": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert world.case.reference in body
    rows = AccessLog.objects.filter(id__gt=before).order_by("id")
    assert [(r.action, r.target_type, r.target_id, r.details.get("tab")) for r in rows] == [
        (AuditAction.VIEW, "cases.case", str(world.case.pk), "support")
    ]


def test_an_action_update_that_fails_validation_is_logged_as_a_view(client_for, world):
    url = f"/cases/{world.case.pk}/actions/{world.action.pk}/"
    response = client_for("youthworker.rotherham").post(url, {"version": str(world.action.version)})
    assert response.status_code == 200
    assert _rows(
        "youthworker.rotherham",
        action=AuditAction.VIEW,
        target_type="cases.case",
        target_id=str(world.case.pk),
        details__tab="actions",
    )


def test_a_concern_sent_without_choosing_shows_and_logs_the_matching_children(
    client_for, cast, rotherham_child
):
    response = client_for("officer.rotherham").post("/referrals/new/", concern())
    assert "Kayleigh Thornley, born 14 March 2010" in response.content.decode()
    rows = _rows("officer.rotherham", action=AuditAction.SEARCH)
    assert len(rows) == 1
    assert rows[0].details["people_shown"] == [rotherham_child.pk]
    _names_absent(rows[0], "Kayleigh", "Thornley")


def test_a_concern_sent_with_no_matches_writes_no_search_row(client_for, cast):
    response = client_for("officer.rotherham").post("/referrals/new/", concern(what_was_seen=""))
    assert response.status_code == 200
    assert not _rows("officer.rotherham", action=AuditAction.SEARCH)


def test_opening_the_undo_link_page_is_logged_against_the_person_kept(client_for, world):
    merge = world.person_merge
    body = client_for("cse.rotherham").get(f"/linkage/merges/{merge.pk}/undo/").content.decode()
    assert "Leah Thornley" in body
    assert "Lea Thornley" in body
    row = _rows("cse.rotherham", action=AuditAction.VIEW, details__page="undo a link")[0]
    assert (row.target_type, row.target_id) == ("people.person", str(merge.survivor_id))
    assert row.details["people_shown"] == [merge.absorbed_id, merge.survivor_id]


def test_an_undo_without_a_reason_is_logged_when_the_page_comes_back(client_for, world):
    response = client_for("cse.rotherham").post(
        f"/linkage/merges/{world.person_merge.pk}/undo/", {"reason": ""}
    )
    assert "Enter why the link is wrong" in response.content.decode()
    assert _rows("cse.rotherham", action=AuditAction.VIEW, details__page="undo a link")


def test_a_pair_decision_without_a_reason_is_logged_when_the_page_comes_back(client_for, world):
    url = f"/linkage/review/{world.review_pair.pk}/"
    response = client_for("cse.rotherham").post(url, {"decision": "same"})
    assert response.status_code == 200
    assert _rows(
        "cse.rotherham",
        action=AuditAction.VIEW,
        target_type="linkage.reviewpair",
        target_id=str(world.review_pair.pk),
    )


def test_a_failed_import_correction_is_logged_as_a_view(client_for, world):
    row = world.quarantined_row
    url = f"/imports/{row.batch_id}/rows/{row.pk}/"
    response = client_for("cse.rotherham").post(url, {"given_name": "Kayleigh"})
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
    logged = _rows(
        "cse.rotherham", action=AuditAction.VIEW, target_type="imports.quarantinedrow", target_id=str(row.pk)
    )
    assert len(logged) == 1


def test_a_set_aside_without_a_note_is_logged_as_a_view(client_for, world):
    row = world.quarantined_row
    response = client_for("cse.rotherham").post(
        f"/imports/{row.batch_id}/rows/{row.pk}/set-aside/", {"note": ""}
    )
    assert response.status_code == 200
    assert _rows(
        "cse.rotherham", action=AuditAction.VIEW, target_type="imports.quarantinedrow", target_id=str(row.pk)
    )


def test_a_risk_assessment_start_that_fails_validation_is_logged_as_a_view(client_for, world):
    from tests.risk.world import version_in_force

    version_in_force()
    child = world.rotherham_child
    response = client_for("cse.rotherham").post(
        f"/risk/children/{child.pk}/assess/", {"learning_disability": "no"}
    )
    assert response.status_code == 200
    assert "Enter the date of the assessment" in response.content.decode()
    rows = _rows(
        "cse.rotherham", action=AuditAction.VIEW, target_type="people.person", target_id=str(child.pk)
    )
    assert [r.details for r in rows] == [{"page": "start risk assessment"}]


def test_a_risk_indicator_that_fails_validation_is_logged_as_a_view(client_for, cast, world):
    from tests.risk.world import assess

    assessment = assess(cast["cse.rotherham"], world.rotherham_child, [])
    response = client_for("cse.rotherham").post(
        f"/risk/assessments/{assessment.pk}/indicators/add/", {"evidence": ""}
    )
    assert response.status_code == 200
    assert _rows(
        "cse.rotherham",
        action=AuditAction.VIEW,
        target_type="risk.riskassessment",
        target_id=str(assessment.pk),
        details__page="observation_add",
    )
