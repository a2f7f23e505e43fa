"""The force-wide network measures (issue 18 item 4): communities and centrality over every link in the
force, with igraph (C underneath), because networkx per request is for one network, not a million people.

Pure: give it the links as two arrays of entity ids and it returns each entity's community and PageRank.
Louvain (igraph's multilevel modularity) with a fixed seed, so the same links always give the same
groups; PageRank on the undirected graph (betweenness is O(entities x links), far too slow for a force).
Vertex numbers are the entity ids themselves (POLE ids are dense), so no id map is held in memory.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Sequence
from dataclasses import dataclass

import igraph

LIBRARY = f"igraph {igraph.__version__}"


@dataclass(frozen=True)
class ForceMeasures:
    """Indexed by entity id: ``community[e]`` (-1 for an entity in no community of two or more) and
    ``centrality[e]``; ``sizes[c]`` is community ``c``'s size."""

    community: Sequence[int]
    centrality: Sequence[float]
    sizes: Sequence[int]
    links: int


def force_measures(sources: array[int], targets: array[int], *, seed: int = 2013) -> ForceMeasures:
    """Communities and PageRank of the undirected graph of ``sources[i] -- targets[i]``."""
    vertices = (max(max(sources, default=0), max(targets, default=0)) + 1) if len(sources) else 0
    graph = igraph.Graph(n=vertices, edges=list(zip(sources, targets, strict=True)), directed=False)
    graph.simplify(multiple=True, loops=True)
    igraph.set_random_number_generator(random.Random(seed))  # noqa: S311 (repeatable groups, not secrets)
    try:
        membership = graph.community_multilevel().membership if vertices else []
    finally:
        igraph.set_random_number_generator(random)
    sizes = [0] * (max(membership, default=-1) + 1)
    for group in membership:
        sizes[group] += 1
    # Single entities are in no community: renumber the rest 0.. by first appearance.
    renumber: dict[int, int] = {}
    community = array("q", [-1]) * vertices
    for vertex, group in enumerate(membership):
        if sizes[group] > 1:
            community[vertex] = renumber.setdefault(group, len(renumber))
    kept = [0] * len(renumber)
    for group, number in renumber.items():
        kept[number] = sizes[group]
    centrality = graph.pagerank(directed=False) if vertices else []
    return ForceMeasures(community, centrality, kept, graph.ecount())
