"""Risk on the case page: the Risk tab, the chronology, the case team, assessments made for a case."""

from __future__ import annotations

import pytest

from tessera.risk.instrument import Level
from tessera.risk.models import ReassessmentTask, TaskReason
from tests.conftest import make_person
from tests.risk.world import assess, complete


@pytest.fixture
def case_world(cast, rotherham_child, version, django_capture_on_commit_callbacks):
    from tests.cases.world import rotherham_case_world

    with django_capture_on_commit_callbacks(execute=True):
        world = rotherham_case_world(cast, child=rotherham_child)
    return world


def test_a_new_referral_asks_for_a_reassessment(case_world):
    assert ReassessmentTask.objects.filter(child=case_world.child, reason=TaskReason.NEW_REFERRAL).exists()


def test_the_case_page_has_a_risk_tab_with_both_levels_and_the_chart(client_for, cast, case_world):
    officer = cast["cse.rotherham"]
    complete(
        officer,
        assess(officer, case_world.child, [("missing_overnight", 5)]),
        Level.SIGNIFICANT,
        "Known adults",
    )
    page = client_for("youthworker.rotherham").get(f"/risk/cases/{case_world.case.pk}/").content.decode()
    assert 'aria-current="page">Risk</a>' in page
    assert "svg" in page
    assert "Not at risk" in page
    assert "Significant risk" in page
    summary = client_for("cse.rotherham").get(f"/cases/{case_world.case.pk}/").content.decode()
    assert f'href="/risk/cases/{case_world.case.pk}/"' in summary


def test_completed_assessments_appear_in_the_chronology(client_for, cast, case_world):
    officer = cast["cse.rotherham"]
    done = complete(officer, assess(officer, case_world.child, [("disclosure", 1)]))
    page = client_for("cse.rotherham").get(f"/cases/{case_world.case.pk}/chronology/").content.decode()
    assert "Risk assessment: Significant: exploitation is happening" in page
    assert f"/risk/assessments/{done.pk}/" in page


def test_a_case_team_member_from_another_district_sees_the_childs_risk_but_does_not_assess(
    client_for, cast, case_world
):
    from tessera.cases import services as case_services

    assessment = complete(cast["cse.rotherham"], assess(cast["cse.rotherham"], case_world.child, []))
    sheffield = client_for("sw.sheffield")
    assert sheffield.get(f"/risk/assessments/{assessment.pk}/").status_code == 404
    case_services.add_team_member(
        cast["cse.rotherham"], case_world.case, member=cast["sw.sheffield"], role_on_case="Social worker"
    )
    assert sheffield.get(f"/risk/assessments/{assessment.pk}/").status_code == 200
    assert sheffield.get(f"/risk/cases/{case_world.case.pk}/").status_code == 200
    assert sheffield.get(f"/risk/children/{case_world.child.pk}/assess/").status_code == 403


def test_an_assessment_started_from_the_risk_tab_belongs_to_the_case(client_for, cast, case_world):
    from tessera.risk.models import RiskAssessment

    client = client_for("cse.rotherham")
    tab = client.get(f"/risk/cases/{case_world.case.pk}/").content.decode()
    start = f"/risk/children/{case_world.child.pk}/assess/?case={case_world.case.pk}"
    assert start in tab
    from django.utils import timezone

    today = timezone.localdate()
    response = client.post(
        start,
        {
            "case": case_world.case.pk,
            "assessed_on_day": today.day,
            "assessed_on_month": today.month,
            "assessed_on_year": today.year,
            "learning_disability": "no",
        },
    )
    assert response.status_code == 302
    assessment = RiskAssessment.objects.get(child=case_world.child)
    assert assessment.case == case_world.case
    page = client.get(f"/risk/assessments/{assessment.pk}/").content.decode()
    assert f"/risk/cases/{case_world.case.pk}/" in page


def test_a_case_about_another_child_is_not_attached(client_for, cast, case_world, sheffield_child):
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from tessera.risk import services

    other = make_person("rotherham", given="Other")
    with pytest.raises(ValidationError):
        services.start_assessment(
            cast["cse.rotherham"],
            other,
            assessed_on=timezone.localdate(),
            learning_disability=False,
            case=case_world.case,
        )
