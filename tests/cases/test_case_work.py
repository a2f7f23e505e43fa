"""Case work as the team does it: strategy discussions, investigation, actions, support, closure."""

import uuid
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tessera.audit.models import AccessLog, AuditAction
from tessera.cases import services
from tessera.cases.models import Action, Case, CaseStatus, StrategyDiscussion, SupportRecord
from tessera.core.models import Agency, District
from tessera.referrals import services as referral_services
from tessera.referrals.models import Referral
from tests.cases.world import rotherham_case_world


@pytest.fixture
def world(cast):
    return rotherham_case_world(cast)


def date_fields(name, day):
    return {f"{name}_day": str(day.day), f"{name}_month": str(day.month), f"{name}_year": str(day.year)}


def discussion(cast, **overrides):
    today = timezone.localdate()
    health = Agency.objects.get(code="health-rotherham")
    data = {
        **date_fields("held_on", today),
        "members": [str(cast["cse.rotherham"].pk), str(cast["youthworker.rotherham"].pk)],
        "other_name_1": "Jan Whitley",
        "other_agency_1": str(Agency.objects.get(code="csc-rotherham").pk),
        "other_name_2": "Dr Anne Patel",
        "other_agency_2": str(health.pk),
        "information_shared": "Police: seen in cars with two adults. School: absent 6 days. Health: STI test.",
        "section_47": "yes",
        "investigation": "joint",
        "immediate_safety_actions": "Child Abduction Warning Notice considered for the driver.",
    }
    data.update(overrides)
    return data


def test_investigation_is_refused_without_a_strategy_discussion(client_for, world):
    team = client_for("cse.rotherham")
    response = team.post(f"/cases/{world.case.pk}/investigation/", {"version": str(world.case.version)})
    body = response.content.decode()
    assert response.status_code == 200
    assert "A case cannot move to investigation without a strategy discussion" in body
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.OPEN


def test_investigation_follows_a_strategy_discussion_that_decided_who_investigates(client_for, cast, world):
    team = client_for("cse.rotherham")
    assert (
        team.post(f"/cases/{world.case.pk}/meetings/strategy-discussion/", discussion(cast)).status_code
        == 302
    )
    world.case.refresh_from_db()
    response = team.post(f"/cases/{world.case.pk}/investigation/", {"version": str(world.case.version)})
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.INVESTIGATION
    summary = team.get(f"/cases/{world.case.pk}/").content.decode()
    assert "Under investigation" in summary
    assert "Initial child protection conference" in summary


def test_a_strategy_discussion_without_health_needs_a_reason(client_for, cast, world):
    team = client_for("cse.rotherham")
    data = discussion(cast, other_name_2="", other_agency_2="")
    body = team.post(f"/cases/{world.case.pk}/meetings/strategy-discussion/", data).content.decode()
    assert "No one from health took part: say why" in body
    assert "seen in cars with two adults" in body, "what was typed is kept"
    assert not StrategyDiscussion.objects.exists()
    data["missing_agency_reason"] = "School nurse on leave; GP report read out"
    assert team.post(f"/cases/{world.case.pk}/meetings/strategy-discussion/", data).status_code == 302
    meetings = team.get(f"/cases/{world.case.pk}/meetings/").content.decode()
    assert "Dr Anne Patel" not in meetings
    assert "GP report read out" in meetings


def test_a_section_47_enquiry_needs_the_investigation_decision(client_for, cast, world):
    body = (
        client_for("cse.rotherham")
        .post(f"/cases/{world.case.pk}/meetings/strategy-discussion/", discussion(cast, investigation=""))
        .content.decode()
    )
    assert "Select whether the investigation is joint or single-agency" in body


def test_closing_without_support_or_a_reason_is_refused(client_for, world):
    lead = client_for("cse.rotherham")
    response = lead.post(
        f"/cases/{world.case.pk}/close/",
        {
            "outcome": "risk_reduced",
            "outcome_detail": "Back at school full time",
            "version": str(world.case.version),
        },
    )
    body = response.content.decode()
    assert "No support to the child is recorded" in body
    assert "Back at school full time" in body
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.OPEN


def test_closing_without_an_outcome_is_refused(client_for, world):
    body = (
        client_for("cse.rotherham")
        .post(f"/cases/{world.case.pk}/close/", {"no_support_reason": "Moved away", "version": "1"})
        .content.decode()
    )
    assert "Select the outcome for the child" in body


