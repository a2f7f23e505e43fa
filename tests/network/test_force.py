"""The force-wide measures on small hand-built graphs, no database."""

from __future__ import annotations

from array import array

from tessera.network.force import force_measures


def _links(pairs: list[tuple[int, int]]) -> tuple[array[int], array[int]]:
    return array("q", [a for a, _ in pairs]), array("q", [b for _, b in pairs])


def test_two_triangles_joined_by_one_link_are_two_communities() -> None:
    measures = force_measures(*_links([(1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (3, 4)]))
    c = measures.community
    assert c[1] == c[2] == c[3]
    assert c[4] == c[5] == c[6]
    assert c[1] != c[4]
    assert c[0] == -1  # entity 0 is in no link, so in no community
    assert sorted(measures.sizes) == [3, 3]
    # The two entities that join the groups are the most central.
    ranked = sorted(range(1, 7), key=lambda e: -measures.centrality[e])
    assert set(ranked[:2]) == {3, 4}


def test_the_same_links_always_give_the_same_groups() -> None:
    pairs = [(a, b) for a in range(1, 40) for b in range(a + 1, 40) if (a * b) % 7 == 1]
    first = force_measures(*_links(pairs))
    again = force_measures(*_links(list(reversed(pairs))))
    assert list(first.community) == list(force_measures(*_links(pairs)).community)
    assert len(first.sizes) == len(again.sizes)


def test_repeated_links_and_loops_count_once() -> None:
    measures = force_measures(*_links([(1, 2), (2, 1), (1, 2), (3, 3)]))
    assert measures.links == 1
    assert measures.community[1] == measures.community[2] != -1
    assert measures.community[3] == -1
