"""The decision clock a triage grade sets, across weekends, bank holidays and the clocks changing."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tessera.cases.timescales import (
    IMMEDIATE,
    NEXT_WORKING_DAY,
    SAME_DAY,
    Clock,
    ClockState,
    graded_decision_due,
    strategy_discussion_due,
)

LONDON = ZoneInfo("Europe/London")


def at(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


def test_immediate_is_within_the_hour_on_a_saturday_night_and_rolls_past_midnight():
    saturday = at(2026, 12, 5, 23, 30)
    deadline = graded_decision_due(IMMEDIATE, received_on=saturday.date(), graded_at=saturday)
    assert deadline.due_at == at(2026, 12, 6, 0, 30)
    assert deadline.due_on == date(2026, 12, 6)


def test_immediate_on_christmas_day_is_still_within_the_hour():
    christmas = at(2026, 12, 25, 14, 0)
    deadline = graded_decision_due(IMMEDIATE, received_on=christmas.date(), graded_at=christmas)
    assert deadline.due_at == at(2026, 12, 25, 15, 0)


def test_immediate_gives_sixty_real_minutes_the_night_the_clocks_go_back():
    # 25 October 2026: 01:30 BST comes round again as 01:30 GMT.
    graded = datetime(2026, 10, 25, 1, 30, tzinfo=LONDON, fold=0)
    deadline = graded_decision_due(IMMEDIATE, received_on=graded.date(), graded_at=graded)
    assert deadline.due_at is not None
    assert deadline.due_at.timestamp() - graded.timestamp() == 3600
    assert (deadline.due_at.hour, deadline.due_at.minute, deadline.due_at.fold) == (1, 30, 1), "01:30 GMT"


def test_same_day_on_a_sunday_and_a_bank_holiday_is_that_day():
    for day in (date(2026, 12, 6), date(2026, 12, 25), date(2027, 3, 29)):  # Sunday, Christmas, Easter Monday
        graded = datetime(day.year, day.month, day.day, 9, 0, tzinfo=LONDON)
        deadline = graded_decision_due(SAME_DAY, received_on=day, graded_at=graded)
        assert (deadline.due_on, deadline.due_at) == (day, None)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 12, 4), date(2026, 12, 7)),  # Friday -> Monday
        (date(2026, 12, 5), date(2026, 12, 7)),  # Saturday -> Monday
        (
            date(2026, 12, 24),
            date(2026, 12, 29),
        ),  # Christmas Eve -> after Christmas and Boxing Day (Mon 28th)
        (date(2027, 3, 25), date(2027, 3, 30)),  # Thursday before Good Friday -> Tuesday after Easter Monday
    ],
)
def test_next_working_day_skips_weekends_and_bank_holidays(received: date, due: date):
    graded = datetime(received.year, received.month, received.day, 10, 0, tzinfo=LONDON)
    assert graded_decision_due(NEXT_WORKING_DAY, received_on=received, graded_at=graded).due_on == due


def test_a_grade_needs_an_aware_time_and_a_known_urgency():
    with pytest.raises(ValueError, match="time zone"):
        graded_decision_due(IMMEDIATE, received_on=date(2026, 12, 1), graded_at=datetime(2026, 12, 1, 9))  # noqa: DTZ001
    with pytest.raises(ValueError, match="Unknown urgency"):
        graded_decision_due("whenever", received_on=date(2026, 12, 1), graded_at=at(2026, 12, 1, 9))


def test_an_hour_clock_reads_due_by_then_overdue_since():
    due_at = at(2026, 12, 5, 23, 45)
    clock = Clock("Referral decision", due_at.date(), due_at.date(), due_at=due_at)
    assert clock.label(due_at.date(), at(2026, 12, 5, 23, 0)) == "Due by 23:45"
    assert clock.state(due_at.date(), at(2026, 12, 5, 23, 46)) == ClockState.OVERDUE
    assert clock.label(due_at.date(), at(2026, 12, 5, 23, 46)) == "Overdue since 23:45"
    assert clock.tag(due_at.date(), at(2026, 12, 5, 23, 46)) == "overdue"


# Hypothesis takes naive bounds and applies the zone itself.
EARLIEST = datetime(2016, 1, 1)  # noqa: DTZ001
LATEST = datetime(2034, 12, 31)  # noqa: DTZ001


@given(st.datetimes(min_value=EARLIEST, max_value=LATEST, timezones=st.just(LONDON)))
def test_an_immediate_concern_is_never_due_later_than_a_same_day_one(graded: datetime):
    immediate = graded_decision_due(IMMEDIATE, received_on=graded.date(), graded_at=graded)
    same_day = graded_decision_due(SAME_DAY, received_on=graded.date(), graded_at=graded)
    later = graded_decision_due(NEXT_WORKING_DAY, received_on=graded.date(), graded_at=graded)
    assert immediate.due_at is not None
    assert immediate.due_at.timestamp() - graded.timestamp() == 3600
    assert same_day.due_on <= later.due_on


def test_a_strategy_discussion_called_for_an_immediate_concern_is_due_that_day():
    friday = date(2026, 12, 4)
    assert strategy_discussion_due(friday, IMMEDIATE) == friday
    assert strategy_discussion_due(friday, SAME_DAY) == friday
    assert strategy_discussion_due(friday, NEXT_WORKING_DAY) == date(2026, 12, 7)
    # The Thursday before Easter: Good Friday and Easter Monday do not count.
    assert strategy_discussion_due(date(2027, 3, 25), NEXT_WORKING_DAY) == date(2027, 3, 30)
