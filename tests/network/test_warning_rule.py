"""The early warning's rule on small hand-built graphs, no database."""

from __future__ import annotations

from tessera.network.warning import (
    HUB_LINKS,
    Delivery,
    Facts,
    Step,
    delivery,
    flagged_communities,
    path_entities,
    warnings_for_link,
    warnings_for_new_suspect,
)

CHILD = Facts("person", is_child=True)
PEER = Facts("person", is_child=True)
ADULT = Facts("person", is_adult=True)
SUSPECT = Facts("person", is_adult=True, is_suspect=True)
CAR = Facts("vehicle", links=3)
PHONE = Facts("phone", links=2)


def test_a_direct_link_to_a_suspect_warns_with_a_one_step_path() -> None:
    facts = {1: CHILD, 2: SUSPECT}
    [warning] = warnings_for_link((10, 2, 1), [(10, 2, 1)], facts, frozenset())
    assert warning.child == 1
    assert warning.target == 2
    assert warning.key == "exploiter:2"
    assert warning.path == (Step(1, 2, 10),)


def test_a_child_seen_in_a_suspects_car_is_warned_through_the_car() -> None:
    # The suspect already uses the car (link 20); the new link puts the child in it (link 21).
    facts = {1: CHILD, 2: SUSPECT, 5: CAR}
    links = [(20, 2, 5), (21, 1, 5)]
    [warning] = warnings_for_link((21, 1, 5), links, facts, frozenset())
    assert warning.path == (Step(1, 5, 21), Step(5, 2, 20))
    assert path_entities(warning.path) == [1, 5, 2]


def test_the_new_link_can_be_the_far_end_of_the_path() -> None:
    # The child already uses a phone (30); a suspect is now recorded using it too (31).
    facts = {1: CHILD, 2: SUSPECT, 6: PHONE}
    links = [(30, 1, 6), (31, 2, 6)]
    [warning] = warnings_for_link((31, 2, 6), links, facts, frozenset())
    assert warning.child == 1
    assert warning.path == (Step(1, 6, 30), Step(6, 2, 31))


def test_a_peer_carries_the_link_to_the_child() -> None:
    # Child 1 is a peer of child 3; child 3 is now linked to a suspect: both children are warned.
    facts = {1: CHILD, 3: PEER, 2: SUSPECT}
    links = [(40, 1, 3), (41, 2, 3)]
    found = {w.child: w for w in warnings_for_link((41, 2, 3), links, facts, frozenset())}
    assert set(found) == {1, 3}
    assert found[1].path == (Step(1, 3, 40), Step(3, 2, 41))


def test_no_path_through_another_adult() -> None:
    # Child 1's parent (4) is linked to a suspect: the child is not warned through the parent.
    facts = {1: CHILD, 4: ADULT, 2: SUSPECT}
    links = [(50, 1, 4), (51, 4, 2)]
    assert warnings_for_link((51, 4, 2), links, facts, frozenset()) == []


def test_no_path_through_a_hub() -> None:
    busy = Facts("location", links=HUB_LINKS + 1)
    facts = {1: CHILD, 7: busy, 2: SUSPECT}
    links = [(60, 1, 7), (61, 2, 7)]
    assert warnings_for_link((61, 2, 7), links, facts, frozenset()) == []
    quiet = Facts("location", links=HUB_LINKS)
    assert len(warnings_for_link((61, 2, 7), links, {**facts, 7: quiet}, frozenset())) == 1


def test_paths_are_at_most_three_links() -> None:
    # child - car - phone - peer - suspect is four links: no warning; three links is.
    facts = {1: CHILD, 5: CAR, 6: PHONE, 3: PEER, 2: SUSPECT}
    links = [(70, 1, 5), (71, 5, 6), (72, 6, 3), (73, 3, 2)]
    found = {w.child for w in warnings_for_link((73, 3, 2), links, facts, frozenset())}
    assert found == {3}  # the peer (one link) is warned, child 1 (four links) is not
    three = [(70, 1, 5), (71, 5, 6), (74, 6, 2)]
    [warning] = warnings_for_link((74, 6, 2), three, facts, frozenset())
    assert path_entities(warning.path) == [1, 5, 6, 2]