def test_closing_with_support_recorded_keeps_everything(client_for, world):
    worker = client_for("youthworker.rotherham")
    today = timezone.localdate()
    response = worker.post(
        f"/cases/{world.case.pk}/support/new/",
        {
            "submission_token": str(uuid.uuid4()),
            "kind": "youth_worker",
            "agency": str(Agency.objects.get(code="safe-steps").pk),
            "worker_name": "Aaliyah Brennan",
            "description": "One-to-one sessions on healthy relationships and online safety",
            "frequency": "Weekly",
            **date_fields("started_on", today),
            "engagement": "engaged",
            "child_words": "She listens and doesn't judge me.",
        },
    )
    assert response.status_code == 302
    world.case.refresh_from_db()
    response = client_for("cse.rotherham").post(
        f"/cases/{world.case.pk}/close/",
        {"outcome": "risk_reduced", "outcome_detail": "Back at school", "version": str(world.case.version)},
    )
    assert response.status_code == 302
    world.case.refresh_from_db()
    assert world.case.status == CaseStatus.CLOSED
    assert world.case.outcome == "risk_reduced"
    assert SupportRecord.objects.filter(case=world.case).count() == 1
    assert Action.objects.filter(case=world.case).count() == 1, "nothing deleted"
    chronology = client_for("cse.rotherham").get(f"/cases/{world.case.pk}/chronology/").content.decode()
    assert "Case closed" in chronology
    assert "She listens and doesn&#x27;t judge me." in chronology


def test_only_the_lead_or_a_district_supervisor_closes(client_for, world):
    response = client_for("youthworker.rotherham").post(
        f"/cases/{world.case.pk}/close/",
        {"outcome": "risk_reduced", "no_support_reason": "x", "version": "1"},
    )
    assert response.status_code == 403


def test_an_action_done_late_needs_its_reason(client_for, world):
    Action.objects.filter(pk=world.action.pk).update(due_on=timezone.localdate() - timedelta(days=5))
    worker = client_for("youthworker.rotherham")
    url = f"/cases/{world.case.pk}/actions/{world.action.pk}/"
    body = worker.post(url, {"status": "done", "version": "1"}).content.decode()
    assert "This action was due by" in body
    assert (
        worker.post(url, {"status": "done", "late_reason": "Child was away", "version": "1"}).status_code
        == 302
    )
    world.action.refresh_from_db()
    assert world.action.done_on == timezone.localdate()
    assert world.action.late_reason == "Child was away"


def test_my_actions_and_overdue_lists(client_for, world):
    Action.objects.filter(pk=world.action.pk).update(due_on=timezone.localdate() - timedelta(days=5))
    mine = client_for("youthworker.rotherham").get("/cases/actions/").content.decode()
    assert "Visit the child at home with a social worker" in mine
    assert "Overdue" in mine
    home = client_for("youthworker.rotherham").get("/").content.decode()
    assert "Visit the child at home with a social worker" in home
    team_home = client_for("supervisor.rotherham").get("/").content.decode()
    assert "on your team's cases" in team_home
    assert "Visit the child" not in client_for("sw.sheffield").get("/cases/actions/").content.decode()


def test_action_owner_must_be_on_the_case_team(client_for, cast, world):
    body = (
        client_for("cse.rotherham")
        .post(
            f"/cases/{world.case.pk}/actions/new/",
            {
                "description": "Check school register",
                "owner": str(cast["sw.sheffield"].pk),
                "due_in_working_days": "2",
            },
        )
        .content.decode()
    )
    # The refusal names the field (issue 17, build 7), rather than Django's "Select a valid choice".
    assert "Select owner: what was sent is not one of the choices given" in body


def test_a_professional_added_from_another_district_sees_the_case_and_the_child(client_for, cast, world):
    sheffield = client_for("sw.sheffield")
    assert sheffield.get(f"/cases/{world.case.pk}/").status_code == 404
    assert sheffield.get(f"/people/{world.child.pk}/").status_code == 404
    client_for("cse.rotherham").post(
        f"/cases/{world.case.pk}/people/add/",
        {
            "member": str(cast["sw.sheffield"].pk),
            "role_on_case": "Allocated social worker (child placed in Sheffield)",
        },
    )
    assert sheffield.get(f"/cases/{world.case.pk}/").status_code == 200
    assert sheffield.get(f"/people/{world.child.pk}/").status_code == 200


