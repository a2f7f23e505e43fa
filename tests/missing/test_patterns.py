"""Every pattern rule, as pure functions over episode facts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tessera.missing.patterns import (
    HOTSPOT,
    REPEAT,
    SAME_ADULT,
    SAME_PLACE,
    SAME_VEHICLE,
    STRATEGY_DISCUSSION,
    EpisodeFacts,
    TimedEpisode,
    found_at_hotspot,
    found_with_others,
    is_repeatedly_missing,
    monitoring_closure_refusal,
    patterns_on_found,
    patterns_on_report,
    repeat_missing,
    replay,
)

START = datetime(2026, 1, 5, 22, 0, tzinfo=UTC)


def episode(pk: int, child: int = 1, days: float = 0, **found: object) -> EpisodeFacts:
    return EpisodeFacts(pk, child, START + timedelta(days=days), **found)  # type: ignore[arg-type]


def test_third_episode_in_90_days_is_repeat_missing():
    earlier = [episode(1, days=0), episode(2, days=40)]
    hit = repeat_missing(episode(3, days=89), earlier)
    assert hit is not None
    assert hit.kind == REPEAT
    assert hit.detail.startswith("Missing 3 times in 90 days")


def test_three_episodes_spread_over_more_than_90_days_are_not():
    earlier = [episode(1, days=0), episode(2, days=40)]
    assert repeat_missing(episode(3, days=91), earlier) is None


def test_other_childrens_episodes_do_not_count():
    others = [episode(1, child=2, days=0), episode(2, child=3, days=1)]
    assert repeat_missing(episode(3, days=2), others) is None


def test_a_fourth_episode_in_the_same_run_gives_the_same_key_and_a_new_run_a_new_key():
    earlier = [episode(1, days=0), episode(2, days=10)]
    third = repeat_missing(episode(3, days=20), earlier)
    fourth = repeat_missing(episode(4, days=30), [*earlier, episode(3, days=20)])
    assert third is not None
    assert fourth is not None
    assert third.key == fourth.key == "repeat:from:1"
    assert "Missing 4 times" in fourth.detail
    run = [episode(1, days=0), episode(2, days=10), episode(3, days=20), episode(4, days=30)]
    assert repeat_missing(episode(5, days=300), run) is None
    later = [*run, episode(5, days=300), episode(6, days=310)]
    again = repeat_missing(episode(7, days=320), later)
    assert again is not None
    assert again.key == "repeat:from:5"


def test_strategy_discussion_prompt_at_a_configurable_count():
    earlier = [episode(1, days=0), episode(2, days=5), episode(3, days=9)]
    at_three = patterns_on_report(episode(4, days=12), earlier[:2], strategy_count=3)
    assert {hit.kind for hit in at_three} == {REPEAT, STRATEGY_DISCUSSION}
    at_five = patterns_on_report(episode(4, days=12), earlier, strategy_count=5)
    assert {hit.kind for hit in at_five} == {REPEAT}
    fifth = patterns_on_report(episode(5, days=14), [*earlier, episode(4, days=12)], strategy_count=5)
    assert STRATEGY_DISCUSSION in {hit.kind for hit in fifth}


def test_found_at_the_same_address_as_another_child():
    others = [episode(7, child=2, found_place_id=50), episode(8, child=3, found_place_id=51)]
    hits = found_with_others(episode(9, found_place_id=50), others)
    assert [(h.kind, h.other_child_ids) for h in hits] == [(SAME_PLACE, (2,))]
    assert hits[0].key == "same_place:50"


def test_found_with_the_same_adult_as_two_other_children():
    others = [episode(7, child=2, found_with_id=90), episode(8, child=3, found_with_id=90)]
    hits = found_with_others(episode(9, found_with_id=90), others)
    assert [(h.kind, h.other_child_ids) for h in hits] == [(SAME_ADULT, (2, 3))]
    assert "2 other children" in hits[0].detail


def test_found_in_the_same_vehicle_as_another_child():
    hits = found_with_others(episode(9, found_vehicle_id=4), [episode(7, child=2, found_vehicle_id=4)])
    assert [h.kind for h in hits] == [SAME_VEHICLE]


def test_the_childs_own_earlier_finds_at_the_same_place_are_not_another_child():
    assert found_with_others(episode(9, found_place_id=50), [episode(7, child=1, found_place_id=50)]) == []


def test_found_at_a_hotspot_place():
    hit = found_at_hotspot(episode(9, found_place_id=50, found_at_hotspot=True))
    assert hit is not None
    assert hit.kind == HOTSPOT
    assert found_at_hotspot(episode(9, found_place_id=50)) is None


def test_found_completes_every_pattern_it_matches():
    others = [episode(7, child=2, found_place_id=50, found_with_id=90, found_vehicle_id=4)]
    new = episode(9, found_place_id=50, found_with_id=90, found_vehicle_id=4, found_at_hotspot=True)
    assert {h.kind for h in patterns_on_found(new, others)} == {SAME_PLACE, SAME_ADULT, SAME_VEHICLE, HOTSPOT}


def test_repeatedly_missing_in_any_window_not_only_the_latest():
    now = START + timedelta(days=400)
    spring = [START, START + timedelta(days=20), START + timedelta(days=50)]
    assert is_repeatedly_missing(spring, now)
    spread = [START, START + timedelta(days=100), START + timedelta(days=200)]
    assert not is_repeatedly_missing(spread, now)


def test_closing_monitoring_of_a_repeatedly_missing_child_needs_a_supervisor():
    assert monitoring_closure_refusal(True, approved_by_supervisor=False)
    assert monitoring_closure_refusal(True, approved_by_supervisor=True) is None
    assert monitoring_closure_refusal(False, approved_by_supervisor=False) is None


def test_replay_raises_each_pattern_once_at_the_moment_it_was_completed():
    def timed(facts: EpisodeFacts, found_hours: float | None = 10) -> TimedEpisode:
        found = facts.reported_at + timedelta(hours=found_hours) if found_hours is not None else None
        return TimedEpisode(facts, found)

    episodes = [
        timed(episode(1, child=1, days=0, found_with_id=90)),
        timed(episode(2, child=1, days=10)),
        timed(episode(3, child=2, days=12, found_with_id=90)),  # same adult as child 1
        timed(episode(4, child=1, days=20), found_hours=None),  # third in 90 days: repeat
        timed(episode(5, child=1, days=25)),  # same run: nothing new
    ]
    hits = replay(episodes)
    assert [(h.hit.kind, h.hit.child_id) for h in hits] == [
        (SAME_ADULT, 2),
        (REPEAT, 1),
        (STRATEGY_DISCUSSION, 1),
    ]
    assert hits[0].at == START + timedelta(days=12, hours=10)
    assert hits[1].at == START + timedelta(days=20)