def test_an_old_path_not_through_the_new_link_does_not_warn_again() -> None:
    # The child was already in the suspect's car; a new link between the car and a phone changes nothing.
    facts = {1: CHILD, 5: CAR, 2: SUSPECT, 6: PHONE}
    links = [(80, 1, 5), (81, 2, 5), (82, 5, 6)]
    assert warnings_for_link((82, 5, 6), links, facts, frozenset()) == []


def test_an_adult_of_a_flagged_community_is_a_target_and_the_key_is_the_community() -> None:
    member = Facts("person", is_adult=True, community=9)
    facts = {
        1: CHILD,
        4: member,
        2: Facts("person", is_adult=True, is_suspect=True, community=9),
        8: Facts("person", is_adult=True, is_suspect=True, community=9),
    }
    flagged = flagged_communities(facts)
    assert flagged == frozenset({9})
    [warning] = warnings_for_link((90, 1, 4), [(90, 1, 4)], facts, flagged)
    assert warning.key == "community:9"
    assert warning.community == 9
    # Not flagged: an ordinary adult is no target.
    assert warnings_for_link((90, 1, 4), [(90, 1, 4)], facts, frozenset()) == []


def test_two_members_of_one_community_make_one_warning_with_the_shortest_path() -> None:
    facts = {
        1: CHILD,
        5: CAR,
        2: Facts("person", is_adult=True, is_suspect=True, community=9),
        8: Facts("person", is_adult=True, is_suspect=True, community=9),
    }
    links = [(100, 2, 5), (101, 8, 5), (102, 1, 5), (103, 1, 8)]
    warnings = warnings_for_link((102, 1, 5), links, facts, frozenset({9}))
    assert [w.key for w in warnings] == ["community:9"]
    assert warnings[0].target == 2  # the lowest id at the shortest length through the new link


def test_force_wide_counts_flag_communities() -> None:
    assert flagged_communities({}, sizes={1: 1, 2: 2, 3: 5}) == frozenset({2, 3})


def test_a_child_who_is_a_suspect_is_not_warned_about_themself() -> None:
    facts = {1: Facts("person", is_child=True, is_suspect=True), 2: SUSPECT}
    warnings = warnings_for_link((110, 1, 2), [(110, 1, 2)], facts, frozenset())
    assert [w.child for w in warnings] == [1]
    assert warnings[0].target == 2


def test_a_new_suspect_warns_the_children_already_joined_to_them() -> None:
    # Adult 2 already shares a car with child 1 and phones child 3's phone; now recorded as a suspect of 9.
    facts = {1: CHILD, 2: SUSPECT, 3: PEER, 5: CAR, 6: PHONE, 9: CHILD, 4: ADULT, 11: CHILD}
    links = [(120, 2, 5), (121, 1, 5), (122, 2, 6), (123, 3, 6), (124, 2, 9), (125, 2, 4), (126, 4, 11)]
    warnings = warnings_for_new_suspect(2, links, facts, frozenset())
    assert {w.child: path_entities(w.path) for w in warnings} == {1: [1, 5, 2], 3: [3, 6, 2], 9: [9, 2]}
    assert {w.key for w in warnings} == {"exploiter:2"}  # child 11 is reached only through an adult
    assert warnings_for_new_suspect(4, links, facts, frozenset()) == []  # not a suspect


def test_a_warning_goes_nowhere_if_told_before_to_the_case_if_open_then_to_the_open_alert() -> None:
    told = {"exploiter:2"}
    assert delivery("exploiter:2", told, case_open=True, alert_open=True) == Delivery.ALREADY_TOLD
    assert delivery("exploiter:2", told, case_open=False, alert_open=False) == Delivery.ALREADY_TOLD
    assert delivery("exploiter:4", told, case_open=True, alert_open=True) == Delivery.TO_CASE
    assert delivery("exploiter:4", told, case_open=False, alert_open=True) == Delivery.FURTHER_PATH
    assert delivery("community:7", told, case_open=False, alert_open=False) == Delivery.NEW_ALERT
