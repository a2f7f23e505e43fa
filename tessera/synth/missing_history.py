"""Synthetic missing episodes, generated from each child's true status (issue 14).

Exploited children go missing more, more so while being exploited than while groomed, and are found with
the adults exploiting them, at their network's places and in their vehicles; children at risk go missing
now and then; others rarely, except some children in care who go missing whatever their status. Children
who are not exploited are sometimes found at a hotel or takeaway too (a party, a job), so the hotspot rule
has false alarms to count. Return interviews are held within 72 hours at a rate that differs by district.

Pure and seeded: ``generate_episodes`` takes plain facts about children and networks and gives back plain
episode drafts; ``tessera.synth.missing_seed`` stores them, and ``bench/missing_patterns.py`` measures the
pattern rules against the truth here.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class ChildTruth:
    child_id: int
    district: str
    # "exploited", "at_risk" or "not_known", as the ground truth says.
    status: str
    exploited_from: date | None = None
    exploited_until: date | None = None
    network: int | None = None
    in_care: bool = False
    home_id: int | None = None


@dataclass(frozen=True)
class NetworkThings:
    """What a network has that a child can be found with: its adults, places and vehicles (ids)."""

    adults: tuple[int, ...] = ()
    places: tuple[int, ...] = ()
    vehicles: tuple[int, ...] = ()


@dataclass(frozen=True)
class MissingParameters:
    # Episodes a month, by the child's state.
    monthly_rate: dict[str, float] = field(
        default_factory=lambda: {
            "exploited": 0.9,
            "grooming": 0.45,
            "at_risk": 0.06,
            "in_care": 0.12,
            "not_known": 0.004,
        }
    )
    grooming_days: tuple[int, int] = (90, 180)
    # When an exploited child is found: with one of the network's adults, at one of its places, in one
    # of its vehicles (each drawn on its own).
    found_with_adult: float = 0.35
    found_at_network_place: float = 0.4
    found_in_vehicle: float = 0.15
    # Children not exploited found at a hotspot anyway.
    found_at_other_hotspot: float = 0.03
    # Return interviews held within 72 hours, by district; the rest are held late or not at all.
    within_72_hours: dict[str, float] = field(
        default_factory=lambda: {"Barnsley": 0.68, "Doncaster": 0.52, "Rotherham": 0.71, "Sheffield": 0.6}
    )
    held_late: float = 0.5


@dataclass(frozen=True)
class EpisodeDraft:
    key: int
    child_id: int
    district: str
    reported_at: datetime
    last_seen_at: datetime
    grade: str
    found_at: datetime | None
    found_place_id: int | None = None
    found_with_id: int | None = None
    found_vehicle_id: int | None = None
    at_hotspot: bool = False
    interview_held_at: datetime | None = None
    home_id: int | None = None


def _state(child: ChildTruth, day: date, grooming_from: date | None) -> str:
    # An exploitation with no end recorded is still going on.
    if (
        child.exploited_from
        and child.exploited_from <= day
        and (child.exploited_until is None or day <= child.exploited_until)
    ):
        return "exploited"
    if grooming_from and child.exploited_from and grooming_from <= day < child.exploited_from:
        return "grooming"
    if child.status == "at_risk":
        return "at_risk"
    return "in_care" if child.in_care else "not_known"


def _moment(rng: random.Random, day: date) -> datetime:
    """Evenings and nights mostly: when children go missing."""
    hour = rng.choice([16, 17, 18, 19, 20, 21, 22, 23, 0, 1, 2, 13])
    return datetime.combine(day, time(hour, rng.randrange(60)), tzinfo=LONDON)


def _grade(rng: random.Random, state: str) -> str:
    if state in {"exploited", "grooming"}:
        return rng.choices(["low", "medium", "high"], weights=[1, 5, 3])[0]
    return rng.choices(["no_apparent_risk", "low", "medium", "high"], weights=[3, 5, 3, 1])[0]


def generate_episodes(
    rng: random.Random,
    children: list[ChildTruth],
    networks: dict[int, NetworkThings],
    hotspots: dict[str, tuple[int, ...]],
    *,
    start: date,
    end: date,
    params: MissingParameters | None = None,
) -> list[EpisodeDraft]:
    """Episodes between ``start`` and ``end`` for each child, in time order. ``hotspots`` are each
    district's hotel, taxi and takeaway place ids (for children found at one by chance)."""
    params = params or MissingParameters()
    drafts: list[EpisodeDraft] = []
    for child in children:
        grooming_from = (
            child.exploited_from - timedelta(days=rng.randrange(*params.grooming_days))
            if child.exploited_from
            else None
        )
        things = networks.get(child.network or -1, NetworkThings())
        day = start
        while day <= end:
            state = _state(child, day, grooming_from)
            # One draw a day at the monthly rate spread over the days of a month.
            if rng.random() < params.monthly_rate[state] / 30:
                drafts.append(_episode(rng, len(drafts), child, state, things, hotspots, day, end, params))
                day += timedelta(days=2)  # back before going again
            day += timedelta(days=1)
    return sorted(drafts, key=lambda d: (d.reported_at, d.key))


def _episode(
    rng: random.Random,
    key: int,
    child: ChildTruth,
    state: str,
    things: NetworkThings,
    hotspots: dict[str, tuple[int, ...]],
    day: date,
    end: date,
    params: MissingParameters,
) -> EpisodeDraft:
    last_seen = _moment(rng, day)
    reported = last_seen + timedelta(minutes=rng.randrange(30, 240))
    found: datetime | None = reported + timedelta(hours=rng.uniform(2, 40 if state == "exploited" else 20))
    if found is not None and found.date() > end:
        found = None
    place = adult = vehicle = None
    at_hotspot = False
    if found is not None and state in {"exploited", "grooming"}:
        if things.adults and rng.random() < params.found_with_adult:
            adult = rng.choice(things.adults)
        if things.places and rng.random() < params.found_at_network_place:
            place, at_hotspot = rng.choice(things.places), True
        if things.vehicles and rng.random() < params.found_in_vehicle:
            vehicle = rng.choice(things.vehicles)
    elif found is not None and hotspots.get(child.district) and rng.random() < params.found_at_other_hotspot:
        place, at_hotspot = rng.choice(hotspots[child.district]), True
    held: datetime | None = None
    if found is not None:
        if rng.random() < params.within_72_hours.get(child.district, 0.63):
            held = found + timedelta(hours=rng.uniform(4, 71))
        elif rng.random() < params.held_late:
            held = found + timedelta(hours=rng.uniform(73, 240))
        if held is not None and held.date() > end:
            held = None
    return EpisodeDraft(
        key=key,
        child_id=child.child_id,
        district=child.district,
        reported_at=reported,
        last_seen_at=last_seen,
        grade=_grade(rng, state),
        found_at=found,
        found_place_id=place,
        found_with_id=adult,
        found_vehicle_id=vehicle,
        at_hotspot=at_hotspot,
        interview_held_at=held,
        home_id=child.home_id if child.in_care else None,
    )
