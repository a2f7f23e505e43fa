"""The return interview clock: 72 real hours, across weekends, bank holidays and clock changes."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tessera.missing.clocks import (
    InterviewState,
    ReturnInterviewClock,
    arrange_by,
    held_in_time,
    return_interview_due,
)

LONDON = ZoneInfo("Europe/London")


def london(year: int, month: int, day: int, hour: int, minute: int) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def test_back_on_a_friday_evening_is_due_on_monday_evening_weekends_do_not_stop_the_clock():
    # Friday 6 March 2026, 18:30
    due = return_interview_due(london(2026, 3, 6, 18, 30))
    assert due == london(2026, 3, 9, 18, 30)
    assert due.strftime("%A") == "Monday"


def test_bank_holidays_do_not_stop_the_clock_but_the_interview_must_be_arranged_before_them():
    # Thursday 2 April 2026, 10:00: Good Friday 3 April and Easter Monday 6 April are bank holidays.
    returned = london(2026, 4, 2, 10, 0)
    due = return_interview_due(returned)
    assert due == london(2026, 4, 5, 10, 0)  # Easter Sunday
    assert arrange_by(due) == date(2026, 4, 2)  # the last working day before it: the day they came back


def test_arrange_by_is_the_due_day_itself_on_a_working_day():
    due = return_interview_due(london(2026, 3, 2, 9, 0))  # Monday -> Thursday
    assert arrange_by(due) == date(2026, 3, 5)


def test_christmas_and_boxing_day_move_the_arranging_back_not_the_deadline():
    returned = london(2026, 12, 24, 20, 0)  # Thursday
    due = return_interview_due(returned)
    assert due == london(2026, 12, 27, 20, 0)  # Sunday
    # Christmas Day (Friday) and Boxing Day moved to Monday 28th: the last working day is the 24th.
    assert arrange_by(due) == date(2026, 12, 24)


def test_seventy_two_real_hours_across_the_clocks_going_forward():
    # The clocks go forward at 01:00 UTC on Sunday 29 March 2026: 72 real hours read as 73 on the wall.
    returned = london(2026, 3, 27, 12, 0)
    due = return_interview_due(returned)
    assert due.astimezone(UTC) - returned.astimezone(UTC) == timedelta(hours=72)
    assert (due.hour, due.day) == (13, 30)


def test_a_time_without_a_zone_is_refused():
    with pytest.raises(ValueError, match="time zone"):
        return_interview_due(datetime(2026, 3, 6, 18, 30))  # noqa: DTZ001 - the point of the test


def test_held_in_time_is_at_or_before_the_due_moment():
    returned = datetime(2026, 3, 6, 18, 30, tzinfo=UTC)
    assert held_in_time(returned, returned + timedelta(hours=72))
    assert not held_in_time(returned, returned + timedelta(hours=72, minutes=1))


def test_clock_states_and_words():
    returned = london(2026, 3, 6, 18, 30)
    clock = ReturnInterviewClock(returned)
    assert clock.state(returned + timedelta(hours=1)) == InterviewState.DUE
    assert clock.label(returned + timedelta(hours=1)) == "Due by Monday 9 March, 18:30 (71 hours left)"
    assert clock.tag(returned + timedelta(hours=1)) == "neutral"
    assert clock.tag(returned + timedelta(hours=60)) == "due"
    late = returned + timedelta(hours=77)
    assert clock.state(late) == InterviewState.OVERDUE
    assert clock.label(late) == "Overdue by 5 hours"
    assert clock.tag(late) == "overdue"
    held = ReturnInterviewClock(returned, returned + timedelta(hours=50))
    assert held.label(late) == "Held within 72 hours"
    assert held.tag(late) == "ok"
    held_late = ReturnInterviewClock(returned, returned + timedelta(hours=75))
    assert held_late.state(late) == InterviewState.HELD_LATE
    assert held_late.label(late) == "Held 3 hours late"
