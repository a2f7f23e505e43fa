"""The problem profile's analysis on small hand-built event lists, without a database."""

from __future__ import annotations

from datetime import date, time

from tessera.intelligence.profile_analysis import (
    Event,
    analyse,
    hotspots,
    hour_by_weekday,
    in_period,
    partner_figures,
    ranked_people,
    ranked_vehicles,
)

# 1 December 2026 is a Tuesday.
TUE = date(2026, 12, 1)
SAT = date(2026, 12, 5)


def test_in_period_keeps_both_end_days():
    events = [Event("report", date(2026, 11, 30)), Event("report", TUE), Event("report", SAT)]
    assert in_period(events, TUE, SAT) == events[1:]


def test_hotspots_rank_places_by_events_with_sources_and_stable_ties():
    events = [
        Event("report", TUE, place=7),
        Event("crime", TUE, place=7),
        Event("partner", TUE, place=7, partner_kind="hotel"),
        Event("report", TUE, place=3),
        Event("report", TUE, place=9),
        Event("report", TUE),  # no place: not a hotspot
    ]
    ranked = hotspots(events)
    assert [(r.key, r.count) for r in ranked] == [(7, 3), (3, 1), (9, 1)]
    assert ranked[0].by_source == {"crime": 1, "partner": 1, "report": 1}
    assert len(hotspots(events, limit=2)) == 2


def test_a_vehicle_or_person_named_twice_in_one_event_counts_once():
    events = [
        Event("report", TUE, vehicles=(5, 5), people=(1, 2)),
        Event("crime", TUE, people=(2,)),
        Event("partner", TUE, vehicles=(5, 6)),
    ]
    assert [(r.key, r.count) for r in ranked_vehicles(events)] == [(5, 2), (6, 1)]
    assert [(r.key, r.count) for r in ranked_people(events)] == [(2, 2), (1, 1)]


def test_hour_by_weekday_puts_each_event_in_its_cell_and_day_only_ones_apart():
    matrix = hour_by_weekday(
        [
            Event("report", TUE, time(23, 40)),
            Event("report", TUE, time(23, 5)),
            Event("crime", SAT, time(1, 0)),
            Event("report", SAT),
        ]
    )
    assert matrix.counts[1][23] == 2  # Tuesday, 23:00-23:59
    assert matrix.counts[5][1] == 1  # Saturday, 01:00
    assert matrix.hour_not_known == (0, 0, 0, 0, 0, 1, 0)
    assert matrix.total == 4
    assert matrix.busiest() == (1, 23, 2)
    assert hour_by_weekday([]).busiest() is None


def test_partner_figures_count_premises_kinds_and_their_share():
    events = [
        Event("partner", TUE, partner_kind="hotel"),
        Event("partner", TUE, partner_kind="hotel"),
        Event("partner", TUE, partner_kind="taxi_firm"),
        Event("report", TUE),
    ]
    figures = partner_figures(events)
    assert figures.by_kind == {"hotel": 2, "taxi_firm": 1}
    assert figures.share == 0.75
    assert partner_figures([]).share == 0.0


def test_analyse_counts_only_the_period():
    events = [
        Event("report", TUE, time(20, 0), place=1, people=(4,)),
        Event("crime", date(2025, 1, 1), time(20, 0), place=2, people=(5,)),
    ]
    result = analyse(events, date(2026, 11, 1), date(2026, 12, 31))
    assert result.events == 1
    assert result.sources == {"report": 1, "crime": 0, "partner": 0}
    assert [r.key for r in result.hotspots] == [1]
    assert [r.key for r in result.people] == [4]
