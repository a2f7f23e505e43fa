"""Replaying the early warning's rule over a dated history of links, in memory: what it would have raised,
and when, had each link been recorded on its date. Pure, no database (the bench feeds it the synthetic
world's links and measures the alerts against the world's ground truth).

Each link is taken in date order. What the rule knows at a link is what had been recorded by then: the
links before it, who had been recorded as a suspected exploiter by then, everyone's age on the day.
Communities, if given, are fixed (the caller says where they come from).

Alerts are kept as the product keeps them (``earlywarning.services``): one open alert per child, further
suspects reached while it is open added to it, not raised again. The replay has no team to close alerts,
so it assumes each is closed ``closed_after_days`` after it was raised (the product's reassessment is due
well within that); a warning after that raises a new alert.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from tessera.network.warning import (
    MOST_STEPS,
    Facts,
    Link3,
    is_target,
    passable,
    warnings_for_link,
    warnings_for_new_suspect,
)

ADULT_AGE = 18
SUSPECTED_EXPLOITER = "suspected_exploiter"


@dataclass(frozen=True)
class DatedLink:
    key: int
    source: int
    target: int
    kind: str
    on: date


CLOSED_AFTER_DAYS = 28


@dataclass(frozen=True)
class Raised:
    child: int
    key: str
    on: date
    steps: int
    further: int = 0  # further suspects or groups added while it was open


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


class _State:
    def __init__(
        self, kinds: Mapping[int, str], born: Mapping[int, date], community: Mapping[int, int]
    ) -> None:
        self.kinds, self.born, self.community = kinds, born, community
        self.around: dict[int, list[tuple[int, int]]] = {}
        self.suspects: set[int] = set()

    def facts(self, entity: int, on: date) -> Facts:
        kind = self.kinds.get(entity, "")
        born = self.born.get(entity)
        age = _age(born, on) if born is not None else None
        return Facts(
            kind=kind,
            is_child=age is not None and age < ADULT_AGE,
            is_adult=age is not None and age >= ADULT_AGE,
            is_suspect=entity in self.suspects,
            community=self.community.get(entity),
            links=len(self.around.get(entity, ())),
        )

    def neighbourhood(
        self, starts: Iterable[int], steps: int, on: date
    ) -> tuple[list[Link3], dict[int, Facts]]:
        facts = {e: self.facts(e, on) for e in starts}
        starting = set(facts)
        frontier = set(facts)
        links: dict[int, Link3] = {}
        for _ in range(steps):
            new: set[int] = set()
            for here in frontier:
                if here not in starting and not passable(facts[here]):
                    continue
                for there, key in self.around.get(here, ()):
                    links[key] = (key, here, there)
                    if there not in facts:
                        new.add(there)
            for entity in new:
                facts[entity] = self.facts(entity, on)
            frontier = new
        return list(links.values()), facts


def replay(
    history: Iterable[DatedLink],
    kinds: Mapping[int, str],
    born: Mapping[int, date],
    community: Mapping[int, int] | None = None,
    flagged: frozenset[int] = frozenset(),
    closed_after_days: int = CLOSED_AFTER_DAYS,
) -> list[Raised]:
    """Every alert the rule would have raised over ``history`` (in date order, then child), with the date
    of the link that raised it: one open alert per child, closed ``closed_after_days`` after raising."""
    state = _State(kinds, born, community or {})
    alerts: list[Raised] = []
    open_alert: dict[int, tuple[int, set[str]]] = {}  # child -> (index in alerts, keys told)
    for link in sorted(history, key=lambda x: (x.on, x.key)):
        if link.source == link.target:
            continue
        new_suspect = link.kind == SUSPECTED_EXPLOITER and link.source not in state.suspects
        if new_suspect:
            state.suspects.add(link.source)
        state.around.setdefault(link.source, []).append((link.target, link.key))
        state.around.setdefault(link.target, []).append((link.source, link.key))
        ends = (state.facts(link.source, link.on), state.facts(link.target, link.on))
        # Cheap refusal first: a link only matters if one end can be on a child's side of a path and the
        # other on an exploiter's (most links, a parent and their child, cannot).
        child_side = [f.is_child or passable(f) for f in ends]
        target_side = [is_target(f, flagged) or passable(f) for f in ends]
        warnings = []
        if (child_side[0] and target_side[1]) or (child_side[1] and target_side[0]):
            links, facts = state.neighbourhood((link.source, link.target), MOST_STEPS - 1, link.on)
            warnings = warnings_for_link((link.key, link.source, link.target), links, facts, flagged)
        if new_suspect:
            links, facts = state.neighbourhood((link.source,), MOST_STEPS, link.on)
            warnings += warnings_for_new_suspect(link.source, links, facts, flagged)
        for warning in sorted(warnings, key=lambda w: (w.child, len(w.path), w.key)):
            current = open_alert.get(warning.child)
            if current is not None and (link.on - alerts[current[0]].on).days < closed_after_days:
                index, keys = current
                if warning.key not in keys:
                    keys.add(warning.key)
                    alerts[index] = replace(alerts[index], further=alerts[index].further + 1)
                continue
            open_alert[warning.child] = (len(alerts), {warning.key})
            alerts.append(Raised(warning.child, warning.key, link.on, len(warning.path)))
    return sorted(alerts, key=lambda r: (r.on, r.child, r.key))
