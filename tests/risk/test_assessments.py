"""Assessing a child: evidence, professional judgement, sign-off, and what is kept."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from tessera.audit.models import AccessLog, AuditAction
from tessera.audit.versioning import StaleVersionError
from tessera.risk import services
from tessera.risk.instrument import HARM_LABEL, Level
from tessera.risk.models import AssessmentStatus, OverrideDirection, ReassessmentTask, TaskReason
from tests.conftest import make_person
from tests.risk.world import assess, complete


def test_an_override_without_a_reason_is_refused(cast, rotherham_child, version):
    officer = cast["cse.rotherham"]
    assessment = assess(officer, rotherham_child, [("staying_out_late", 10)])
    with pytest.raises(ValidationError) as refused:
        services.complete_assessment(
            officer,
            assessment,
            expected_version=assessment.version,
            final_level=Level.MODERATE,
            override_reason="   ",
            gut_feeling="",
        )
    assert "Enter why the final level (Moderate risk) differs from the computed level (Not at risk)" in str(
        refused.value
    )
    assessment.refresh_from_db()
    assert assessment.status == AssessmentStatus.IN_PROGRESS
    assert assessment.final_level == ""


def test_the_form_refuses_an_override_without_a_reason_and_keeps_what_was_typed(
    client_for, cast, rotherham_child, version
):
    officer = cast["cse.rotherham"]
    assessment = assess(officer, rotherham_child, [("staying_out_late", 10)])
    response = client_for("cse.rotherham").post(
        f"/risk/assessments/{assessment.pk}/complete/",
        {
            "version": assessment.version,
            "final_level": "significant",
            "override_reason": "",
            "gut_feeling": "Something is off",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "There is a problem" in page
    assert 'href="#id_override_reason"' in page
    assert (
        "Enter why the final level (Significant risk) differs from the computed level (Not at risk)" in page
    )
    assert "Something is off" in page
    assert (
        'value="significant" checked' in page or 'value="significant"\n checked' in page or "checked" in page
    )


def test_an_upward_override_keeps_both_levels_the_reason_and_the_direction(cast, rotherham_child, version):
    officer = cast["cse.rotherham"]
    assessment = assess(officer, rotherham_child, [("missing_overnight", 10)])
    done = complete(officer, assessment, Level.SIGNIFICANT, "Seen with the same adult twice this week")
    assert done.computed_level == Level.NOT_AT_RISK
    assert done.final_level == Level.SIGNIFICANT
    assert done.override_direction == OverrideDirection.RAISED
    assert done.override_reason == "Seen with the same adult twice this week"
    assert done.reasons[0].startswith("The indicators total 5 points")
    assert done.assessor_agency == officer.agency
    assert done.assessor_role == "cse_team_member"


def test_signs_of_harm_cannot_be_lowered_to_only_a_risk(cast, rotherham_child, version):
    officer = cast["cse.rotherham"]
    assessment = assess(officer, rotherham_child, [("found_with_adult", 5)])
    with pytest.raises(ValidationError, match="cannot be lowered"):
        complete(officer, assessment, Level.MODERATE, "Placement is stable now")
    done = complete(officer, assessment)
    assert done.computed_label == HARM_LABEL
    assert done.final_label == HARM_LABEL


def test_a_disclosure_completes_at_the_highest_level(cast, rotherham_child, version):
    officer = cast["cse.rotherham"]
    done = complete(officer, assess(officer, rotherham_child, [("disclosure", 1)]))
    assert done.computed_level == Level.SIGNIFICANT
    assert "A disclosure always means the highest level" in done.reasons[0]


def test_a_child_under_13_with_an_indicator_is_never_not_at_risk(cast, version):
    twelve = make_person("rotherham", dob=timezone.localdate() - timedelta(days=12 * 365 + 100))
    officer = cast["cse.rotherham"]
    done = complete(officer, assess(officer, twelve, [("school_absence", 10)]))
    assert done.computed_level == Level.MILD


def test_gut_feeling_is_recorded_apart_and_does_not_change_the_level(cast, rotherham_child, version):
    officer = cast["cse.rotherham"]
    assessment = assess(officer, rotherham_child, [])
    services.complete_assessment(
        officer,
        assessment,
        expected_version=assessment.version,
        final_level=Level.NOT_AT_RISK,
        override_reason="",
        gut_feeling="She went quiet when the car was mentioned",
    )
    assessment.refresh_from_db()
    assert assessment.gut_feeling == "She went quiet when the car was mentioned"
    assert assessment.computed_level == Level.NOT_AT_RISK


def test_a_completion_based_on_a_stale_page_is_refused(cast, rotherham_child, version):
    officer = cast["cse.rotherham"]
    assessment = assess(officer, rotherham_child, [("staying_out_late", 10)])
    seen_version = assessment.version
    services.add_observation(
        cast["youthworker.rotherham"],
        assessment,
        indicator="older_partner",
        observed_on=assessment.assessed_on,
        evidence="Older man collects her from school",
        source_agency=cast["youthworker.rotherham"].agency,
    )
    with pytest.raises(StaleVersionError):
        services.complete_assessment(
            officer,
            assessment,
            expected_version=seen_version,
            final_level=Level.NOT_AT_RISK,
            override_reason="",
            gut_feeling="",
        )


def test_an_observation_after_the_assessment_date_is_refused(cast, rotherham_child, version):
    officer = cast["cse.rotherham"]
    assessment = assess(officer, rotherham_child, [], days_ago=10)
    with pytest.raises(ValidationError, match="on or before the date of the assessment"):
        services.add_observation(
            officer,
            assessment,
            indicator="self_harm",
            observed_on=timezone.localdate(),
            evidence="x",
            source_agency=officer.agency,
        )


def test_a_removed_observation_is_kept_with_its_reason(cast, rotherham_child, version):
    officer = cast["cse.rotherham"]
    assessment = assess(officer, rotherham_child, [("missing_overnight", 3)])
    observation = assessment.observations.get()
    services.withdraw_observation(officer, observation, reason="Recorded against the wrong child")
    observation.refresh_from_db()
    assert observation.withdrawn_reason == "Recorded against the wrong child"
    assert complete(officer, assessment).computed_score == 0


def test_sign_off_by_another_supervisor_schedules_the_next_review(
    cast, rotherham_child, version, supervisor2
):
    supervisor = cast["supervisor.rotherham"]
    officer = cast["cse.rotherham"]
    earlier = services.create_task(
        rotherham_child, reason=TaskReason.NEW_REFERRAL, detail="New referral", prompted_by="t:1"
    )
    own = complete(supervisor, assess(supervisor, rotherham_child, []))
    with pytest.raises(ValidationError, match="Another supervisor"):
        services.sign_off(supervisor, own, expected_version=own.version, note="")
    with pytest.raises(PermissionDenied):
        services.sign_off(officer, own, expected_version=own.version, note="")
    services.sign_off(supervisor2, own, expected_version=own.version, note="Agreed")
    own.refresh_from_db()
    assert own.status == AssessmentStatus.SIGNED_OFF
    assert own.signed_off_by == supervisor2
    assert own.next_review_due == services.review_due_after(own.assessed_on)
    assert earlier is not None
    earlier.refresh_from_db()
    assert earlier.done_by_assessment == own
    scheduled = ReassessmentTask.objects.get(child=rotherham_child, done_at__isnull=True)
    assert scheduled.reason == TaskReason.SCHEDULED
    assert scheduled.due_on == own.next_review_due


def test_supervisors_see_completed_assessments_waiting_for_their_sign_off(
    client_for, cast, rotherham_child, version
):
    done = complete(cast["cse.rotherham"], assess(cast["cse.rotherham"], rotherham_child, []))
    page = client_for("supervisor.rotherham").get("/risk/reassessments/").content.decode()
    assert f"/risk/assessments/{done.pk}/sign-off/" in page
    assert "sign-off-queue" not in client_for("cse.rotherham").get("/risk/reassessments/").content.decode()


def test_review_is_due_three_calendar_months_later():
    assert services.review_due_after(date(2026, 11, 30)) == date(2027, 2, 28)


def test_outsiders_cannot_start_an_assessment(cast, rotherham_child, version):
    with pytest.raises(Http404):
        services.start_assessment(
            cast["sw.sheffield"], rotherham_child, assessed_on=timezone.localdate(), learning_disability=False
        )
    with pytest.raises(PermissionDenied):
        services.start_assessment(
            cast["analyst"], rotherham_child, assessed_on=timezone.localdate(), learning_disability=False
        )


def test_views_creations_and_changes_are_in_the_access_log(client_for, cast, rotherham_child, version):
    officer = cast["cse.rotherham"]
    assessment = assess(officer, rotherham_child, [("staying_out_late", 10)])
    client_for("cse.rotherham").get(f"/risk/assessments/{assessment.pk}/")
    client_for("cse.rotherham").get(f"/risk/children/{rotherham_child.pk}/")
    client_for("cse.rotherham").get(f"/risk/assessments/{assessment.pk}/complete/")
    log = AccessLog.objects.filter(actor=officer)
    assert log.filter(
        action=AuditAction.CREATE, target_type="risk.riskassessment", target_id=str(assessment.pk)
    ).exists()
    assert log.filter(
        action=AuditAction.CHANGE, target_type="risk.riskassessment", target_id=str(assessment.pk)
    ).exists()
    assert log.filter(
        action=AuditAction.VIEW, target_type="risk.riskassessment", target_id=str(assessment.pk)
    ).exists()
    assert log.filter(action=AuditAction.VIEW, target_type="people.person", details__page="risk").exists()
    assert log.filter(action=AuditAction.VIEW, details__page="assessment_complete").exists()


def test_an_outsider_gets_404_for_an_assessment(client_for, cast, rotherham_child, version):
    assessment = assess(cast["cse.rotherham"], rotherham_child, [])
    outsider = client_for("sw.sheffield").get(f"/risk/assessments/{assessment.pk}/")
    missing = client_for("sw.sheffield").get("/risk/assessments/999999/")
    assert outsider.status_code == missing.status_code == 404

    # The same page, apart from the address asked for and the form token.
    def normalised(body: bytes, pk: object) -> str:
        text = body.decode().replace(f"/risk/assessments/{pk}/", "/risk/assessments/N/")
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", text)

    assert normalised(outsider.content, assessment.pk) == normalised(missing.content, 999999)


def test_the_child_page_shows_the_trajectory_chart_and_its_table(client_for, cast, rotherham_child, version):
    officer = cast["cse.rotherham"]
    complete(officer, assess(officer, rotherham_child, [("staying_out_late", 10)], days_ago=100))
    complete(
        officer, assess(officer, rotherham_child, [("missing_overnight", 10)]), Level.MODERATE, "Worried"
    )
    page = client_for("cse.rotherham").get(f"/risk/children/{rotherham_child.pk}/").content.decode()
    chart = page.split('<svg xmlns="http://www.w3.org/2000/svg"', 1)[1].split("</svg>", 1)[0]
    # Drawn by Vega-Lite (vl-convert's mark classes), one image with a title and a description.
    assert 'class="tessera-chart marks"' in chart
    assert 'role="img" aria-labelledby="risk-trajectory-title risk-trajectory-desc"' in chart
    assert "mark-line role-mark" in chart
    assert "mark-symbol role-mark" in chart
    assert 'id="trajectory-table"' in page
    assert re.search(r"\sstyle\s*=|<style", page) is None
    assert page.count("Moderate risk") >= 1


def test_emergency_access_to_the_child_shows_the_risk_read_only(client_for, cast, rotherham_child, version):
    from tessera.access.models import BreakGlassGrant

    assessment = assess(cast["cse.rotherham"], rotherham_child, [("staying_out_late", 3)])
    outsider = client_for("sw.sheffield")
    assert outsider.get(f"/risk/children/{rotherham_child.pk}/").status_code == 404
    BreakGlassGrant.objects.create(
        user=cast["sw.sheffield"],
        target_type="people.person",
        target_id=rotherham_child.pk,
        path=f"/risk/children/{rotherham_child.pk}/",
        reason="Found at a hotel in Sheffield at 2am; needs her risk history now",
        granted_at=timezone.now(),
        expires_at=timezone.now() + timedelta(hours=4),
    )
    page = outsider.get(f"/risk/children/{rotherham_child.pk}/")
    assert page.status_code == 200
    assert "with emergency access until" in page.content.decode()
    assert AccessLog.objects.filter(
        actor=cast["sw.sheffield"], reason__startswith="Found at a hotel", details__page="risk"
    ).exists()
    assert outsider.get(f"/risk/assessments/{assessment.pk}/").status_code == 200
    assert outsider.get(f"/risk/assessments/{assessment.pk}/indicators/add/").status_code == 403
    assert outsider.get(f"/risk/children/{rotherham_child.pk}/assess/").status_code == 403
    assert "Start a new assessment" not in page.content.decode()


def test_after_a_merge_the_surviving_record_shows_both_records_assessments(cast, rotherham_child, version):
    from tessera.people.services import merge_persons, unmerge_persons
    from tessera.risk.selectors import assessments_of

    officer = cast["cse.rotherham"]
    duplicate = make_person("rotherham", given="Kayleigh", family="Thornley")
    kept = complete(officer, assess(officer, rotherham_child, [("staying_out_late", 3)]))
    moved = complete(officer, assess(officer, duplicate, [("missing_overnight", 3)]))
    merge = merge_persons(
        officer, survivor=rotherham_child, absorbed=duplicate, reason="Same child, two records"
    )
    assert {a.pk for a in assessments_of(officer, rotherham_child)} == {kept.pk, moved.pk}
    unmerge_persons(officer, merge=merge, reason="Twins, not one child")
    assert {a.pk for a in assessments_of(officer, rotherham_child)} == {kept.pk}


def test_a_confirmed_outcome_is_recorded_for_the_study_and_logged(cast, rotherham_child, version):
    from tessera.risk.calibration_job import labelled_from_database
    from tessera.risk.models import OutcomeKind

    officer = cast["cse.rotherham"]
    complete(officer, assess(officer, rotherham_child, [("missing_overnight", 5)], days_ago=200))
    today = timezone.localdate()
    outcome = services.record_confirmed_outcome(
        officer,
        rotherham_child,
        kind=OutcomeKind.SECTION_47,
        harmed_from=today - timedelta(days=180),
        confirmed_on=today - timedelta(days=20),
    )
    assert AccessLog.objects.filter(target_type="risk.confirmedoutcome", target_id=str(outcome.pk)).exists()
    records, synthetic = labelled_from_database(today)
    assert [r.harmed for r in records] == [True]
    assert not synthetic
    with pytest.raises(ValidationError):
        services.record_confirmed_outcome(
            officer, rotherham_child, kind=OutcomeKind.SYNTHETIC, harmed_from=today, confirmed_on=today
        )
    with pytest.raises(Http404):
        services.record_confirmed_outcome(
            cast["sw.sheffield"],
            rotherham_child,
            kind=OutcomeKind.DISCLOSURE,
            harmed_from=today,
            confirmed_on=today,
        )
