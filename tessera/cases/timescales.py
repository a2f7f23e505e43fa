"""Statutory timescales (Working Together to Safeguard Children) as pure functions over dates.

Every clock counts working days in England and Wales (``tessera.core.working_days``): weekends and bank
holidays do not count. Review conferences are set in months by the guidance ("within 3 months", "at most
every 6 months"); we turn a month limit into a date and then bring it back to the last working day on or
before it, so a review that must happen "within" the limit is never due on a day the office is shut.

Nothing here touches the database: the Django layer turns records into these plain values.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from tessera.core.working_days import add_working_days, is_working_day, working_days_between

REFERRAL_DECISION_WORKING_DAYS = 1
ASSESSMENT_WORKING_DAYS = 45
INITIAL_CONFERENCE_WORKING_DAYS = 15
FIRST_REVIEW_MONTHS = 3
LATER_REVIEW_MONTHS = 6


def referral_decision_due(received_on: date) -> date:
    """A referral decision is due one working day after the referral arrives (a weekend one on Monday)."""
    return add_working_days(received_on, REFERRAL_DECISION_WORKING_DAYS)


# Triage grades: how soon the multi-agency team must decide (the values of referrals' Urgency).
IMMEDIATE = "immediate"
SAME_DAY = "same_day"
NEXT_WORKING_DAY = "next_working_day"
IMMEDIATE_DECISION = timedelta(hours=1)


@dataclass(frozen=True)
class DecisionDeadline:
    """When a graded concern must be decided: a day, and for an immediate concern also the moment."""

    due_on: date
    due_at: datetime | None = None


def graded_decision_due(urgency: str, *, received_on: date, graded_at: datetime) -> DecisionDeadline:
    """The decision clock a triage grade sets.

    - immediate: within the hour of the grade, any day and any hour, counted in real time (UTC), so the
      night the clocks go back still gives sixty minutes;
    - same day: by the end of the day it was graded, weekends and bank holidays included, because the
      out-of-hours team covers them;
    - next working day: the ordinary rule, one working day after the concern arrived.

    ``graded_at`` must be aware; ``due_on`` is the London date of the moment due, so pass it in London
    time (``timezone.localtime``). ``due_at`` keeps the time zone ``graded_at`` came in.
    """
    if graded_at.tzinfo is None:
        raise ValueError("graded_at must carry its time zone")
    if urgency == IMMEDIATE:
        due_at = (graded_at.astimezone(UTC) + IMMEDIATE_DECISION).astimezone(graded_at.tzinfo)
        return DecisionDeadline(due_at.date(), due_at)
    if urgency == SAME_DAY:
        return DecisionDeadline(graded_at.date())
    if urgency == NEXT_WORKING_DAY:
        return DecisionDeadline(referral_decision_due(received_on))
    raise ValueError(f"Unknown urgency {urgency!r}")


def strategy_discussion_due(decided_on: date, urgency: str) -> date:
    """A strategy discussion called for at triage: the same day for an immediate or same-day concern,
    otherwise by the end of the next working day after the decision."""
    if urgency in {IMMEDIATE, SAME_DAY}:
        return decided_on
    return add_working_days(decided_on, 1)


def assessment_due(referral_on: date) -> date:
    return add_working_days(referral_on, ASSESSMENT_WORKING_DAYS)


def initial_conference_due(strategy_discussion_on: date) -> date:
    """Initial child protection conference: within 15 working days of the strategy discussion that
    started the section 47 enquiry."""
    return add_working_days(strategy_discussion_on, INITIAL_CONFERENCE_WORKING_DAYS)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, or the month's last day when it is shorter (31 Aug + 6 = 28 Feb)."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def last_working_day_on_or_before(day: date) -> date:
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def review_conference_due(previous_conference_on: date, *, first_review: bool) -> date:
    """The first review within 3 months of the initial conference; later ones at most 6 months apart."""
    months = FIRST_REVIEW_MONTHS if first_review else LATER_REVIEW_MONTHS
    return last_working_day_on_or_before(add_months(previous_conference_on, months))


def is_late(due_on: date, done_on: date) -> bool:
    return done_on > due_on


class ClockState(StrEnum):
    RUNNING = "running"
    DUE_TODAY = "due_today"
    OVERDUE = "overdue"
    MET = "met"
    MET_LATE = "met_late"


@dataclass(frozen=True)
class Clock:
    """One statutory clock: when it started, when the step is due, when (if) it was done."""

    name: str
    started_on: date
    due_on: date
    done_on: date | None = None
    late_reason: str = ""
    # A clock measured in hours (an immediate concern's decision): the moment it is due, in London time.
    due_at: datetime | None = None

    def state(self, today: date, now: datetime | None = None) -> ClockState:
        if self.done_on is not None:
            return ClockState.MET_LATE if is_late(self.due_on, self.done_on) else ClockState.MET
        if self.due_at is not None and now is not None:
            return ClockState.OVERDUE if now > self.due_at else ClockState.DUE_TODAY
        if today > self.due_on:
            return ClockState.OVERDUE
        if today == self.due_on:
            return ClockState.DUE_TODAY
        return ClockState.RUNNING

    def working_days_left(self, today: date) -> int:
        """Working days from ``today`` to the due date; negative once overdue."""
        return working_days_between(today, self.due_on)

    def label(self, today: date, now: datetime | None = None) -> str:
        """What the clock says, in words a worker reads at a glance."""
        state = self.state(today, now)
        if self.due_at is not None and now is not None and state == ClockState.OVERDUE:
            return f"Overdue since {self.due_at:%H:%M}"
        if self.due_at is not None and now is not None and state == ClockState.DUE_TODAY:
            return f"Due by {self.due_at:%H:%M}"
        if state == ClockState.MET:
            return "Done on time"
        if state == ClockState.MET_LATE and self.done_on is not None:
            late_by = working_days_between(self.due_on, self.done_on)
            return f"Done {late_by} working day{'s' if late_by != 1 else ''} late"
        if state == ClockState.DUE_TODAY:
            return "Due today"
        left = self.working_days_left(today)
        if state == ClockState.OVERDUE:
            # A step due on Friday and still open on Saturday is overdue by 0 working days: say "1" so
            # the tag never reads as on time.
            late_by = max(1, -left)
            return f"Overdue by {late_by} working day{'s' if late_by != 1 else ''}"
        return f"{left} working day{'s' if left != 1 else ''} left"

    def tag(self, today: date, now: datetime | None = None) -> str:
        """The GOV.UK tag colour key: overdue (red), due (yellow), ok (green) or neutral (grey)."""
        state = self.state(today, now)
        if state in {ClockState.OVERDUE, ClockState.MET_LATE}:
            return "overdue"
        if state == ClockState.DUE_TODAY or (
            state == ClockState.RUNNING and self.working_days_left(today) <= 2
        ):
            return "due"
        if state == ClockState.MET:
            return "ok"
        return "neutral"


@dataclass(frozen=True)
class ConferenceFact:
    held_on: date
    initial: bool
    plan_continues: bool
    late_reason: str = ""


@dataclass(frozen=True)
class CaseTimeline:
    """The dates a case's clocks are computed from."""

    referral_on: date
    assessment_done_on: date | None = None
    assessment_late_reason: str = ""
    # The strategy discussion that started a section 47 enquiry, if one did.
    section_47_started_on: date | None = None
    conferences: tuple[ConferenceFact, ...] = ()
    closed_on: date | None = None


