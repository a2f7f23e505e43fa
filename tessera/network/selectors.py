"""An entity's network as the user may see it: entities and links within a few steps, read through the
access policy and logged as one view naming every person shown.

The walk never passes through what the user may not see: a link they may not see is not followed, and an
entity they may not see is neither drawn nor used as a stepping stone, so the page cannot reveal that two
visible people are joined through someone hidden. The analysis itself is ``tessera.network.graph``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db import models, transaction
from django.db.models import Q
from django.http import Http404, HttpRequest
from django.utils import timezone

from tessera.access.policy import get_visible_or_404, visible_to
from tessera.access.reads import log_opened
from tessera.accounts.models import Actor
from tessera.network.graph import Edge, Network, Node
from tessera.network.models import ForceNetworkRun, NetworkStanding
from tessera.people.identifiers import spaced_registration
from tessera.people.models import EntityKind, Link, LinkKind, Person, PoleEntity, link_grade
from tessera.people.selectors import THING_PAGES
from tessera.people.things import ADULT_AGE, age_on, visible_ends

MOST_STEPS = 3
DEFAULT_STEPS = 2
# Enough for a group and everything it uses; beyond it the chart stops being readable and the page says
# how many more there are, nearest first.
MOST_ENTITIES = 150
LINK_COLUMNS = (
    "pk",
    "source_id",
    "target_id",
    "kind",
    "started_on",
    "created_at",
    "source_evaluation",
    "intelligence_assessment",
    "handling_code",
    "legacy_grade",
    "agency__name",
)


@dataclass(frozen=True)
class NetworkPage:
    centre: models.Model  # the person or thing the network is drawn around
    centre_label: str
    network: Network
    steps: int


def _centre_record(user: Actor, entity: PoleEntity) -> tuple[models.Model, str]:
    if entity.kind == EntityKind.PERSON:
        person = get_visible_or_404(user, Person, entity_id=entity.pk, merged_into__isnull=True)
        return person, person.full_name or "Name not known"
    model, _url = THING_PAGES[entity.kind]
    thing = get_visible_or_404(user, model, entity_id=entity.pk)
    if entity.kind == EntityKind.VEHICLE:
        return thing, spaced_registration(str(thing))
    return thing, str(thing)


End = tuple[str, str, date | None, int | None]  # label, page, date of birth, person id


def _walk(
    user: Actor, centre: int, kind: str, steps: int
) -> tuple[dict[int, int], dict[int, End], dict[int, str], int]:
    """Entity -> distance, entity -> (label, url, born, person id), entity -> kind, and how many were
    left out."""
    links = visible_to(user, Link)
    distance = {centre: 0}
    ends = visible_ends(user, {kind: {centre}})
    frontier = {centre}
    kinds = {centre: kind}
    left_out = 0
    for step in range(1, steps + 1):
        if not frontier:
            break
        found = links.filter(Q(source_id__in=frontier) | Q(target_id__in=frontier)).values_list(
            "source_id", "source__kind", "target_id", "target__kind"
        )
        new: dict[str, set[int]] = defaultdict(set)
        for source, source_kind, target, target_kind in found:
            for entity, entity_kind in ((source, source_kind), (target, target_kind)):
                if entity not in distance:
                    new[entity_kind].add(entity)
                    kinds[entity] = entity_kind
        seen = visible_ends(user, new)
        room = MOST_ENTITIES - len(distance)
        reached = sorted(seen)
        left_out += max(0, len(reached) - room)
        frontier = set(reached[: max(0, room)])
        for entity in frontier:
            distance[entity] = step
            ends[entity] = seen[entity]
    return distance, ends, kinds, left_out


def network_of(user: Actor, entity_id: int, steps: int, *, via: HttpRequest | None) -> NetworkPage:
    """The network around an entity the user may open (404 otherwise), ``steps`` links out, logged."""
    if not 1 <= steps <= MOST_STEPS:
        raise Http404("No such network")
    entity = PoleEntity.objects.filter(pk=entity_id).first()
    if entity is None:
        raise Http404("No such network")
    with transaction.atomic():
        record, label = _centre_record(user, entity)
        distance, ends, kinds, left_out = _walk(user, entity.pk, entity.kind, steps)
        ids = list(distance)
        # The columns the page shows, not whole Link rows with their agency (half the selector's time).
        links = list(
            visible_to(user, Link)
            .filter(source_id__in=ids, target_id__in=ids)
            .order_by("pk")
            .values_list(*LINK_COLUMNS)
        )
        suspects = set(
            visible_to(user, Link)
            .filter(kind=LinkKind.SUSPECTED_EXPLOITER, source_id__in=ids)
            .values_list("source_id", flat=True)
        )
        today = timezone.localdate()
        nodes = {}
        for key in ids:
            name, url, born, person_id = ends[key]
            if kinds[key] == EntityKind.VEHICLE:
                name = spaced_registration(name)
            age = age_on(born, today) if person_id is not None else None
            nodes[key] = Node(
                key=key,
                kind=kinds[key],
                label=name,
                url=url,
                is_child=age is not None and age < ADULT_AGE,
                is_adult=age is not None and age >= ADULT_AGE,
                is_suspect=key in suspects,
            )
        labels = dict(LinkKind.choices)
        edges = [
            Edge(
                key=pk,
                source=source,
                target=target,
                kind=kind,
                label=str(labels.get(kind, kind)),
                on=started_on or timezone.localdate(created_at),
                grade=link_grade(evaluation, assessment, handling, legacy),
                agency=agency,
            )
            for (
                pk,
                source,
                target,
                kind,
                started_on,
                created_at,
                evaluation,
                assessment,
                handling,
                legacy,
                agency,
            ) in links
        ]
        people = sorted(pk for key in ids if (pk := ends[key][3]) is not None)
        log_opened(
            user,
            record,
            via=via,
            details={"page": "network", "steps": steps, "entities": len(ids), "links": len(edges)},
            shown={"people.person": people, "people.link": [e.key for e in edges]},
        )
    network = Network(centre=entity.pk, nodes=nodes, edges=edges, steps=distance, not_drawn=left_out)
    return NetworkPage(record, label, network, steps)


@dataclass(frozen=True)
class ForceStanding:
    rank: int  # by PageRank over the whole force's links, 1 = most central
    community_size: int
    community_suspects: int


def force_standings(entity_ids: list[int]) -> dict[int, ForceStanding]:
    """The latest force-wide run's standing of each of these entities (which the caller already shows
    to the user: the standing adds a derived figure, never another person)."""
    run = ForceNetworkRun.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-pk").first()
    if run is None or not entity_ids:
        return {}
    return {
        entity: ForceStanding(rank, size, suspects)
        for entity, rank, size, suspects in NetworkStanding.objects.filter(
            run=run, entity_id__in=entity_ids
        ).values_list("entity_id", "rank", "community_size", "community_suspects")
    }
