"""Network analysis over links: who is near whom, by what path, in which group. Pure, no database.

A network is the entities (people, vehicles, phones, online accounts, places) a user may see and the links
between them that they may see. Everything here works on plain values, so the rules are tested on small
hand-built graphs and the same functions serve a page (networkx per request) and a force-wide job.

Why these measures: analysts asked by the inspection for "problem places, individuals and vehicles" need
to see (1) how a child is connected to an adult, step by step, with the link that makes each step, (2)
which adults reach the most children, directly or through a shared phone, car or place, and (3) groups
that hang together, which is how group-based offending shows in the data.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise

import networkx as nx

PERSON = "person"


@dataclass(frozen=True)
class Node:
    """One entity, drawn once however many links reach it."""

    key: int  # the POLE entity id
    kind: str  # person, vehicle, phone, online_account, location
    label: str
    url: str = ""
    is_child: bool = False  # a person under 18 (by date of birth or an approximate age)
    is_adult: bool = False  # a person known to be 18 or over; people of unknown age are neither
    is_suspect: bool = False  # recorded (in a link the user may see) as a suspected exploiter


@dataclass(frozen=True)
class Edge:
    """One recorded link between two entities, with what it is, when, and how it is graded."""

    key: int  # the link id
    source: int
    target: int
    kind: str
    label: str  # in the users' words: "Suspected exploiter of", "Uses vehicle"
    on: date | None = None
    grade: str = ""
    agency: str = ""


@dataclass(frozen=True)
class Network:
    centre: int
    nodes: Mapping[int, Node]
    edges: Sequence[Edge]
    steps: Mapping[int, int] = field(default_factory=dict)  # entity -> steps from the centre
    not_drawn: int = 0  # entities beyond the page's limit, counted but not shown

    def edges_between(self, a: int, b: int) -> list[Edge]:
        return [e for e in self.edges if {e.source, e.target} == {a, b}]


def neighbours(edges: Iterable[Edge]) -> dict[int, set[int]]:
    around: dict[int, set[int]] = {}
    for edge in edges:
        if edge.source == edge.target:
            continue
        around.setdefault(edge.source, set()).add(edge.target)
        around.setdefault(edge.target, set()).add(edge.source)
    return around


def steps_from(centre: int, edges: Iterable[Edge], most_steps: int) -> dict[int, int]:
    """Each entity within ``most_steps`` links of the centre, with its distance (breadth first)."""
    around = neighbours(edges)
    distance = {centre: 0}
    queue = deque([centre])
    while queue:
        here = queue.popleft()
        if distance[here] == most_steps:
            continue
        for there in sorted(around.get(here, ())):
            if there not in distance:
                distance[there] = distance[here] + 1
                queue.append(there)
    return distance


def _graph(network: Network) -> nx.Graph:
    """An undirected graph of the network's entities, one edge however many links join two of them, built
    in id order so that every traversal (and so every answer) is the same for the same network."""
    graph = nx.Graph()
    graph.add_nodes_from(sorted(network.nodes))
    graph.add_edges_from(
        sorted(
            (min(e.source, e.target), max(e.source, e.target))
            for e in network.edges
            if e.source in network.nodes and e.target in network.nodes and e.source != e.target
        )
    )
    return graph


@dataclass(frozen=True)
class PathStep:
    """One step of a path: from one entity to the next, by the links recorded between them."""

    start: Node
    end: Node
    links: tuple[Edge, ...]


def shortest_path(network: Network, start: int, end: int) -> list[PathStep] | None:
    """The fewest links from ``start`` to ``end`` inside the network, each step with the links that make
    it; None when no path joins them. Ties go to the path through the lowest entity ids, so the same
    network always gives the same answer."""
    if start not in network.nodes or end not in network.nodes:
        return None
    if start == end:
        return []
    graph = _graph(network)
    lengths = nx.single_source_shortest_path_length(graph, end)
    if start not in lengths:
        return None
    # Walk from the start, always to the lowest-numbered neighbour one step nearer the end.
    path = [start]
    while path[-1] != end:
        here = path[-1]
        path.append(min(n for n in graph.neighbors(here) if lengths.get(n) == lengths[here] - 1))
    return [
        PathStep(
            network.nodes[a],
            network.nodes[b],
            tuple(sorted(network.edges_between(a, b), key=lambda e: (e.on or date.min, e.key))),
        )
        for a, b in pairwise(path)
    ]


def communities(network: Network, seed: int = 2013) -> list[frozenset[int]]:
    """Groups of entities more linked to each other than to the rest (Louvain modularity, fixed seed so the
    same network always gives the same groups), largest first; single entities are left out."""
    graph = _graph(network)
    if graph.number_of_edges() == 0:
        return []
    found = nx.community.louvain_communities(graph, seed=seed)
    groups = [frozenset(int(n) for n in group) for group in found if len(group) > 1]
    return sorted(groups, key=lambda g: (-len(g), min(g)))


@dataclass(frozen=True)
class AdultReach:
    adult: Node
    children: tuple[Node, ...]  # the children the adult is linked to, directly or through one thing
    directly: int  # how many of them by a link of their own


def adults_by_children_reached(network: Network) -> list[AdultReach]:
    """Adults ranked by how many children they are linked to, directly or through one shared vehicle,
    phone, account or place (an adult who uses the car a child was seen in reaches that child). People of
    unknown age are not ranked: they are neither counted as adults nor as children."""
    around = neighbours(e for e in network.edges if e.source in network.nodes and e.target in network.nodes)
    ranked = []
    for node in network.nodes.values():
        if not node.is_adult:
            continue
        direct = {n for n in around.get(node.key, ()) if network.nodes[n].is_child}
        through = {
            far
            for near in around.get(node.key, ())
            if network.nodes[near].kind != PERSON
            for far in around.get(near, ())
            if far != node.key and network.nodes[far].is_child
        }
        reached = direct | through
        if reached:
            children = tuple(sorted((network.nodes[n] for n in reached), key=lambda n: (n.label, n.key)))
            ranked.append(AdultReach(node, children, len(direct)))
    return sorted(ranked, key=lambda r: (-len(r.children), -r.directly, r.adult.label, r.adult.key))
