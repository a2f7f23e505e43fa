"""Which practice standards a case meets and misses, as a pure function over plain facts.

The list is the raw material for auditing outcomes: the inspection found case files that did not
record that a child was being protected, strategy discussions that did not happen, investigations not
decided jointly and no record of the support a victim got. Each of those is a line here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from tessera.cases.timescales import Clock, ClockState

# The agencies Working Together expects at every strategy discussion.
REQUIRED_STRATEGY_AGENCIES = frozenset({"police", "childrens_social_care", "health"})
AGENCY_KIND_WORDS = {"police": "police", "childrens_social_care": "social care", "health": "health"}


class StandardStatus(StrEnum):
    MET = "met"
    MISSED = "missed"
    NOT_YET = "not_yet"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return {
            "met": "Met",
            "missed": "Missed",
            "not_yet": "Not yet due",
            "not_applicable": "Does not apply",
        }[self.value]

    @property
    def tag(self) -> str:
        return {"met": "ok", "missed": "overdue", "not_yet": "neutral", "not_applicable": "neutral"}[
            self.value
        ]


@dataclass(frozen=True)
class StandardResult:
    standard: str
    status: StandardStatus
    detail: str


@dataclass(frozen=True)
class ReferralFact:
    reference: str
    decision_due: date
    decided_on: date | None
    late_reason: str = ""


@dataclass(frozen=True)
class StrategyDiscussionFact:
    held_on: date
    agency_kinds: frozenset[str]
    missing_agency_reason: str
    section_47: bool
    investigation: str  # "" when no decision was recorded


@dataclass(frozen=True)
class CaseFacts:
    referrals: tuple[ReferralFact, ...]
    strategy_discussion_required: bool
    strategy_discussions: tuple[StrategyDiscussionFact, ...]
    # When the discussion is due: from the triage decision that called for one (None: no such decision
    # is recorded, so the case's track alone asks for one and it is due from the day the case opened).
    strategy_discussion_due: date | None
    exploitation_flag: str
    support_records: int
    no_support_reason: str
    closed: bool
    clocks: tuple[Clock, ...]


def _referral_decisions(facts: CaseFacts, today: date) -> StandardResult:
    name = "Referral decided within 1 working day"
    if not facts.referrals:
        return StandardResult(name, StandardStatus.NOT_APPLICABLE, "No referral is linked to this case.")
    late = [r for r in facts.referrals if r.decided_on and r.decided_on > r.decision_due]
    waiting = [r for r in facts.referrals if r.decided_on is None]
    overdue = [r for r in waiting if today > r.decision_due]
    if late or overdue:
        refs = ", ".join(r.reference for r in [*late, *overdue])
        return StandardResult(name, StandardStatus.MISSED, f"Decided late or still waiting: {refs}.")
    if waiting:
        return StandardResult(name, StandardStatus.NOT_YET, "A referral is waiting for a decision.")
    return StandardResult(name, StandardStatus.MET, "Every referral was decided on time.")


def _strategy_discussion(facts: CaseFacts, today: date) -> StandardResult:
    name = "Strategy discussion recorded where required"
    if not facts.strategy_discussion_required:
        if facts.strategy_discussions:
            return StandardResult(name, StandardStatus.MET, "A strategy discussion is recorded.")
        return StandardResult(name, StandardStatus.NOT_APPLICABLE, "No section 47 concern was raised.")
    if facts.strategy_discussions:
        return StandardResult(name, StandardStatus.MET, "A strategy discussion is recorded.")
    due = facts.strategy_discussion_due
    if due is not None and today <= due:
        return StandardResult(name, StandardStatus.NOT_YET, f"Due by {due:%-d %B %Y}.")
    when = f" It was due by {due:%-d %B %Y}." if due is not None else ""
    return StandardResult(
        name,
        StandardStatus.MISSED,
        "A section 47 concern was raised but no strategy discussion is recorded." + when,
    )


def _strategy_attendance(facts: CaseFacts) -> StandardResult:
    name = "Police, social care and health at the strategy discussion"
    if not facts.strategy_discussions:
        return StandardResult(name, StandardStatus.NOT_APPLICABLE, "No strategy discussion yet.")
    problems = []
    for discussion in facts.strategy_discussions:
        missing = REQUIRED_STRATEGY_AGENCIES - discussion.agency_kinds
        if missing and not discussion.missing_agency_reason.strip():
            words = " and ".join(sorted(AGENCY_KIND_WORDS[k] for k in missing))
            problems.append(f"{discussion.held_on:%d %B %Y}: no {words}, and no reason recorded")
    if problems:
        return StandardResult(name, StandardStatus.MISSED, "; ".join(problems) + ".")
    return StandardResult(name, StandardStatus.MET, "Each discussion had all three, or a recorded reason.")


def _investigation_decision(facts: CaseFacts) -> StandardResult:
    name = "Single- or joint-agency investigation decided"
    enquiries = [d for d in facts.strategy_discussions if d.section_47]
    if not enquiries:
        return StandardResult(name, StandardStatus.NOT_APPLICABLE, "No section 47 enquiry was started.")
    if all(d.investigation for d in enquiries):
        return StandardResult(name, StandardStatus.MET, "The investigation decision is recorded.")
    return StandardResult(
        name, StandardStatus.MISSED, "A section 47 enquiry started without a recorded investigation decision."
    )


def _exploitation_flag(facts: CaseFacts) -> StandardResult:
    name = "Exploitation flag recorded"
    if facts.exploitation_flag:
        return StandardResult(name, StandardStatus.MET, "The case records the kind of exploitation.")
    return StandardResult(
        name, StandardStatus.MISSED, "The case does not record whether the child is being exploited."
    )


def _support(facts: CaseFacts) -> StandardResult:
    name = "Support to the child recorded"
    if facts.support_records:
        count = facts.support_records
        return StandardResult(name, StandardStatus.MET, f"{count} support record{'s' if count != 1 else ''}.")
    if facts.closed and facts.no_support_reason.strip():
        return StandardResult(name, StandardStatus.MET, "Closed with a recorded reason for no support.")
    if facts.closed:
        return StandardResult(name, StandardStatus.MISSED, "Closed with no support and no reason recorded.")
    return StandardResult(name, StandardStatus.NOT_YET, "No support recorded yet.")


def _clock(clock: Clock, today: date) -> StandardResult:
    name = f"{clock.name} on time (due {clock.due_on:%d %B %Y})"
    state = clock.state(today)
    if state == ClockState.MET:
        return StandardResult(name, StandardStatus.MET, clock.label(today) + ".")
    if state == ClockState.MET_LATE:
        reason = f" Reason: {clock.late_reason}" if clock.late_reason else " No reason recorded."
        return StandardResult(name, StandardStatus.MISSED, clock.label(today) + "." + reason)
    if state == ClockState.OVERDUE:
        return StandardResult(name, StandardStatus.MISSED, clock.label(today) + ".")
    return StandardResult(name, StandardStatus.NOT_YET, clock.label(today) + ".")


def assess(facts: CaseFacts, today: date) -> list[StandardResult]:
    """Every standard, met or missed, in the order a reviewer reads a case file."""
    return [
        _referral_decisions(facts, today),
        _strategy_discussion(facts, today),
        _strategy_attendance(facts),
        _investigation_decision(facts),
        _exploitation_flag(facts),
        _support(facts),
        *(_clock(clock, today) for clock in facts.clocks),
    ]
