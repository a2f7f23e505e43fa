"""Working days for statutory clocks: weekends and England and Wales bank holidays excluded."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from tessera.core.working_days import (
    add_working_days,
    bank_holiday_name,
    is_working_day,
    working_days_between,
)

dates = st.dates(min_value=date(2015, 1, 1), max_value=date(2035, 12, 31))


def test_friday_referral_is_due_on_monday():
    assert add_working_days(date(2026, 11, 20), 1) == date(2026, 11, 23)


def test_saturday_referral_is_due_on_monday():
    assert add_working_days(date(2026, 11, 21), 1) == date(2026, 11, 23)


def test_christmas_and_boxing_day_are_skipped():
    # Thursday 24 December 2026; 25th is Friday (Christmas), 28th is the Boxing Day substitute.
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 29)


def test_easter_monday_and_good_friday_are_not_working_days():
    assert not is_working_day(date(2026, 4, 3))  # Good Friday
    assert not is_working_day(date(2026, 4, 6))  # Easter Monday
    assert bank_holiday_name(date(2026, 4, 6)) == "Easter Monday"


def test_scottish_only_holidays_do_not_count():
    # 2 January is a bank holiday in Scotland only.
    assert is_working_day(date(2026, 1, 2))


def test_special_one_off_bank_holiday_is_known():
    # The coronation bank holiday, Monday 8 May 2023, came from the maintained source.
    assert not is_working_day(date(2023, 5, 8))


def test_forty_five_working_days_across_christmas():
    start = date(2026, 11, 24)
    due = add_working_days(start, 45)
    assert due == date(2027, 1, 29)
    assert working_days_between(start, due) == 45


@given(dates, st.integers(min_value=0, max_value=400))
def test_between_is_the_inverse_of_add(start, days):
    assert working_days_between(start, add_working_days(start, days)) == days


@given(dates, st.integers(min_value=1, max_value=400))
def test_added_days_always_land_on_a_working_day(start, days):
    assert is_working_day(add_working_days(start, days))


@given(dates, dates)
def test_between_is_antisymmetric_and_matches_a_day_by_day_count(a, b):
    assert working_days_between(a, b) == -working_days_between(b, a)
    if a <= b and (b - a).days < 200:
        naive = sum(1 for n in range(1, (b - a).days + 1) if is_working_day(a + timedelta(days=n)))
        assert working_days_between(a, b) == naive


@given(dates, st.integers(min_value=1, max_value=100))
def test_subtracting_goes_back(start, days):
    earlier = add_working_days(start, -days)
    assert earlier < start
    assert is_working_day(earlier)
