"""Risk on the case page: a Risk tab, completed assessments in the chronology, and the case team's view of
the child's risk. The case-work app owns the extension points (``tessera.cases.registry``); this app
registers with them, so the case app never imports risk.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse

from tessera.access.policy import extend_visibility
from tessera.access.scope import Scope
from tessera.accounts.models import Actor
from tessera.cases.models import Case
from tessera.cases.registry import CaseTab, ChronologyEntry, register_case_tab, register_chronology_source
from tessera.cases.rules import about_children_of_my_cases
from tessera.risk.models import ReassessmentTask, RiskAssessment
from tessera.risk.selectors import same_child, visible_assessments

TAB_KEY = "risk"


def case_team_children(scope: Scope) -> Q:
    """Rows about children whose case team the user is on, wherever the child lives."""
    return about_children_of_my_cases(scope)


def risk_chronology(user: Actor, case: Case) -> Iterable[ChronologyEntry]:
    """One chronology entry per completed assessment of the case's child that the viewer may see."""
    if case.child_id is None:
        return []
    assessments = (
        visible_assessments(user)
        .filter(same_child(case.child_id))
        .exclude(final_level="")
        .select_related("assessor_agency", "completed_by", "signed_off_by", "instrument_version")
        .order_by("completed_at")
    )
    entries: list[ChronologyEntry] = []
    for a in assessments:
        if a.completed_at is None:  # completed assessments always carry the time; kept for the type checker
            continue
        judgement = (
            "Final level is the computed level"
            if a.override_direction == "none"
            else f"{a.get_override_direction_display()}: {a.override_reason}"
        )
        entries.append(
            ChronologyEntry(
                at=a.completed_at,
                kind="risk",
                title=f"Risk assessment: {a.final_label}",
                agency=str(a.assessor_agency) if a.assessor_agency else "Agency not recorded",
                by=str(a.completed_by or ""),
                detail=judgement,
                href=reverse("risk:assessment_detail", kwargs={"pk": a.pk}),
                facts=(
                    ("Computed level", a.computed_label),
                    ("Final level", a.final_label),
                    ("Instrument", f"Version {a.instrument_version.number}"),
                    ("Signed off", str(a.signed_off_by) if a.signed_off_by else "Waiting for a supervisor"),
                ),
            )
        )
    return entries


def connect() -> None:
    """Register the Risk tab, the chronology source and the case team's visibility."""
    register_case_tab(CaseTab(TAB_KEY, "Risk", "risk:case_risk", 30))
    register_chronology_source(risk_chronology, {"risk": "Risk assessments"})
    extend_visibility(RiskAssessment, case_team_children)
    extend_visibility(ReassessmentTask, case_team_children)
