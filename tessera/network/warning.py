"""The network early warning's rule (issue 18 item 5): which children a new link joins to a suspected
exploiter, or to a group of them, and by what path. Pure, no database.

A child "becomes linked" when a new link completes a short path from the child to a suspected exploiter
(or to an adult of a force-wide community holding two or more suspected exploiters) that did not need to
exist before: the path must use the new link. Paths run through phones, vehicles, online accounts,
places and peers (other children); never through another adult (a parent, a teacher), and never through
a "hub" (a thing so many are linked to, a busy takeaway, that being linked to it says nothing), because
those make a warning about nearly everybody. Paths are at most ``MOST_STEPS`` links long.

So the caller reads only a bounded neighbourhood of the new link's two ends: entities within
``MOST_STEPS - 1`` links of either end, with what each is. That is the whole cost of a new link.

One warning per child per exploiter, or per community when the exploiter belongs to a flagged
community (several members of one group reaching a child make one warning, not several).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum

MOST_STEPS = 3
# A thing with more links than this is not a stepping stone (see the module's docstring).
HUB_LINKS = 25
# A force-wide community is "a community of them" when it holds at least this many suspected exploiters.
COMMUNITY_SUSPECTS = 2


@dataclass(frozen=True)
class Facts:
    """What the rule needs to know of one entity."""

    kind: str  # person, vehicle, phone, online_account, location
    is_child: bool = False
    is_adult: bool = False
    is_suspect: bool = False  # the source of a suspected-exploiter link
    community: int | None = None  # the force-wide job's community, if any
    links: int = 0  # how many links the entity has in all (hubs are not stepping stones)


@dataclass(frozen=True)
class Step:
    """One link of a path, read from the child's side: ``start`` to ``end`` by link ``link``."""

    start: int
    end: int
    link: int


@dataclass(frozen=True)
class Warning:
    child: int  # entity id of the child
    target: int  # entity id of the suspected exploiter or community member reached
    key: str  # "exploiter:<entity>" or "community:<id>": one open warning per child per key
    community: int | None
    path: tuple[Step, ...]  # from the child to the target, through the new link


Link3 = tuple[int, int, int]  # link id, one end, the other end


def is_target(facts: Facts, flagged: frozenset[int]) -> bool:
    return facts.is_suspect or (facts.is_adult and facts.community is not None and facts.community in flagged)


def passable(facts: Facts | None) -> bool:
    """Whether a path may pass through the entity: a thing that is not a hub, or a child (a peer)."""
    if facts is None:
        return False
    if facts.is_suspect:
        return False
    if facts.kind == "person":
        return facts.is_child
    return facts.links <= HUB_LINKS


def flagged_communities(facts: Mapping[int, Facts], sizes: Mapping[int, int] | None = None) -> frozenset[int]:
    """Communities with at least ``COMMUNITY_SUSPECTS`` suspected exploiters among the given entities.
    The caller gives the force-wide counts when it has them (``sizes``: community -> suspects)."""
    if sizes is not None:
        return frozenset(c for c, n in sizes.items() if n >= COMMUNITY_SUSPECTS)
    counts: dict[int, int] = {}
    for fact in facts.values():
        if fact.is_suspect and fact.community is not None:
            counts[fact.community] = counts.get(fact.community, 0) + 1
    return frozenset(c for c, n in counts.items() if n >= COMMUNITY_SUSPECTS)


def _around(links: Iterable[Link3], skip: int) -> dict[int, list[tuple[int, int]]]:
    around: dict[int, list[tuple[int, int]]] = {}
    for key, a, b in sorted(links):
        if key == skip or a == b:
            continue
        around.setdefault(a, []).append((b, key))
        around.setdefault(b, []).append((a, key))
    return around


def _reach(
    start: int,
    around: Mapping[int, list[tuple[int, int]]],
    facts: Mapping[int, Facts],
    limit: int,
    avoid: int,
) -> dict[int, tuple[int, int | None, int | None]]:
    """Breadth first from ``start`` (not crossing ``avoid``, the new link's other end), expanding only
    from the start and passable entities: entity -> (distance, previous entity, link)."""
    found: dict[int, tuple[int, int | None, int | None]] = {start: (0, None, None)}
    frontier = [start]
    for distance in range(1, limit + 1):
        following = []
        for here in frontier:
            if here != start and not passable(facts.get(here)):
                continue
            for there, key in around.get(here, ()):
                if there not in found and there != avoid:
                    found[there] = (distance, here, key)
                    following.append(there)
        frontier = sorted(following)
    return found


