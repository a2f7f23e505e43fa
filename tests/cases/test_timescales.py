"""Statutory clocks across weekends and England and Wales bank holidays (no database)."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tessera.cases.timescales import (
    CaseTimeline,
    Clock,
    ClockState,
    ConferenceFact,
    add_months,
    assessment_due,
    case_clocks,
    initial_conference_due,
    next_due,
    referral_decision_due,
    review_conference_due,
)
from tessera.core.working_days import is_working_day, working_days_between


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (date(2026, 11, 18), date(2026, 11, 19)),  # Wednesday: Thursday
        (date(2026, 11, 20), date(2026, 11, 23)),  # Friday: Monday
        (date(2026, 11, 21), date(2026, 11, 23)),  # Saturday: Monday
        (date(2026, 5, 22), date(2026, 5, 26)),  # Friday before the spring bank holiday: Tuesday
        (date(2026, 8, 28), date(2026, 9, 1)),  # Friday before the summer bank holiday: Tuesday
        (
            date(2026, 12, 24),
            date(2026, 12, 29),
        ),  # Christmas Eve: after Christmas and Boxing Day (Monday 28th)
        (date(2026, 12, 31), date(2027, 1, 4)),  # New Year's Eve: after New Year's Day and the weekend
        (date(2026, 4, 2), date(2026, 4, 7)),  # Thursday before Easter: after Good Friday and Easter Monday
    ],
)
def test_referral_decision_is_due_the_next_working_day(received, due):
    assert referral_decision_due(received) == due


def test_assessment_is_due_45_working_days_after_referral_across_easter_and_may():
    # Good Friday, Easter Monday, the early May and spring bank holidays all fall inside.
    assert assessment_due(date(2026, 3, 27)) == date(2026, 6, 4)
    assert working_days_between(date(2026, 3, 27), date(2026, 6, 4)) == 45


def test_assessment_across_christmas():
    assert assessment_due(date(2026, 12, 18)) == date(2027, 2, 24)


def test_initial_conference_is_due_15_working_days_after_the_strategy_discussion():
    assert initial_conference_due(date(2026, 5, 15)) == date(2026, 6, 8)  # spring bank holiday inside
    # Friday 18 December: Christmas, Boxing Day (substitute Monday 28th) and New Year's Day are skipped.
    assert initial_conference_due(date(2026, 12, 18)) == date(2027, 1, 13)


def test_first_review_is_within_three_months_and_never_on_a_weekend():
    # 30 November + 3 months is 28 February 2027, a Sunday: due the Friday before.
    assert review_conference_due(date(2026, 11, 30), first_review=True) == date(2027, 2, 26)


def test_review_falling_on_christmas_day_is_due_on_christmas_eve():
    assert review_conference_due(date(2026, 9, 25), first_review=True) == date(2026, 12, 24)
    assert review_conference_due(date(2026, 6, 25), first_review=False) == date(2026, 12, 24)


def test_add_months_clamps_to_the_end_of_a_short_month():
    assert add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert add_months(date(2027, 8, 31), 6) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 15), 3) == date(2027, 2, 15)


@given(st.dates(min_value=date(2016, 1, 1), max_value=date(2034, 12, 31)), st.booleans())
def test_review_due_dates_are_working_days_within_the_limit(held, first):
    due = review_conference_due(held, first_review=first)
    assert is_working_day(due)
    assert due <= add_months(held, 3 if first else 6)
    assert (add_months(held, 3 if first else 6) - due).days < 7


def test_clock_words_and_colours():
    clock = Clock("Assessment", date(2026, 11, 20), date(2026, 11, 25))
    assert clock.label(date(2026, 11, 20)) == "3 working days left"
    assert clock.tag(date(2026, 11, 20)) == "neutral"
    assert clock.tag(date(2026, 11, 23)) == "due"
    assert clock.label(date(2026, 11, 25)) == "Due today"
    assert clock.state(date(2026, 11, 26)) == ClockState.OVERDUE
    assert clock.label(date(2026, 11, 27)) == "Overdue by 2 working days"
    assert clock.tag(date(2026, 11, 27)) == "overdue"


def test_a_step_due_friday_still_open_on_saturday_reads_overdue():
    clock = Clock("Referral decision", date(2026, 11, 19), date(2026, 11, 20))
    assert clock.label(date(2026, 11, 21)) == "Overdue by 1 working day"


def test_a_step_done_late_stays_red_and_says_how_late():
    clock = Clock("Assessment", date(2026, 11, 20), date(2026, 11, 25), date(2026, 11, 30), "Child abroad")
    assert clock.state(date(2026, 12, 1)) == ClockState.MET_LATE
    assert clock.label(date(2026, 12, 1)) == "Done 3 working days late"
    assert clock.tag(date(2026, 12, 1)) == "overdue"


def test_case_clocks_follow_the_child_protection_track():
    timeline = CaseTimeline(
        referral_on=date(2026, 11, 20),
        section_47_started_on=date(2026, 11, 24),
        conferences=(ConferenceFact(date(2026, 12, 10), initial=True, plan_continues=True),),
    )
    clocks = case_clocks(timeline)
    assert [c.name for c in clocks] == [
        "Assessment",
        "Initial child protection conference",
        "Review conference 1",
    ]
    assert clocks[1].due_on == date(2026, 12, 15)
    assert clocks[1].state(date(2027, 1, 1)) == ClockState.MET
    assert clocks[2].due_on == date(2027, 3, 10)
    assert next_due(clocks) == clocks[0]


def test_reviews_chain_every_six_months_until_the_plan_ends():
    timeline = CaseTimeline(
        referral_on=date(2026, 1, 5),
        section_47_started_on=date(2026, 1, 6),
        conferences=(
            ConferenceFact(date(2026, 1, 20), initial=True, plan_continues=True),
            ConferenceFact(date(2026, 4, 20), initial=False, plan_continues=True),
            ConferenceFact(date(2026, 10, 26), initial=False, plan_continues=False, late_reason="Chair ill"),
        ),
    )
    clocks = case_clocks(timeline)
    assert [c.name for c in clocks][-2:] == ["Review conference 1", "Review conference 2"]
    assert clocks[-1].due_on == date(2026, 10, 20)
    assert clocks[-1].state(date(2026, 11, 1)) == ClockState.MET_LATE
    assert clocks[-1].late_reason == "Chair ill"


def test_no_conference_clock_without_a_section_47_enquiry():
    assert [c.name for c in case_clocks(CaseTimeline(referral_on=date(2026, 11, 20)))] == ["Assessment"]


@given(st.dates(min_value=date(2016, 1, 1), max_value=date(2034, 12, 31)))
def test_assessment_overdue_threshold_matches_the_clock(today):
    from datetime import timedelta

    from tessera.cases.timescales import assessments_overdue_if_referred_before

    threshold = assessments_overdue_if_referred_before(today)
    for offset in range(-4, 5):
        referred = threshold + timedelta(days=offset)
        assert (assessment_due(referred) < today) == (referred < threshold)
