"""The network analysis functions on small hand-built networks (no database)."""

from __future__ import annotations

import random
from datetime import date

from tessera.network.graph import (
    Edge,
    Network,
    Node,
    adults_by_children_reached,
    communities,
    shortest_path,
    steps_from,
)


def child(key: int, label: str) -> Node:
    return Node(key, "person", label, is_child=True)


def adult(key: int, label: str, suspect: bool = False) -> Node:
    return Node(key, "person", label, is_adult=True, is_suspect=suspect)


def thing(key: int, kind: str, label: str) -> Node:
    return Node(key, kind, label)


def link(key: int, source: int, target: int, kind: str = "associate", on: date | None = None) -> Edge:
    return Edge(key, source, target, kind, kind.replace("_", " ").capitalize(), on=on)


# Two children (1, 2); a man (10) who is a suspected exploiter of child 1 and uses a car (20) child 2 was
# seen in; his associate (11); a woman of unknown age (12) who shares a phone (30) with child 2; and apart
# from them all, a pair of friends (40, 41).
NODES = {
    n.key: n
    for n in [
        child(1, "Leah Stainley"),
        child(2, "Amy Ward"),
        adult(10, "Kaz Hussain", suspect=True),
        adult(11, "Danny Price"),
        Node(12, "person", "Unknown woman"),
        thing(20, "vehicle", "YK62 ABC"),
        thing(30, "phone", "07700 900123"),
        adult(40, "Sam Cole"),
        adult(41, "Jo Cole"),
    ]
}
EDGES = [
    link(100, 10, 1, "suspected_exploiter", date(2026, 3, 1)),
    link(101, 10, 20, "uses_vehicle", date(2026, 2, 1)),
    link(102, 2, 20, "seen_in_vehicle", date(2026, 4, 2)),
    link(103, 10, 11, "associate"),
    link(104, 12, 30, "uses_phone"),
    link(105, 2, 30, "uses_phone"),
    link(106, 40, 41, "family"),
    link(107, 10, 1, "found_with", date(2026, 5, 9)),
]
NETWORK = Network(centre=1, nodes=NODES, edges=EDGES)


def test_steps_counts_each_entity_once_at_its_nearest_distance():
    assert steps_from(1, EDGES, 1) == {1: 0, 10: 1}
    assert steps_from(1, EDGES, 2) == {1: 0, 10: 1, 20: 2, 11: 2}
    assert steps_from(1, EDGES, 3) == {1: 0, 10: 1, 20: 2, 11: 2, 2: 3}
    # The friends are never reached, however many steps.
    assert 40 not in steps_from(1, EDGES, 10)


def test_shortest_path_names_every_step_and_the_links_that_make_it():
    path = shortest_path(NETWORK, 1, 2)
    assert path is not None
    assert [(s.start.label, s.end.label) for s in path] == [
        ("Leah Stainley", "Kaz Hussain"),
        ("Kaz Hussain", "YK62 ABC"),
        ("YK62 ABC", "Amy Ward"),
    ]
    # Two links join Leah and Kaz: both are shown, oldest first.
    assert [e.kind for e in path[0].links] == ["suspected_exploiter", "found_with"]


def test_no_path_between_entities_that_nothing_joins():
    assert shortest_path(NETWORK, 1, 40) is None
    assert shortest_path(NETWORK, 1, 999) is None
    assert shortest_path(NETWORK, 1, 1) == []


def test_shortest_path_is_the_same_whatever_order_the_links_come_in():
    # A square: 1 - 2 - 4 and 1 - 3 - 4; two equally short paths, the lower ids chosen every time.
    nodes = {k: adult(k, f"P{k}") for k in (1, 2, 3, 4)}
    edges = [link(1, 1, 3), link(2, 3, 4), link(3, 1, 2), link(4, 2, 4)]
    answers = set()
    for seed in range(10):
        random.Random(seed).shuffle(edges)
        path = shortest_path(Network(1, nodes, list(edges)), 1, 4)
        assert path is not None
        answers.add(tuple(step.end.key for step in path))
    assert answers == {(2, 4)}


def test_communities_find_the_groups_that_hang_together():
    # Two triangles joined by one link: two groups, the same ones every run.
    nodes = {k: adult(k, f"P{k}") for k in range(1, 7)}
    edges = [link(1, 1, 2), link(2, 2, 3), link(3, 1, 3), link(4, 4, 5), link(5, 5, 6), link(6, 4, 6)]
    edges.append(link(7, 3, 4))
    found = communities(Network(1, nodes, edges))
    assert found == [frozenset({1, 2, 3}), frozenset({4, 5, 6})]
    assert communities(Network(1, nodes, list(reversed(edges)))) == found


def test_single_entities_are_not_a_community():
    assert communities(Network(1, {1: adult(1, "A")}, [])) == []


def test_adults_ranked_by_the_children_they_reach_directly_or_through_a_shared_thing():
    ranked = adults_by_children_reached(NETWORK)
    # Kaz reaches Leah directly (two links, one child) and Amy through the car he uses.
    assert [(r.adult.label, [c.label for c in r.children], r.directly) for r in ranked] == [
        ("Kaz Hussain", ["Amy Ward", "Leah Stainley"], 1),
    ]
    # Danny is an adult linked only to Kaz; the woman of unknown age shares a phone with Amy but is not
    # ranked, because she is not known to be an adult.
    assert all(r.adult.key not in (11, 12) for r in ranked)


def test_an_adult_reaching_more_children_ranks_higher():
    nodes = {
        **{k: child(k, f"Child {k}") for k in (1, 2, 3)},
        10: adult(10, "Zed"),
        11: adult(11, "Abe"),
        20: thing(20, "location", "Millstone Walk takeaway"),
    }
    edges = [
        link(1, 10, 1),
        link(2, 11, 20, "frequents"),
        link(3, 2, 20, "seen_at"),
        link(4, 3, 20, "seen_at"),
    ]
    ranked = adults_by_children_reached(Network(1, nodes, edges))
    assert [(r.adult.label, len(r.children), r.directly) for r in ranked] == [("Abe", 2, 0), ("Zed", 1, 1)]
