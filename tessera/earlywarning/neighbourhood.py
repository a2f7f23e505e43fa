"""Reading what the early warning's rule needs around a new link: the links within a few steps of its
ends, walking on only through entities a path may pass (``tessera.network.warning.passable``), and the
facts of every entity reached. Bounded by the rule's path length, so its cost does not grow with the
force: a handful of indexed queries a step.

Read by the system, for the system: what it reads is not shown to anyone here (the alert page shows the
path only as far as its reader may see it), so it is not read through a user's access policy.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from tessera.network.models import ForceNetworkRun, NetworkStanding
from tessera.network.warning import Facts, Link3, passable
from tessera.people.models import EntityKind, Link, LinkKind, Person, PoleEntity
from tessera.people.things import ADULT_AGE, age_on


@dataclass
class Around:
    links: dict[int, Link3]
    facts: dict[int, Facts]
    flagged: set[int]  # communities of the latest force-wide run with two or more suspected exploiters
    queries_steps: int = 0


def latest_run() -> ForceNetworkRun | None:
    return ForceNetworkRun.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-pk").first()


def _facts(ids: set[int], on: date, run: ForceNetworkRun | None, flagged: set[int]) -> dict[int, Facts]:
    kinds = dict(PoleEntity.objects.filter(pk__in=ids).values_list("pk", "kind"))
    people = {k for k, v in kinds.items() if v == EntityKind.PERSON}
    things = set(kinds) - people
    born = dict(
        Person.objects.filter(entity_id__in=people, merged_into__isnull=True).values_list(
            "entity_id", "date_of_birth"
        )
    )
    suspects = set(
        Link.objects.filter(kind=LinkKind.SUSPECTED_EXPLOITER, source_id__in=people)
        .values_list("source_id", flat=True)
        .distinct()
    )
    degree: dict[int, int] = {}
    if things:
        for column in ("source_id", "target_id"):
            rows = Link.objects.filter(**{f"{column}__in": things}).values(column).annotate(n=Count("pk"))
            for row in rows:
                degree[row[column]] = degree.get(row[column], 0) + row["n"]
    community: dict[int, int] = {}
    if run is not None and people:
        for entity, group, suspects_in in NetworkStanding.objects.filter(
            run=run, entity_id__in=people
        ).values_list("entity_id", "community", "community_suspects"):
            community[entity] = group
            if suspects_in >= 2:
                flagged.add(group)
    found = {}
    for entity, kind in kinds.items():
        age = age_on(born[entity], on) if born.get(entity) is not None else None
        found[entity] = Facts(
            kind=kind,
            is_child=age is not None and age < ADULT_AGE,
            is_adult=age is not None and age >= ADULT_AGE,
            is_suspect=entity in suspects,
            community=community.get(entity),
            links=degree.get(entity, 0),
        )
    return found


def read_around(starts: Iterable[int], steps: int, *, on: date) -> Around:
    """The links within ``steps`` of ``starts`` (walking on from the starts and from passable entities
    only) and the facts of every entity they reach."""
    run = latest_run()
    flagged: set[int] = set()
    frontier = set(starts)
    facts = _facts(frontier, on, run, flagged)
    starting = set(frontier)
    links: dict[int, Link3] = {}
    for _step in range(steps):
        walk_on = {e for e in frontier if e in starting or passable(facts.get(e))}
        if not walk_on:
            break
        new: set[int] = set()
        for key, a, b in Link.objects.filter(Q(source_id__in=walk_on) | Q(target_id__in=walk_on)).values_list(
            "pk", "source_id", "target_id"
        ):
            links[key] = (key, a, b)
            new.update(e for e in (a, b) if e not in facts)
        if not new:
            break
        facts.update(_facts(new, on, run, flagged))
        frontier = new
    return Around(links, facts, flagged)
