"""Replaying the early warning's rule over a dated history of links, in memory: what it would have raised,
and when, had each link been recorded on its date. Pure, no database (the bench feeds it the synthetic
world's links and measures the alerts against the world's ground truth).

Each link is taken in date order. What the rule knows at a link is what had been recorded by then: the
links before it, who had been recorded as a suspected exploiter by then, everyone's age on the day.
Communities, if given, are fixed (the caller says where they come from).

Warnings are delivered as the product delivers them (``earlywarning.services``, by the same pure
``tessera.network.warning.delivery``, ADR 0035): a suspect or group the child's team was told of is never
told again, open alert or closed; a child whose case is open on the day gets a reassessment task on the
case, not a queue item; a child with an open alert gets a further path on it; anyone else a new alert.
The replay has no team to close alerts, so it assumes each is closed ``closed_after_days`` after it was
raised (the product's reassessment is due well within that). It has no case records either: the caller
says when each child's case opened (the bench: their first referral, which is recorded on its day).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import date

from tessera.network.warning import (
    MOST_STEPS,
    Delivery,
    Facts,
    Link3,
    delivery,
    first_child_on_path,
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
    further: int = 0  # further suspects or groups added (by the same link, or while it was open)
    to_case: bool = False  # a reassessment task on the child's open case, not an item on the queue
    through_peer: bool = False  # shown on the alert or case of the peer it passes through, not queued
    through_child: bool = False  # the path passes through another child (a peer)
    tasks: int = 1  # reassessment tasks it made: one, and one more for each later link's further path


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

    def child_on(self, on: date) -> Callable[[int], bool]:
        """Whether an entity is a child on the day."""
        return lambda entity: self.facts(entity, on).is_child

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


def _case_open(cases: Mapping[int, date], child: int, on: date) -> bool:
    opened = cases.get(child)
    return opened is not None and opened <= on


def replay(
    history: Iterable[DatedLink],
    kinds: Mapping[int, str],
    born: Mapping[int, date],
    community: Mapping[int, int] | None = None,
    flagged: frozenset[int] = frozenset(),
    closed_after_days: int = CLOSED_AFTER_DAYS,
    case_from: Mapping[int, date] | None = None,
    most_steps: int = MOST_STEPS,
) -> list[Raised]:
    """Every alert and case task the rule would have made over ``history`` (in date order, then child),
    with the date of the link that made it, delivered as the product delivers them
    (``tessera.network.warning.delivery``): a suspect or group a child's team was told of is not told
    again; a child with an open case on the day (``case_from``: child -> the day their case opened, the
    first referral, as recorded then) gets a reassessment task on it; a child with an open alert (closed
    ``closed_after_days`` after raising) gets a further path; anyone else a new alert."""
    state = _State(kinds, born, community or {})
    cases = case_from or {}
    made: list[Raised] = []
    told: dict[int, set[str]] = {}  # child -> every key an alert or case task told of
    open_alert: dict[int, int] = {}  # child -> index in made of their latest queue alert

    def _worked(child: int, on: date) -> bool:
        """Whether the child's team is working them: an open case, or an alert still open."""
        current = open_alert.get(child)
        alert_open = current is not None and (on - made[current].on).days < closed_after_days
        return alert_open or _case_open(cases, child, on)

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
            links, facts = state.neighbourhood((link.source, link.target), most_steps - 1, link.on)
            warnings = warnings_for_link(
                (link.key, link.source, link.target), links, facts, flagged, most_steps
            )
        if new_suspect:
            links, facts = state.neighbourhood((link.source,), most_steps, link.on)
            warnings += warnings_for_new_suspect(link.source, links, facts, flagged, most_steps)
        this_link: dict[int, int] = {}  # child -> index in made of what this link made for them
        # Nearest children first: a child the link joins directly has their item before a peer reached
        # through them is delivered (onto that item, as the product does).
        for warning in sorted(warnings, key=lambda w: (len(w.path), w.child, w.key)):
            child = warning.child
            keys = told.setdefault(child, set())
            if warning.key in keys:
                continue
            current = open_alert.get(child)
            alert_open = current is not None and (link.on - made[current].on).days < closed_after_days
            peer = first_child_on_path(warning.path, state.child_on(link.on))
            route = delivery(
                warning.key,
                keys,
                case_open=_case_open(cases, child, link.on),
                alert_open=alert_open,
                peer_worked=peer is not None and _worked(peer, link.on),
            )
            keys.add(warning.key)
            if child in this_link:
                # One link, one item per child: its further suspects are paths on that item.
                index = this_link[child]
                made[index] = replace(made[index], further=made[index].further + 1)
            elif route == Delivery.FURTHER_PATH and current is not None:
                this_link[child] = current
                made[current] = replace(
                    made[current], further=made[current].further + 1, tasks=made[current].tasks + 1
                )
            else:
                this_link[child] = len(made)
                if route == Delivery.NEW_ALERT:
                    open_alert[child] = len(made)
                made.append(
                    Raised(
                        child,
                        warning.key,
                        link.on,
                        len(warning.path),
                        to_case=route == Delivery.TO_CASE,
                        through_peer=route == Delivery.THROUGH_PEER,
                        through_child=peer is not None,
                    )
                )
    return sorted(made, key=lambda r: (r.on, r.child, r.key))
