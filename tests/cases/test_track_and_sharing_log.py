"""A section 47 strategy discussion moves the case to child protection as a recorded change, and the
sharing log is for the people responsible for the case, not for someone reading it in an emergency."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tessera.audit.models import AccessLog, AuditAction
from tessera.audit.versioning import history_of
from tessera.cases import services as case_services
from tessera.cases.models import Case, SubjectKind, Track
from tessera.core.models import District
from tessera.referrals import services as referral_services
from tessera.referrals.models import Decision
from tests.cases.test_case_work import discussion
from tests.cases.world import rotherham_case_world
from tests.conftest import make_person


@pytest.fixture
def world(cast):
    return rotherham_case_world(cast)


@pytest.fixture
def cin_case(cast) -> Case:
    """A Rotherham case opened as child in need (section 17), led by cse.rotherham with
    youthworker.rotherham on its team: a later strategy discussion may start a section 47 enquiry."""
    rotherham = District.objects.get(code="rotherham")
    referral = referral_services.submit_referral(
        cast["officer.rotherham"],
        district=rotherham,
        subject_kind=SubjectKind.CHILD,
        what_was_seen="Missing from home twice this month; returned with a new phone.",
        seen_at=timezone.now(),
        where="Rotherham Interchange",
        warning_signs=["unexplained_gifts"],
        child=make_person("rotherham"),
    )
    case = referral_services.decide_referral(
        cast["cse.rotherham"],
        referral,
        expected_version=referral.version,
        decision=Decision.CHILD_IN_NEED,
        reason="Needs support; no section 47 threshold yet.",
        late_reason="",
        lead_professional=cast["cse.rotherham"],
    )
    assert case is not None
    case_services.add_team_member(
        cast["cse.rotherham"], case, member=cast["youthworker.rotherham"], role_on_case="Youth worker"
    )
    case.refresh_from_db()
    assert case.track == Track.CHILD_IN_NEED
    return case


def _discuss(client_for, cast, case: Case, **overrides) -> None:
    response = client_for("cse.rotherham").post(
        f"/cases/{case.pk}/meetings/strategy-discussion/", discussion(cast, **overrides)
    )
    assert response.status_code == 302


def test_a_section_47_enquiry_moves_the_case_to_child_protection_with_history(client_for, cast, cin_case):
    case = cin_case
    version = case.version

    _discuss(client_for, cast, case)

    case.refresh_from_db()
    assert case.track == Track.CHILD_PROTECTION
    assert case.version == version + 1, "a change to the case bumps its version"
    change = history_of(case)[0]
    assert change.version == version + 1
    assert change.changed_by == cast["cse.rotherham"]
    assert change.changes["track"] == {
        "label": "Track",
        "old": Track.CHILD_IN_NEED.value,
        "new": Track.CHILD_PROTECTION.value,
    }
    assert AccessLog.objects.filter(
        action=AuditAction.CHANGE,
        target_type="cases.case",
        target_id=str(case.pk),
        actor_username="cse.rotherham",
        details__fields=["track"],
    ).exists()
    chronology = client_for("youthworker.rotherham").get(f"/cases/{case.pk}/chronology/").content.decode()
    assert "Track: Child protection (section 47)" in chronology
    assert "started a section 47 enquiry" in chronology


def test_someone_who_opened_the_case_before_the_track_changed_is_told_rather_than_overwriting(
    client_for, cast, cin_case
):
    case = cin_case
    opened_at = case.version
    _discuss(client_for, cast, case)
    body = (
        client_for("cse.rotherham")
        .post(
            f"/cases/{case.pk}/details/",
            {
                "version": str(opened_at),
                "lead_professional": str(cast["cse.rotherham"].pk),
                "exploitation_flag": "sexual",
            },
        )
        .content.decode()
    )
    assert "changed Track" in body
    assert "Your changes have not been saved" in body


def test_a_second_section_47_discussion_changes_nothing_more(client_for, cast, cin_case):
    case = cin_case
    _discuss(client_for, cast, case)
    case.refresh_from_db()
    version = case.version
    _discuss(client_for, cast, case, information_shared="Second discussion: school confirms absences.")
    case.refresh_from_db()
    assert case.version == version
    assert len([c for c in history_of(case) if "track" in c.changes]) == 1


def test_a_discussion_without_section_47_leaves_the_track_alone(client_for, cast, cin_case):
    case = cin_case
    track, version = case.track, case.version
    _discuss(client_for, cast, case, section_47="no", investigation="")
    case.refresh_from_db()
    assert (case.track, case.version) == (track, version)


# The sharing log ------------------------------------------------------------------------------------


@pytest.mark.parametrize("username", ["cse.rotherham", "youthworker.rotherham", "supervisor.rotherham"])
def test_the_district_team_case_team_and_supervisors_see_the_sharing_log(client_for, world, username):
    client = client_for(username)
    assert client.get(f"/cases/{world.case.pk}/sharing-log/").status_code == 200
    assert f"/cases/{world.case.pk}/sharing-log/" in client.get(f"/cases/{world.case.pk}/").content.decode()


def test_emergency_access_reads_the_case_but_not_its_sharing_log(client_for, world):
    analyst = client_for("analyst")
    case_url = f"/cases/{world.case.pk}/"
    analyst.post(
        "/access/emergency-access/",
        {"path": case_url, "reason": "Child found with an adult from an active operation", "confirm": "on"},
    )
    page = analyst.get(case_url).content.decode()
    assert "You are seeing this record with emergency access" in page
    assert "sharing-log/" not in page, "the tab is not offered"

    before = AccessLog.objects.filter(actor_username="analyst", action=AuditAction.VIEW).count()
    response = analyst.get(f"{case_url}sharing-log/")
    assert response.status_code == 403
    assert "Emergency access lets you read the case, not who else has looked at it" in (
        response.content.decode()
    )
    after = AccessLog.objects.filter(actor_username="analyst", action=AuditAction.VIEW).count()
    assert after == before, "a refused page shows nothing and logs no view"
