"""Patterns in missing episodes that point to exploitation, as pure functions over plain facts.

The national reviews found a child missing 36 times before anyone added a marker, and children found
again and again at the same addresses, with the same adults, in the same cars. Each rule here looks at
one new fact (an episode reported, or a child found) against what is already recorded and says which
patterns it completes. The Django layer (``alerts.py``) gathers the facts, stores each hit once per child
(``PatternHit.key``) and tells the case team.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

REPEAT_EPISODES = 3
REPEAT_WINDOW_DAYS = 90

REPEAT = "repeat"
SAME_PLACE = "same_place"
SAME_ADULT = "same_adult"
SAME_VEHICLE = "same_vehicle"
HOTSPOT = "hotspot"
STRATEGY_DISCUSSION = "strategy_discussion"


@dataclass(frozen=True)
class EpisodeFacts:
    """One episode as the rules see it: who, when reported, and where, with whom and in what found."""

    episode_id: int
    child_id: int
    reported_at: datetime
    found_place_id: int | None = None
    found_with_id: int | None = None
    found_vehicle_id: int | None = None
    found_at_hotspot: bool = False


@dataclass(frozen=True)
class PatternHit:
    kind: str
    child_id: int
    episode_id: int
    # One pattern is raised once per child: the key names what made it.
    key: str
    detail: str
    other_child_ids: tuple[int, ...] = ()


def episodes_in_window(
    episodes: Iterable[EpisodeFacts], ending: datetime, days: int = REPEAT_WINDOW_DAYS
) -> list[EpisodeFacts]:
    """The episodes reported in the ``days`` up to and including ``ending``."""
    start = ending - timedelta(days=days)
    return sorted((e for e in episodes if start < e.reported_at <= ending), key=lambda e: e.reported_at)


def repeat_missing(
    new: EpisodeFacts,
    child_episodes: Sequence[EpisodeFacts],
    *,
    count: int = REPEAT_EPISODES,
    days: int = REPEAT_WINDOW_DAYS,
) -> PatternHit | None:
    """The child has now been missing ``count`` times in ``days`` days (this episode included).

    Raised once per run of episodes: the key is the earliest episode of the window, so a fourth episode
    in the same 90 days does not raise it again, but a new run after a quiet spell does.
    """
    own = [e for e in child_episodes if e.child_id == new.child_id and e.episode_id != new.episode_id]
    window = episodes_in_window([*own, new], new.reported_at, days)
    if len(window) < count:
        return None
    first = window[0]
    return PatternHit(
        REPEAT,
        new.child_id,
        new.episode_id,
        key=f"{REPEAT}:from:{first.episode_id}",
        detail=f"Missing {len(window)} times in {days} days (since {first.reported_at:%-d %B %Y})",
    )


def strategy_discussion_prompt(
    new: EpisodeFacts, child_episodes: Sequence[EpisodeFacts], *, count: int, days: int = REPEAT_WINDOW_DAYS
) -> PatternHit | None:
    """Prompt a strategy discussion once the child reaches ``count`` episodes in ``days`` days."""
    hit = repeat_missing(new, child_episodes, count=count, days=days)
    if hit is None:
        return None
    return PatternHit(
        STRATEGY_DISCUSSION,
        new.child_id,
        new.episode_id,
        key=f"{STRATEGY_DISCUSSION}:{hit.key}",
        detail=f"{hit.detail}: hold a strategy discussion",
    )


def found_with_others(new: EpisodeFacts, others: Iterable[EpisodeFacts]) -> list[PatternHit]:
    """Found at the same place, with the same adult, or in the same vehicle as another child was found."""
    hits: list[PatternHit] = []
    for kind, attribute, what in (
        (SAME_PLACE, "found_place_id", "at an address where"),
        (SAME_ADULT, "found_with_id", "with an adult whom"),
        (SAME_VEHICLE, "found_vehicle_id", "in a vehicle in which"),
    ):
        value = getattr(new, attribute)
        if value is None:
            continue
        children = sorted(
            {e.child_id for e in others if e.child_id != new.child_id and getattr(e, attribute) == value}
        )
        if not children:
            continue
        others_text = "another child was" if len(children) == 1 else f"{len(children)} other children were"
        hits.append(
            PatternHit(
                kind,
                new.child_id,
                new.episode_id,
                key=f"{kind}:{value}",
                detail=f"Found {what} {others_text} also found",
                other_child_ids=tuple(children),
            )
        )
    return hits


def found_at_hotspot(new: EpisodeFacts) -> PatternHit | None:
    if not new.found_at_hotspot or new.found_place_id is None:
        return None
    return PatternHit(
        HOTSPOT,
        new.child_id,
        new.episode_id,
        key=f"{HOTSPOT}:{new.found_place_id}",
        detail="Found at a hotel, taxi firm or takeaway",
    )


def patterns_on_report(
    new: EpisodeFacts, child_episodes: Sequence[EpisodeFacts], *, strategy_count: int
) -> list[PatternHit]:
    """What a newly reported episode completes: repeat missing, and the strategy discussion prompt."""
    hits = [
        repeat_missing(new, child_episodes),
        strategy_discussion_prompt(new, child_episodes, count=strategy_count),
    ]
    return [hit for hit in hits if hit is not None]


def patterns_on_found(new: EpisodeFacts, others: Iterable[EpisodeFacts]) -> list[PatternHit]:
    """What a child's being found completes: found where, with whom or in what another child was found,
    and found at a hotspot."""
    hits = found_with_others(new, others)
    hotspot = found_at_hotspot(new)
    return [*hits, hotspot] if hotspot else hits


def is_repeatedly_missing(
    reported: Iterable[datetime],
    now: datetime,
    *,
    count: int = REPEAT_EPISODES,
    days: int = REPEAT_WINDOW_DAYS,
) -> bool:
    """Whether a child has been missing ``count`` times in any ``days`` days up to ``now``.

    Any window, not only the latest: a child missing three times in the spring and quiet since is still
    a repeatedly missing child whose monitoring a supervisor must approve closing.
    """
    times = sorted(t for t in reported if t <= now)
    return any(times[i + count - 1] - times[i] < timedelta(days=days) for i in range(len(times) - count + 1))


def monitoring_closure_refusal(repeatedly_missing: bool, *, approved_by_supervisor: bool) -> str | None:
    """Why monitoring of the child cannot close now, or None."""
    if repeatedly_missing and not approved_by_supervisor:
        return (
            "This child has been missing repeatedly: monitoring can only end with a supervisor's approval. "
            "Your request has been kept for a supervisor to decide."
        )
    return None


@dataclass(frozen=True)
class TimedHit:
    """A pattern raised when an episode was reported or its child found, at that moment."""

    hit: PatternHit
    at: datetime


@dataclass(frozen=True)
class TimedEpisode:
    facts: EpisodeFacts
    found_at: datetime | None


def replay(episodes: Sequence[TimedEpisode], *, strategy_count: int = REPEAT_EPISODES) -> list[TimedHit]:
    """Every pattern the rules would have raised, and when, had the episodes been recorded as they
    happened: each report and each find in time order, each key once per child (as the alerts are)."""
    events: list[tuple[datetime, int, TimedEpisode]] = []
    for episode in episodes:
        events.append((episode.facts.reported_at, 0, episode))
        if episode.found_at is not None:
            events.append((episode.found_at, 1, episode))
    events.sort(key=lambda event: (event[0], event[1], event[2].facts.episode_id))
    reported: dict[int, list[EpisodeFacts]] = {}
    found: list[EpisodeFacts] = []
    raised: set[tuple[int, str]] = set()
    hits: list[TimedHit] = []
    for at, kind, episode in events:
        new = episode.facts
        if kind == 0:
            new_hits = patterns_on_report(
                EpisodeFacts(new.episode_id, new.child_id, new.reported_at),
                reported.get(new.child_id, []),
                strategy_count=strategy_count,
            )
            reported.setdefault(new.child_id, []).append(new)
        else:
            new_hits = patterns_on_found(new, found)
            found.append(new)
        for hit in new_hits:
            if (hit.child_id, hit.key) not in raised:
                raised.add((hit.child_id, hit.key))
                hits.append(TimedHit(hit, at))
    return hits