def case_clocks(timeline: CaseTimeline) -> list[Clock]:
    """Every statutory clock that applies to a case, in the order the steps fall due."""
    clocks = [
        Clock(
            "Assessment",
            timeline.referral_on,
            assessment_due(timeline.referral_on),
            timeline.assessment_done_on,
            timeline.assessment_late_reason,
        )
    ]
    if timeline.section_47_started_on is None:
        return clocks
    initial = next((c for c in sorted(timeline.conferences, key=lambda c: c.held_on) if c.initial), None)
    clocks.append(
        Clock(
            "Initial child protection conference",
            timeline.section_47_started_on,
            initial_conference_due(timeline.section_47_started_on),
            initial.held_on if initial else None,
            initial.late_reason if initial else "",
        )
    )
    if initial is None or not initial.plan_continues:
        return clocks
    reviews = sorted((c for c in timeline.conferences if not c.initial), key=lambda c: c.held_on)
    previous = initial
    for number, review in enumerate(reviews, start=1):
        clocks.append(
            Clock(
                f"Review conference {number}",
                previous.held_on,
                review_conference_due(previous.held_on, first_review=number == 1),
                review.held_on,
                review.late_reason,
            )
        )
        previous = review
        if not review.plan_continues:
            return clocks
    if timeline.closed_on is None:
        number = len(reviews) + 1
        clocks.append(
            Clock(
                f"Review conference {number}",
                previous.held_on,
                review_conference_due(previous.held_on, first_review=number == 1),
            )
        )
    return clocks


def next_due(clocks: list[Clock]) -> Clock | None:
    """The open clock that falls due first: what a team list shows for the case."""
    open_clocks = [c for c in clocks if c.done_on is None]
    return min(open_clocks, key=lambda c: c.due_on) if open_clocks else None


def assessments_overdue_if_referred_before(today: date) -> date:
    """The earliest referral date whose assessment is not yet overdue on ``today``.

    An assessment is overdue when its due date is before ``today``; since the due date only moves forward
    with the referral date, every referral before this date is overdue and none on or after it is. Lets
    a whole district be counted with one query.
    """
    return add_working_days(today, -ASSESSMENT_WORKING_DAYS)
