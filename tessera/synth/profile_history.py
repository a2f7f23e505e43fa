"""What partner businesses report about the world's exploitation networks, and when things happen: a
pure generator (no database), deterministic for a seed.

Hotels, taxi firms and takeaways on a partner scheme see the networks at work: a room booked by two men
with a girl, a driver asked to wait outside a flat, children served late at night with adults. Each
network's premises of those kinds get a few reports over the period, at the hours such things happen
(late evening and night, more at weekends), naming one of the network's cars or adults now and then.
Some reports are about nothing (a family party, a lost child found): the premises are busy anyway.

``time_of_day`` draws the hour of an event for the other synthetic records (reports, crimes) from the
same evening-heavy shape, so the hour-by-weekday matrix has something true to show.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time, timedelta

PARTNER_PREMISES = ("hotel", "taxi_firm", "takeaway")
# Relative frequency of each hour of the day (0-23): quiet mornings, busy evenings and nights.
HOUR_WEIGHTS = (6, 5, 4, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 3, 4, 4, 5, 6, 7, 8, 8, 7)
WEEKEND_WEIGHT = 1.8  # Friday and Saturday nights
REPORTS_PER_PREMISES = (1, 4)  # randrange bounds, per network premises
NOISE_SHARE = 0.2

TEXTS = {
    "hotel": (
        "Two men booked a room for one night, paid cash, and a girl who looked about 14 went up with them.",
        "A man asked for a room at the back and for no calls to be put through; girls in school uniform "
        "arrived later.",
        "Night staff saw a young girl leave a room in tears at {hour}; the room was booked by {name}.",
    ),
    "taxi_firm": (
        "A driver was asked to take two girls from a children's home to a flat and wait outside.",
        "Regular account booking picking up young girls late at night; paid by {name}.",
        "A driver reports girls being given drink in the back of {plate} before being dropped off.",
    ),
    "takeaway": (
        "Girls about 13 or 14 are here most nights after 11 with men in their 20s who pay for everything.",
        "Staff say {name} gives girls free food and lifts home in {plate}.",
        "A girl asked staff to call her a taxi because the men she came with would not let her leave.",
    ),
}
NOISE_TEXTS = {
    "hotel": "A family party in the function room; a child wandered off and was found in the car park.",
    "taxi_firm": "A child was left in a cab after a school run; returned to the parent the same evening.",
    "takeaway": "A group of teenagers caused trouble at closing time; no adults with them.",
}


@dataclass(frozen=True)
class Premises:
    entity_id: int
    kind: str  # one of PARTNER_PREMISES
    district_id: int


@dataclass(frozen=True)
class NetworkSeen:
    """What partners can see of a network: its premises, its cars (entity id, registration) and adults
    (entity id, name)."""

    number: int
    premises: tuple[Premises, ...]
    vehicles: tuple[tuple[int, str], ...]
    adults: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class PartnerReportDraft:
    premises: Premises
    occurred_on: date
    occurred_time: time
    text: str
    vehicle: int | None
    adult: int | None
    network: int | None  # the network truly behind it; None for a report about nothing


def time_of_day(rng: random.Random, on: date) -> time:
    """An hour (and minute) drawn from the evening-heavy shape; the small hours belong to the night
    before, so Friday and Saturday nights weigh more from 18:00 to 03:00."""
    weekend = on.weekday() in (4, 5)
    weights = [
        w * (WEEKEND_WEIGHT if weekend and (hour >= 18 or hour <= 3) else 1.0)
        for hour, w in enumerate(HOUR_WEIGHTS)
    ]
    hour = rng.choices(range(24), weights=weights)[0]
    return time(hour, rng.randrange(60))


def _day(rng: random.Random, start: date, end: date) -> date:
    """A day in the period, Fridays and Saturdays twice as likely."""
    while True:
        day = start + timedelta(days=rng.randrange(max(1, (end - start).days + 1)))
        if day.weekday() in (4, 5) or rng.random() < 0.5:
            return day


def generate_partner_reports(
    rng: random.Random,
    networks: Sequence[NetworkSeen],
    background: Mapping[int, Sequence[Premises]],
    *,
    start: date,
    end: date,
) -> list[PartnerReportDraft]:
    """Reports by each network's partner premises over ``start``-``end``, and reports about nothing from
    other premises (``background``, by district id)."""
    drafts: list[PartnerReportDraft] = []
    for network in networks:
        for premises in network.premises:
            for _ in range(rng.randrange(*REPORTS_PER_PREMISES)):
                on = _day(rng, start, end)
                at = time_of_day(rng, on)
                vehicle = rng.choice(network.vehicles) if network.vehicles and rng.random() < 0.5 else None
                adult = rng.choice(network.adults) if network.adults and rng.random() < 0.6 else None
                text = rng.choice(TEXTS[premises.kind]).format(
                    hour=f"{at.hour:02d}:{at.minute:02d}",
                    name=adult[1] if adult else "a man who gave no name",
                    plate=vehicle[1] if vehicle else "a dark saloon",
                )
                drafts.append(
                    PartnerReportDraft(
                        premises,
                        on,
                        at,
                        text,
                        vehicle[0] if vehicle and (vehicle[1] in text or rng.random() < 0.5) else None,
                        adult[0] if adult and (adult[1] in text or rng.random() < 0.7) else None,
                        network.number,
                    )
                )
    true_reports = len(drafts)
    pool = [p for premises in background.values() for p in premises]
    for _ in range(round(true_reports * NOISE_SHARE / (1 - NOISE_SHARE)) if pool else 0):
        premises = rng.choice(pool)
        on = _day(rng, start, end)
        drafts.append(
            PartnerReportDraft(
                premises, on, time_of_day(rng, on), NOISE_TEXTS[premises.kind], None, None, None
            )
        )
    drafts.sort(key=lambda d: (d.occurred_on, d.occurred_time, d.premises.entity_id))
    return drafts
