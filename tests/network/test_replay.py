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


def test_a_further_suspect_while_the_alert_is_open_is_added_to_it_and_a_link_after_closing_raises_anew() -> (
    None
):
    kinds = {**KINDS, 4: "person"}
    born = {**BORN, 4: date(1985, 1, 1)}
    history = [
        DatedLink(30, 2, 3, "suspected_exploiter", date(2025, 1, 1)),
        DatedLink(31, 4, 3, "suspected_exploiter", date(2025, 1, 2)),
        DatedLink(32, 1, 2, "found_with", date(2025, 2, 1)),  # child 1: alert about 2
        DatedLink(33, 1, 4, "found_with", date(2025, 2, 10)),  # open: 4 added to it
        DatedLink(34, 1, 4, "associate", date(2025, 4, 1)),  # closed by now (28 days): a new alert
    ]
    raised = [r for r in replay(history, kinds, born) if r.child == 1]
    assert [(r.on, r.key, r.further) for r in raised] == [
        (date(2025, 2, 1), "exploiter:2", 1),
        (date(2025, 4, 1), "exploiter:4", 0),
    ]
    assert [r.child for r in replay(history, kinds, born, closed_after_days=365)] == [3, 1]
