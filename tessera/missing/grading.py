"""The police risk grade of a missing episode, and the rule the national reviews found broken.

A child already known to be exploited, or assessed at moderate risk or above, was again and again treated
as merely "absent". Here that grade is refused unless a supervisor records the decision and why. Pure: the
Django layer gathers the child's concerns into ``ChildConcerns`` and asks ``grade_refusal``.
"""

from __future__ import annotations

from dataclasses import dataclass

NO_APPARENT_RISK = "no_apparent_risk"
LOW = "low"
MEDIUM = "medium"
HIGH = "high"
GRADES = (NO_APPARENT_RISK, LOW, MEDIUM, HIGH)
GRADE_LABELS = {
    NO_APPARENT_RISK: "No apparent risk (absent)",
    LOW: "Low risk",
    MEDIUM: "Medium risk",
    HIGH: "High risk",
}

# Risk assessment levels (tessera.risk.instrument.Level values) that count as moderate or above.
MODERATE_OR_ABOVE = frozenset({"moderate", "significant"})


@dataclass(frozen=True)
class ChildConcerns:
    """What the record says about the child that makes "no apparent risk" a decision for a supervisor.

    ``exploitation_flags`` are labels in words ("Child sexual exploitation (case CSE-2026-ABC123)");
    ``current_level`` is the final level of the child's latest completed risk assessment, if any.
    """

    exploitation_flags: tuple[str, ...] = ()
    current_level: str = ""
    current_level_label: str = ""

    @property
    def reasons(self) -> list[str]:
        reasons = [f"an exploitation flag: {flag}" for flag in self.exploitation_flags]
        if self.current_level in MODERATE_OR_ABOVE:
            reasons.append(f"a current risk assessment at {self.current_level_label or self.current_level}")
        return reasons

    @property
    def needs_supervisor_for_no_apparent_risk(self) -> bool:
        return bool(self.reasons)


def grade_refusal(
    grade: str, concerns: ChildConcerns, *, supervisor_decision: str, by_supervisor: bool
) -> str | None:
    """Why this grade cannot be recorded as it stands, or None when it can.

    "No apparent risk" for a child with exploitation concerns needs a supervisor's recorded decision:
    the person grading is a supervisor and has written why.
    """
    if grade not in GRADES:
        return "Choose the police risk grade"
    if grade != NO_APPARENT_RISK or not concerns.needs_supervisor_for_no_apparent_risk:
        return None
    why = " and ".join(concerns.reasons)
    if not by_supervisor:
        return (
            f"The child has {why}. 'No apparent risk' can only be recorded by a supervisor, with their "
            "decision written down: choose a grade of low or above, or ask a supervisor to decide."
        )
    if not supervisor_decision.strip():
        return (
            f"The child has {why}. Write down your decision as supervisor: why 'no apparent risk' is "
            "right for this child now."
        )
    return None