def warnings_for_link(
    new_link: Link3,
    links: Iterable[Link3],
    facts: Mapping[int, Facts],
    flagged: frozenset[int],
    most_steps: int = MOST_STEPS,
) -> list[Warning]:
    """The warnings a new link makes: each child joined by a path through it (at most ``most_steps``
    links) to a target, the shortest such path for each (child, key), ties to the lowest ids.

    ``links`` are the links known around the new link's ends (the new link may be among them);
    ``facts`` what each entity there is. An entity without facts is treated as a dead end.
    """
    key, one, other = new_link
    around = _around(links, skip=key)
    best: dict[tuple[int, str], tuple[int, tuple[int, ...], Warning]] = {}
    for near, far in ((one, other), (other, one)):
        near_facts, far_facts = facts.get(near), facts.get(far)
        if near_facts is None or far_facts is None:
            continue
        # The child's side: the near end is the child, or a passable entity a child reaches.
        if not (near_facts.is_child or passable(near_facts)):
            continue
        # The far side: the far end is the target, or a passable entity a target is reached through.
        if not (is_target(far_facts, flagged) or passable(far_facts)):
            continue
        child_side = _reach(near, around, facts, most_steps - 1, avoid=far)
        if passable(far_facts):
            target_side = _reach(far, around, facts, most_steps - 1, avoid=near)
        else:
            target_side = {far: (0, None, None)}
        children = sorted(e for e in child_side if (f := facts.get(e)) is not None and f.is_child)
        targets = sorted(e for e in target_side if (f := facts.get(e)) is not None and is_target(f, flagged))
        for child in children:
            for target in targets:
                length = child_side[child][0] + 1 + target_side[target][0]
                if target == child or length > most_steps:
                    continue
                community = facts[target].community
                community = community if community in flagged else None
                warning_key = f"community:{community}" if community is not None else f"exploiter:{target}"
                steps = [*_towards_start(child_side, child), Step(near, far, key)]
                steps += [Step(s.end, s.start, s.link) for s in reversed(_towards_start(target_side, target))]
                order = (length, tuple(s.link for s in steps))
                current = best.get((child, warning_key))
                if current is None or order < current[:2]:
                    best[(child, warning_key)] = (
                        *order,
                        Warning(child, target, warning_key, community, tuple(steps)),
                    )
    return [best[k][2] for k in sorted(best)]


def _towards_start(found: Mapping[int, tuple[int, int | None, int | None]], entity: int) -> list[Step]:
    """The steps from ``entity`` back to the start of its walk, in that order."""
    steps: list[Step] = []
    while True:
        _distance, previous, key = found[entity]
        if previous is None or key is None:
            return steps
        steps.append(Step(entity, previous, key))
        entity = previous


def path_entities(path: Iterable[Step]) -> list[int]:
    """The entities of a path in order, from the child."""
    steps = list(path)
    if not steps:
        return []
    return [steps[0].start] + [step.end for step in steps]


def warnings_for_new_suspect(
    suspect: int,
    links: Iterable[Link3],
    facts: Mapping[int, Facts],
    flagged: frozenset[int],
    most_steps: int = MOST_STEPS,
) -> list[Warning]:
    """When a link makes someone a suspected exploiter for the first time, the children already joined
    to them (at most ``most_steps`` links, through things and peers) become linked to a suspected
    exploiter too, by paths that need not use the new link."""
    suspect_facts = facts.get(suspect)
    if suspect_facts is None or not suspect_facts.is_suspect:
        return []
    around = _around(links, skip=-1)
    found = _reach(suspect, around, facts, most_steps, avoid=-1)
    community = suspect_facts.community if suspect_facts.community in flagged else None
    key = f"community:{community}" if community is not None else f"exploiter:{suspect}"
    warnings = []
    for child in sorted(found):
        child_facts = facts.get(child)
        if child == suspect or child_facts is None or not child_facts.is_child:
            continue
        # _towards_start reads child -> ... -> suspect already.
        warnings.append(Warning(child, suspect, key, community, tuple(_towards_start(found, child))))
    return warnings


class Delivery(StrEnum):
    """What becomes of a warning about a child (ADR 0035)."""

    ALREADY_TOLD = "already_told"  # the child's team was told of this suspect or group before: nothing
    TO_CASE = "to_case"  # the child has an open case: a reassessment task on it, not a queue item
    FURTHER_PATH = "further_path"  # the child has an open alert: added to it, shown as new, with a task
    THROUGH_PEER = "through_peer"  # the path runs through a young person whose alert or case is open:
    # shown on theirs as a peer reached through them, with a task for this child, not a queue item
    NEW_ALERT = "new_alert"  # an item on the district's early-warning queue, with a task


def delivery(
    key: str, told: Collection[str], *, case_open: bool, alert_open: bool, peer_worked: bool = False
) -> Delivery:
    """Where a warning with ``key`` goes, given the keys the child's alerts (open or closed) and case paths
    already told (``told``), whether the child has an open case, whether an open alert, and whether the
    path runs through another child whose own alert or case is open (``peer_worked``).

    Closing an alert does not forget what it told: the same suspects reached again (a second sighting in
    the same car) are not news, and re-raising them was most of the queue. A child already being worked
    on a case is the case team's: the new path is theirs to reassess, not a new item for the district.
    A peer reached through a child the team is already working is part of that child's network: the
    team sees them on that child's alert or case, and the peer's risk is reassessed, but they are not a
    second queue item about the same suspects (they were two of every three items)."""
    if key in told:
        return Delivery.ALREADY_TOLD
    if case_open:
        return Delivery.TO_CASE
    if alert_open:
        return Delivery.FURTHER_PATH
    if peer_worked:
        return Delivery.THROUGH_PEER
    return Delivery.NEW_ALERT


def first_child_on_path(path: Iterable[Step], is_child: Callable[[int], bool]) -> int | None:
    """The nearest other child the path from the child passes through (a peer), if any."""
    for entity in path_entities(path)[1:-1]:
        if is_child(entity):
            return entity
    return None
