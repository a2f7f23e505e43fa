"""The analysis of a problem profile, as pure functions over events (issue 18 item 6).

An event is one thing that happened somewhere at some time and named places, vehicles and people: an
intelligence report, a crime, or a report from a partner business (a hotel, taxi firm or takeaway).
From a district's events in a period the profile counts the hotspot places, ranks the vehicles and the
individuals (suspects and associates, never the children), and counts events by hour and weekday. No
database here: ``profiles`` gathers the events through the access policy and stores what this returns.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, time

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
SOURCES = {
    "report": "Intelligence report",
    "crime": "Crime",
    "partner": "Partner report",
}
PARTNER_KINDS = {"hotel": "Hotel", "taxi_firm": "Taxi firm", "takeaway": "Takeaway"}


@dataclass(frozen=True)
class Event:
    source: str  # a key of SOURCES
    on: date
    at: time | None = None
    place: int | None = None  # a location's entity id
    vehicles: tuple[int, ...] = ()
    people: tuple[int, ...] = ()  # suspects and associates named
    partner_kind: str = ""  # for a partner report: the kind of premises that reported


@dataclass(frozen=True)
class Ranked:
    """One place, vehicle or person and how many events name it, by source."""

    key: int
    count: int
    by_source: dict[str, int] = field(default_factory=dict)


def in_period(events: Iterable[Event], start: date, end: date) -> list[Event]:
    """The events from ``start`` to ``end``, both days included."""
    return [e for e in events if start <= e.on <= end]


def _rank(pairs: Iterable[tuple[int, str]], limit: int) -> list[Ranked]:
    counts: Counter[int] = Counter()
    by_source: dict[int, Counter[str]] = defaultdict(Counter)
    for key, source in pairs:
        counts[key] += 1
        by_source[key][source] += 1
    # Most events first; ties by key, so the order is the same on every refresh.
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [Ranked(key, count, dict(sorted(by_source[key].items()))) for key, count in ordered]


def hotspots(events: Sequence[Event], limit: int = 10) -> list[Ranked]:
    """Places by how many events happened there."""
    return _rank(((e.place, e.source) for e in events if e.place is not None), limit)


def ranked_vehicles(events: Sequence[Event], limit: int = 10) -> list[Ranked]:
    """Vehicles by how many events name them (a vehicle named twice in one event counts once)."""
    return _rank(((v, e.source) for e in events for v in set(e.vehicles)), limit)


def ranked_people(events: Sequence[Event], limit: int = 10) -> list[Ranked]:
    """Suspects and associates by how many events name them."""
    return _rank(((p, e.source) for e in events for p in set(e.people)), limit)


@dataclass(frozen=True)
class HourWeekday:
    """Events by weekday (rows, Monday first) and hour (columns 0-23), and per weekday those whose hour
    is not known (a report that gives only the day)."""

    counts: tuple[tuple[int, ...], ...]
    hour_not_known: tuple[int, ...]

    @property
    def total(self) -> int:
        return sum(map(sum, self.counts)) + sum(self.hour_not_known)

    def busiest(self) -> tuple[int, int, int] | None:
        """(weekday, hour, count) of the busiest cell; the earliest in the week on a tie; None if empty."""
        best = max(
            ((c, -d, -h) for d, row in enumerate(self.counts) for h, c in enumerate(row)), default=(0, 0, 0)
        )
        return (-best[1], -best[2], best[0]) if best[0] else None


def hour_by_weekday(events: Iterable[Event]) -> HourWeekday:
    grid = [[0] * 24 for _ in WEEKDAYS]
    unknown = [0] * len(WEEKDAYS)
    for event in events:
        day = event.on.weekday()
        if event.at is None:
            unknown[day] += 1
        else:
            grid[day][event.at.hour] += 1
    return HourWeekday(tuple(tuple(row) for row in grid), tuple(unknown))


@dataclass(frozen=True)
class PartnerFigures:
    """Partner reports by kind of premises, and the share of all events they are."""

    by_kind: dict[str, int]
    share: float


def partner_figures(events: Sequence[Event]) -> PartnerFigures:
    partner = [e for e in events if e.source == "partner"]
    kinds = Counter(e.partner_kind or "other" for e in partner)
    share = len(partner) / len(events) if events else 0.0
    return PartnerFigures({k: kinds[k] for k in sorted(kinds)}, share)


def source_counts(events: Sequence[Event]) -> dict[str, int]:
    counts = Counter(e.source for e in events)
    return {source: counts[source] for source in SOURCES}


@dataclass(frozen=True)
class Analysis:
    events: int
    sources: dict[str, int]
    hotspots: list[Ranked]
    vehicles: list[Ranked]
    people: list[Ranked]
    matrix: HourWeekday
    partners: PartnerFigures


def analyse(events: Iterable[Event], start: date, end: date, *, limit: int = 10) -> Analysis:
    """Everything a problem profile shows, for the events of one district in ``start``-``end``."""
    chosen = in_period(events, start, end)
    return Analysis(
        events=len(chosen),
        sources=source_counts(chosen),
        hotspots=hotspots(chosen, limit),
        vehicles=ranked_vehicles(chosen, limit),
        people=ranked_people(chosen, limit),
        matrix=hour_by_weekday(chosen),
        partners=partner_figures(chosen),
    )