def test_a_stale_save_of_case_details_is_refused_and_keeps_what_was_typed(client_for, cast, world):
    url = f"/cases/{world.case.pk}/details/"
    opened = {"lead_professional": str(cast["cse.rotherham"].pk), "version": str(world.case.version)}
    client_for("supervisor.rotherham").post(url, {**opened, "exploitation_flag": "criminal"})
    response = client_for("cse.rotherham").post(url, {**opened, "exploitation_flag": "sexual"})
    body = response.content.decode()
    assert "Your changes have not been saved" in body
    assert "Claire Dunmore changed Exploitation flag" in body
    assert '<option value="sexual" selected>' in body
    world.case.refresh_from_db()
    assert world.case.exploitation_flag == "criminal"


def test_chronology_shows_each_step_with_its_agency_and_filters(client_for, cast, world):
    team = client_for("cse.rotherham")
    team.post(f"/cases/{world.case.pk}/meetings/strategy-discussion/", discussion(cast))
    body = team.get(f"/cases/{world.case.pk}/chronology/").content.decode()
    assert 'class="moj-timeline"' in body
    for title in [
        "Concern reported",
        "Triage decision: Strategy discussion",
        "Case opened",
        "Strategy discussion",
    ]:
        assert title in body
    assert "South Yorkshire Police" in body
    only_meetings = team.get(f"/cases/{world.case.pk}/chronology/?kind=meeting").content.decode()
    assert "Concern reported" not in only_meetings
    assert "Strategy discussion" in only_meetings
    _add_entries(cast, world.case, 1)
    by_agency = team.get(
        f"/cases/{world.case.pk}/chronology/?agency=Safe+Steps+Youth+Project"
    ).content.decode()
    assert "Support: youth worker (Aaliyah Brennan)" in by_agency
    assert "Case opened" not in by_agency


def test_chronology_hides_referrals_the_viewer_may_not_see(client_for, cast, world):
    """A Sheffield referral about the same child, not linked to the case, stays with Sheffield."""
    sheffield = District.objects.get(code="sheffield")
    hidden = referral_services.submit_referral(
        cast["callhandler"],
        district=sheffield,
        subject_kind="child",
        what_was_seen="Caller saw her at Sheffield station with an older man",
        seen_at=timezone.now(),
        child=world.child,
    )
    body = client_for("youthworker.rotherham").get(f"/cases/{world.case.pk}/chronology/").content.decode()
    assert "Sheffield station" not in body
    assert hidden.reference not in body


def test_chronology_pdf_is_a_pdf_and_its_export_is_logged(client_for, world):
    response = client_for("youthworker.rotherham").get(f"/cases/{world.case.pk}/chronology.pdf?kind=referral")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    log = AccessLog.objects.filter(action=AuditAction.EXPORT, target_type="cases.case").get()
    assert log.actor_username == "youthworker.rotherham"
    assert log.details["kinds"] == ["referral"]
    sharing = client_for("cse.rotherham").get(f"/cases/{world.case.pk}/sharing-log/").content.decode()
    assert "Exported" in sharing


def test_every_tab_view_is_logged(client_for, world):
    client_for("youthworker.rotherham").get(f"/cases/{world.case.pk}/support/")
    assert AccessLog.objects.filter(
        action=AuditAction.VIEW,
        target_type="cases.case",
        target_id=str(world.case.pk),
        details__tab="support",
    ).exists()


def _add_entries(cast, case, n):
    for i in range(n):
        services.add_action(
            cast["cse.rotherham"],
            case,
            description=f"Check {i}",
            owner=cast["cse.rotherham"],
            due_in_working_days=2,
        )
        services.record_support(
            cast["youthworker.rotherham"],
            case,
            kind="youth_worker",
            agency=Agency.objects.get(code="safe-steps"),
            worker_name="Aaliyah Brennan",
            description=f"Session {i}",
            frequency="Weekly",
            started_on=timezone.localdate(),
            engagement="engaged",
            child_words="",
        )


@pytest.mark.parametrize(
    "tab", ["", "chronology/", "actions/", "meetings/", "support/", "people/", "sharing-log/"]
)
@pytest.mark.usefixtures("scope_read_once_per_request")
def test_case_page_queries_do_not_grow_with_entries(client_for, cast, world, tab):
    team = client_for("cse.rotherham")
    url = f"/cases/{world.case.pk}/{tab}"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert team.get(url).status_code == 200
        return len(queries)

    _add_entries(cast, world.case, 2)
    few = count()
    _add_entries(cast, world.case, 20)
    assert count() == few


def test_service_refuses_investigation_without_discussion_directly(cast, world):
    with pytest.raises(ValidationError, match="cannot move to investigation"):
        services.move_to_investigation(cast["cse.rotherham"], world.case, expected_version=world.case.version)


