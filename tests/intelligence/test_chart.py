"""The package link chart: one node per entity, labelled joins, children and suspects marked (pure)."""

from __future__ import annotations

from tessera.intelligence.chart import ChartSubject, Join, co_mentions, layout, merged_joins, one_per_entity

ELLIE = ChartSubject(1, "Ellie Cawthorne", "person", "Child at risk")
KAZ = ChartSubject(2, "Kaz Mahmood", "person", "Suspected exploiter")
CAR = ChartSubject(3, "YK62ABC", "vehicle", "Mentioned")


def test_a_subject_named_by_several_reports_is_one_node_with_its_strongest_role():
    kept = one_per_entity([ChartSubject(2, "Kaz Mahmood", "person", "Mentioned"), ELLIE, KAZ, CAR, CAR])
    assert [(s.entity_id, s.role) for s in kept] == [
        (2, "Suspected exploiter"),
        (1, "Child at risk"),
        (3, "Mentioned"),
    ]


def test_reports_join_every_two_of_their_subjects_once_with_every_reference():
    joins = merged_joins(co_mentions([("INT-1", [1, 2, 3]), ("INT-2", [2, 1])]))
    labels = {(j.a, j.b): j.label for j in joins}
    assert labels == {
        (1, 2): "named together in INT-1; named together in INT-2",
        (1, 3): "named together in INT-1",
        (2, 3): "named together in INT-1",
    }


def test_the_layout_places_each_node_once_and_draws_only_joins_between_drawn_nodes():
    chart = layout(
        [CAR, KAZ, ELLIE, KAZ], [Join(1, 2, "Suspected exploiter of"), Join(2, 9, "to someone not drawn")]
    )
    assert sorted(n.entity_id for n in chart.nodes) == [1, 2, 3]
    # The child at risk is placed first, at the top of the circle.
    top = min(chart.nodes, key=lambda n: n.y)
    assert top.entity_id == 1
    assert chart.rows() == [("Ellie Cawthorne", "Kaz Mahmood", "Suspected exploiter of")]
    assert chart.title == "Link chart: 3 people and things, 1 connection"


def test_a_join_of_an_entity_to_itself_is_dropped():
    assert merged_joins([Join(4, 4, "self")]) == []


def test_long_labels_are_shortened_on_the_chart():
    chart = layout([ChartSubject(5, "A place with a very long name indeed, Sheffield", "location")], [])
    assert chart.nodes[0].label.endswith("…")
    assert len(chart.nodes[0].label) <= 24
