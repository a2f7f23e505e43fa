"""The grade rule: "no apparent risk" for a child with exploitation concerns needs a supervisor's decision."""

from __future__ import annotations

import pytest

from tessera.missing.grading import GRADES, ChildConcerns, grade_refusal

FLAGGED = ChildConcerns(exploitation_flags=("Child sexual exploitation (case C-2026-ABCDEF)",))
MODERATE = ChildConcerns(current_level="moderate", current_level_label="Moderate")
SIGNIFICANT = ChildConcerns(current_level="significant", current_level_label="Significant")
MILD = ChildConcerns(current_level="mild", current_level_label="Mild")
NOTHING_KNOWN = ChildConcerns()


@pytest.mark.parametrize("concerns", [FLAGGED, MODERATE, SIGNIFICANT])
def test_no_apparent_risk_refused_for_a_child_with_concerns_without_a_supervisor(concerns):
    problem = grade_refusal("no_apparent_risk", concerns, supervisor_decision="", by_supervisor=False)
    assert problem is not None
    assert "supervisor" in problem


def test_refusal_names_what_the_record_shows():
    problem = grade_refusal("no_apparent_risk", FLAGGED, supervisor_decision="", by_supervisor=False)
    assert problem is not None
    assert "Child sexual exploitation (case C-2026-ABCDEF)" in problem
    problem = grade_refusal("no_apparent_risk", MODERATE, supervisor_decision="", by_supervisor=False)
    assert problem is not None
    assert "current risk assessment at Moderate" in problem


def test_a_decision_typed_by_someone_who_is_not_a_supervisor_is_not_a_supervisors_decision():
    assert grade_refusal("no_apparent_risk", FLAGGED, supervisor_decision="I think so", by_supervisor=False)


def test_a_supervisor_must_write_the_decision_down():
    assert grade_refusal("no_apparent_risk", FLAGGED, supervisor_decision="   ", by_supervisor=True)


def test_a_supervisors_recorded_decision_allows_no_apparent_risk():
    decision = "Known to visit her aunt; aunt confirmed by phone she is there and safe."
    assert (
        grade_refusal("no_apparent_risk", FLAGGED, supervisor_decision=decision, by_supervisor=True) is None
    )


@pytest.mark.parametrize("grade", ["low", "medium", "high"])
def test_other_grades_need_no_decision(grade):
    assert grade_refusal(grade, FLAGGED, supervisor_decision="", by_supervisor=False) is None


@pytest.mark.parametrize("concerns", [MILD, NOTHING_KNOWN])
def test_no_apparent_risk_allowed_for_a_child_with_no_concerns(concerns):
    assert grade_refusal("no_apparent_risk", concerns, supervisor_decision="", by_supervisor=False) is None


def test_an_unknown_grade_is_refused():
    assert grade_refusal("absent", NOTHING_KNOWN, supervisor_decision="", by_supervisor=True)
    assert "absent" not in GRADES