def test_conference_clock_and_late_reason(client_for, cast, world):
    team = client_for("cse.rotherham")
    long_ago = timezone.localdate() - timedelta(days=60)
    team.post(
        f"/cases/{world.case.pk}/meetings/strategy-discussion/",
        discussion(cast, **date_fields("held_on", long_ago)),
    )
    data = {"which": "yes", **date_fields("held_on", timezone.localdate()), "plan_continues": "yes"}
    body = team.post(f"/cases/{world.case.pk}/meetings/conference/", data).content.decode()
    assert "The conference was due by" in body
    data["late_reason"] = "Family asked to rearrange"
    assert team.post(f"/cases/{world.case.pk}/meetings/conference/", data).status_code == 302
    summary = team.get(f"/cases/{world.case.pk}/").content.decode()
    assert "working days late" in summary
    assert "Review conference 1" in summary


def test_case_compliance_lists_what_is_missed(client_for, world):
    team = client_for("cse.rotherham")
    summary = team.get(f"/cases/{world.case.pk}/").content.decode()
    assert "Standards met and missed" in summary
    assert "Exploitation flag recorded" in summary
    # Called for by today's decision: due by the end of the next working day, not missed yet.
    assert "A section 47 concern was raised but no strategy discussion is recorded." not in summary
    decided_at = Referral.objects.get(pk=world.referral.pk).decided_at
    assert decided_at is not None
    Referral.objects.filter(pk=world.referral.pk).update(decided_at=decided_at - timedelta(days=10))
    summary = team.get(f"/cases/{world.case.pk}/").content.decode()
    assert "A section 47 concern was raised but no strategy discussion is recorded." in summary


def test_referrals_stay_unchanged_when_a_case_closes(cast, world):
    case = Case.objects.get(pk=world.case.pk)
    services.close_case(
        cast["cse.rotherham"],
        case,
        expected_version=case.version,
        outcome="no_exploitation",
        outcome_detail="",
        no_support_reason="Enquiries found a family friend; no support needed",
    )
    assert Referral.objects.get(pk=world.referral.pk).case_id == case.pk


def test_emergency_access_opens_a_case_to_read_but_not_to_record(client_for, world):
    analyst = client_for("analyst")
    url = f"/cases/{world.case.pk}/"
    assert analyst.get(url).status_code == 404
    response = analyst.post(
        "/access/emergency-access/",
        {
            "path": url,
            "reason": "Child found at an address linked to an active operation tonight",
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    page = analyst.get(url).content.decode()
    assert "You are seeing this record with emergency access" in page
    assert analyst.get(f"/cases/{world.case.pk}/support/new/").status_code == 403
    assert AccessLog.objects.filter(
        actor_username="analyst",
        action=AuditAction.VIEW,
        target_type="cases.case",
        reason__contains="tonight",
    ).exists()


def test_a_stale_action_update_is_refused(client_for, world):
    url = f"/cases/{world.case.pk}/actions/{world.action.pk}/"
    client_for("cse.rotherham").post(url, {"status": "cancelled", "version": "1"})
    body = client_for("youthworker.rotherham").post(url, {"status": "done", "version": "1"}).content.decode()
    assert "Your changes have not been saved" in body
    world.action.refresh_from_db()
    assert world.action.status == "cancelled"


def test_closed_cases_take_no_more_records(client_for, cast, world):
    case = Case.objects.get(pk=world.case.pk)
    services.close_case(
        cast["cse.rotherham"],
        case,
        expected_version=case.version,
        outcome="moved_away",
        outcome_detail="Moved to Leeds; case transferred",
        no_support_reason="Moved before support could start",
    )
    assert client_for("cse.rotherham").get(f"/cases/{case.pk}/actions/new/").status_code == 403
    assert (
        "Set an action" not in client_for("cse.rotherham").get(f"/cases/{case.pk}/actions/").content.decode()
    )


def test_chief_officers_see_figures_by_district_without_names(client_for, cast, world):
    Action.objects.filter(pk=world.action.pk).update(due_on=timezone.localdate() - timedelta(days=5))
    body = client_for("commissioner").get("/cases/figures/").content.decode()
    assert "Rotherham" in body
    assert "100%" in body, "the one referral was decided on time"
    assert "Kayleigh" not in body
    assert world.case.reference not in body
    assert world.referral.reference not in body
    assert client_for("commissioner").get(f"/cases/{world.case.pk}/").status_code == 404
