from __future__ import annotations

from datetime import date

from tessera.synth.referral_truth import first_referral_on


def test_first_referrals_fall_around_the_start_of_exploitation() -> None:
    today = date(2026, 12, 1)
    start = date(2025, 6, 1)
    days = [first_referral_on(2013, n, start, today) for n in range(400)]
    assert min(days) >= date(2024, 12, 1)
    assert max(days) <= date(2026, 3, 1)
    assert sum(d > start for d in days) > sum(d <= start for d in days)  # most after it began
    assert days == [first_referral_on(2013, n, start, today) for n in range(400)]  # repeatable
