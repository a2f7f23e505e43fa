"""The return interview clock: an independent interview within 72 hours of the child's return.

The 72 hours are real hours (statutory guidance on children who run away or go missing from home or
care): weekends and bank holidays do not stop them, so a child back on a Friday evening is due their
interview by Monday evening. Interviewers mostly work office days, so the clock also says the last
working day on which the interview can be held in time ("arrange by"). Counted in UTC, so the hour the
clocks change is neither lost nor gained. Pure: no database, no Django.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from tessera.core.working_days import is_working_day

RETURN_INTERVIEW_HOURS = 72
LONDON = ZoneInfo("Europe/London")


def return_interview_due(returned_at: datetime) -> datetime:
    """The moment the return interview falls due: 72 real hours after the return."""
    if returned_at.tzinfo is None:
        raise ValueError("The time of return must carry its time zone")
    return (returned_at.astimezone(UTC) + timedelta(hours=RETURN_INTERVIEW_HOURS)).astimezone(LONDON)


def arrange_by(due_at: datetime) -> date:
    """The last working day, on or before the due day, on which the interview can be held in time."""
    day = due_at.astimezone(LONDON).date()
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def held_in_time(returned_at: datetime, held_at: datetime) -> bool:
    return held_at <= return_interview_due(returned_at)


class InterviewState(StrEnum):
    DUE = "due"
    OVERDUE = "overdue"
    HELD = "held"
    HELD_LATE = "held_late"


def _hours(delta: timedelta) -> str:
    hours = max(1, int(delta.total_seconds() // 3600))
    return f"{hours} hour{'s' if hours != 1 else ''}"


@dataclass(frozen=True)
class ReturnInterviewClock:
    returned_at: datetime
    held_at: datetime | None = None

    @property
    def due_at(self) -> datetime:
        return return_interview_due(self.returned_at)

    @property
    def arrange_by(self) -> date:
        return arrange_by(self.due_at)

    def state(self, now: datetime) -> InterviewState:
        if self.held_at is not None:
            return InterviewState.HELD if self.held_at <= self.due_at else InterviewState.HELD_LATE
        return InterviewState.OVERDUE if now > self.due_at else InterviewState.DUE

    def label(self, now: datetime) -> str:
        """What the clock says, in the words on the episode page and the overdue list."""
        state = self.state(now)
        due = self.due_at
        if state == InterviewState.HELD:
            return "Held within 72 hours"
        if state == InterviewState.HELD_LATE and self.held_at is not None:
            return f"Held {_hours(self.held_at - due)} late"
        if state == InterviewState.OVERDUE:
            return f"Overdue by {_hours(now - due)}"
        return f"Due by {due:%A} {due.day} {due:%B}, {due:%H:%M} ({_hours(due - now)} left)"

    def tag(self, now: datetime) -> str:
        state = self.state(now)
        if state in {InterviewState.OVERDUE, InterviewState.HELD_LATE}:
            return "overdue"
        if state == InterviewState.HELD:
            return "ok"
        return "due" if self.due_at - now <= timedelta(hours=24) else "neutral"
