"""Replaying the early warning over a small dated history, no database."""

from __future__ import annotations

from datetime import date

from tessera.network.replay import DatedLink, replay

KINDS = {1: "person", 2: "person", 3: "person", 5: "vehicle"}
BORN = {1: date(2012, 1, 1), 2: date(1990, 1, 1), 3: date(2011, 1, 1)}


def test_each_child_is_alerted_once_on_the_day_of_the_link_that_joined_them() -> None:
    history = [
        DatedLink(10, 2, 5, "uses_vehicle", date(2025, 1, 1)),
        DatedLink(11, 1, 5, "seen_in_vehicle", date(2025, 2, 1)),  # not yet a suspect: nothing
        DatedLink(12, 2, 3, "suspected_exploiter", date(2025, 3, 1)),  # now one: child 1 (car), child 3
        DatedLink(13, 1, 2, "found_with", date(2025, 3, 20)),  # alert still open, already about 2
    ]
    raised = replay(history, KINDS, BORN)
    assert [(r.child, r.on) for r in raised] == [(1, date(2025, 3, 1)), (3, date(2025, 3, 1))]
    assert {r.key for r in raised} == {"exploiter:2"}


def test_a_child_who_has_grown_up_is_not_alerted() -> None:
    history = [DatedLink(20, 2, 1, "suspected_exploiter", date(2031, 1, 1))]  # child 1 is 19 by then
    assert replay(history, KINDS, BORN) == []


def test_a_further_suspect_while_the_alert_is_open_is_added_to_it_and_only_a_new_suspect_raises_anew() -> (
    None
):
    kinds = {**KINDS, 4: "person", 6: "person"}
    born = {**BORN, 4: date(1985, 1, 1), 6: date(1980, 1, 1)}
    history = [
        DatedLink(30, 2, 3, "suspected_exploiter", date(2025, 1, 1)),
        DatedLink(31, 4, 3, "suspected_exploiter", date(2025, 1, 2)),
        DatedLink(32, 1, 2, "found_with", date(2025, 2, 1)),  # child 1: alert about 2
        DatedLink(33, 1, 4, "found_with", date(2025, 2, 10)),  # open: 4 added to it, with a task
        DatedLink(34, 1, 4, "associate", date(2025, 4, 1)),  # closed by now (28 days), but 4 was told
        DatedLink(35, 6, 3, "suspected_exploiter", date(2025, 5, 1)),
        DatedLink(36, 1, 6, "found_with", date(2025, 5, 2)),  # a suspect never told of: a new alert
    ]
    raised = [r for r in replay(history, kinds, born) if r.child == 1]
    assert [(r.on, r.key, r.further, r.tasks) for r in raised] == [
        (date(2025, 2, 1), "exploiter:2", 1, 2),
        (date(2025, 5, 2), "exploiter:6", 0, 1),
    ]
    assert all(not r.to_case for r in raised)


def test_a_child_whose_case_is_open_gets_a_task_on_the_case_not_a_queue_alert() -> None:
    history = [
        DatedLink(10, 2, 5, "uses_vehicle", date(2025, 1, 1)),
        DatedLink(12, 2, 3, "suspected_exploiter", date(2025, 3, 1)),
        DatedLink(11, 1, 5, "seen_in_vehicle", date(2025, 3, 2)),
    ]
    # Child 1's case opened before the sighting; child 3's only after the suspicion was recorded.
    raised = replay(history, KINDS, BORN, case_from={1: date(2025, 2, 1), 3: date(2025, 3, 5)})
    assert [(r.child, r.on, r.to_case) for r in raised] == [
        (3, date(2025, 3, 1), False),
        (1, date(2025, 3, 2), True),
    ]
