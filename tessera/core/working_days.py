"""Working days for England and Wales: weekends and bank holidays excluded.

Statutory clocks (referral decision in 1 working day, assessment in 45, initial conference in 15) count
working days. Bank holidays come from the maintained ``holidays`` package (UK, England subdivision, which
England and Wales share), never from a hand-typed list. Every function here is pure.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import lru_cache

import holidays


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def bank_holiday_name(day: date) -> str | None:
    names = holidays.country_holidays("GB", subdiv="ENG", years=day.year)
    return names.get(day)


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def add_working_days(start: date, days: int) -> date:
    """The date ``days`` working days after ``start`` (before it, for negative ``days``).

    ``start`` itself is day zero and need not be a working day: a referral on a Saturday with a
    one-working-day clock is due on Monday (or Tuesday after a bank holiday Monday).
    """
    step = 1 if days >= 0 else -1
    remaining = abs(days)
    current = start
    while remaining:
        current += timedelta(days=step)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end``; negative when ``end`` is earlier.

    This is the inverse of :func:`add_working_days` on working days:
    ``working_days_between(d, add_working_days(d, n)) == n``.
    """
    if end == start:
        return 0
    if end < start:
        return -working_days_between(end, start)
    # Whole weeks contribute five weekdays each; only bank holidays in the span need looking up.
    span = (end - start).days
    weeks, extra = divmod(span, 7)
    count = weeks * 5
    for offset in range(1, extra + 1):
        if (start + timedelta(days=offset)).weekday() < 5:
            count += 1
    for year in range(start.year, end.year + 1):
        count -= sum(1 for day in _bank_holidays(year) if start < day <= end and day.weekday() < 5)
    return count
