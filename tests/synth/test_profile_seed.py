"""Partner reports from the world's networks, times of day, and the seeded problem profiles."""

from __future__ import annotations

import random
from datetime import date

import pytest

from tessera.core.models import AgencyKind
from tessera.intelligence.models import Crime, IntelligenceReport, ProblemProfile
from tessera.synth.profile_history import (
    HOUR_WEIGHTS,
    NetworkSeen,
    Premises,
    generate_partner_reports,
    time_of_day,
)

START, END = date(2025, 1, 1), date(2025, 12, 31)
HOTEL = Premises(101, "hotel", 1)
TAXI = Premises(102, "taxi_firm", 1)
ELSEWHERE = Premises(900, "takeaway", 2)
NETWORK = NetworkSeen(7, (HOTEL, TAXI), ((501, "YK62ABC"),), ((601, "Kaz Mahmood"),))


def test_partner_reports_come_from_the_networks_premises_in_the_period_plus_some_about_nothing():
    drafts = generate_partner_reports(
        random.Random(1), [NETWORK] * 20, {2: [ELSEWHERE]}, start=START, end=END
    )
    true = [d for d in drafts if d.network == 7]
    noise = [d for d in drafts if d.network is None]
    assert true
    assert noise
    assert {d.premises for d in true} <= {HOTEL, TAXI}
    assert {d.premises for d in noise} == {ELSEWHERE}
    assert all(START <= d.occurred_on <= END for d in drafts)
    assert 0.1 < len(noise) / len(drafts) < 0.3
    # Only a network's own car and adult are ever named; reports about nothing name no one.
    assert {d.vehicle for d in true} <= {501, None}
    assert {d.adult for d in true} <= {601, None}
    assert all(d.vehicle is None and d.adult is None for d in noise)


def test_the_same_seed_gives_the_same_reports():
    one = generate_partner_reports(random.Random(5), [NETWORK], {}, start=START, end=END)
    two = generate_partner_reports(random.Random(5), [NETWORK], {}, start=START, end=END)
    assert one == two


def test_times_of_day_are_evening_heavy():
    rng = random.Random(3)
    hours = [time_of_day(rng, date(2025, 3, 4)).hour for _ in range(4000)]  # a Tuesday
    evening = sum(1 for h in hours if h >= 18 or h <= 2)
    morning = sum(1 for h in hours if 5 <= h <= 10)
    assert evening > 4 * morning
    expected_evening = sum(w for h, w in enumerate(HOUR_WEIGHTS) if h >= 18 or h <= 2) / sum(HOUR_WEIGHTS)
    assert abs(evening / len(hours) - expected_evening) < 0.03


@pytest.mark.django_db
def test_seed_demo_adds_partner_reports_times_and_one_profile_per_district(cast):
    from tessera.synth.missing_seed import seed_missing_history
    from tessera.synth.profile_seed import seed_profiles
    from tessera.synth.world import generate_world

    generate_world(people=3000, seed=7)
    seed_missing_history(seed=7, background=20)
    summary = seed_profiles(seed=7)
    assert summary.partner_reports > 0
    partner = IntelligenceReport.objects.filter(source_type="synth.partnerreport")
    assert partner.count() == summary.partner_reports
    assert set(partner.values_list("agency__kind", flat=True)) == {AgencyKind.PARTNER_BUSINESS}
    assert not partner.filter(occurred_time__isnull=True).exists()
    assert not IntelligenceReport.objects.filter(
        occurred_on__isnull=False, occurred_time__isnull=True
    ).exists()
    assert not Crime.objects.filter(committed_time__isnull=True).exists()
    profiles = ProblemProfile.objects.select_related("district")
    assert profiles.count() == 4
    assert sum(p.figures["sources"]["partner"] for p in profiles) == summary.partner_reports
    assert any(p.figures["hotspots"] for p in profiles)
    # A second run changes nothing.
    again = seed_profiles(seed=7)
    assert again.partner_reports == 0
    assert again.profiles == 0
