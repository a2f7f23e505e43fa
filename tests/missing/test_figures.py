"""The coordinator dashboard's figures, pure, and the page through the client."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tessera.missing.figures import (
    EpisodeRow,
    episodes_per_home,
    open_by_grade,
    overdue_interviews,
    repeat_missing_children,
    within_72_hours_by_month,
)
from tests.conftest import verified_client
from tests.missing.world import build_missing_world

NOW = datetime(2026, 12, 3, 19, 0, tzinfo=UTC)


def row(
    district="Rotherham", child=1, grade="medium", days_ago=10.0, found_after=None, held_after=None, home=""
):
    reported = NOW - timedelta(days=days_ago)
    found = reported + timedelta(hours=found_after) if found_after is not None else None
    held = found + timedelta(hours=held_after) if found is not None and held_after is not None else None
    return EpisodeRow(district, child, grade, reported, found, held, home)


def test_open_episodes_by_grade_count_only_open_ones():
    rows = [
        row(grade="high"),
        row(grade="high"),
        row(grade="low", found_after=5),
        row("Sheffield", grade="low"),
    ]
    table = open_by_grade(rows)
    assert table["Rotherham"] == {"no_apparent_risk": 0, "low": 0, "medium": 0, "high": 2}
    assert table["Sheffield"]["low"] == 1


def test_overdue_interviews_are_returns_past_72_hours_with_none_held():
    rows = [
        row(days_ago=10, found_after=5),  # overdue
        row(days_ago=10, found_after=5, held_after=30),  # held
        row(days_ago=1, found_after=1),  # inside its 72 hours
    ]
    assert overdue_interviews(rows, NOW) == {"Rotherham": 1}


def test_share_within_72_hours_by_month_leaves_out_returns_still_in_time():
    rows = [
        row(days_ago=40, found_after=2, held_after=10),  # October... in time
        row(days_ago=40, found_after=2, held_after=80),  # late
        row(days_ago=40, found_after=2),  # never held: counts as not in time
        row(days_ago=1, found_after=1),  # still inside 72 hours: not counted
    ]
    shares = within_72_hours_by_month(rows, NOW)
    assert [(s.month, s.due, s.in_time) for s in shares] == [("2026-10", 3, 1)]
    assert round(shares[0].share, 3) == 0.333


def test_repeat_missing_children_and_episodes_per_home():
    rows = [row(child=7, days_ago=d, home="Oakwood House") for d in (80, 50, 10)] + [
        row(child=8, days_ago=d, home="Elm Lodge") for d in (300, 150, 10)
    ]
    assert repeat_missing_children(rows, NOW) == {"Rotherham": {7}}
    assert episodes_per_home(rows) == [("Elm Lodge", 3), ("Oakwood House", 3)]


def test_dashboard_page_draws_the_charts_with_tables_and_names_no_child(cast, rotherham_child):
    build_missing_world(cast, rotherham_child)
    page = verified_client(cast["cse.rotherham"]).get("/missing/dashboard/").content.decode()
    assert 'id="district-summary"' in page
    assert 'id="open-by-grade"' in page
    assert 'id="within-72-hours"' in page
    assert page.count('role="img"') >= 2
    assert rotherham_child.family_name not in page
