"""The synthetic risk worlds: each documented error model does what its description says."""

from __future__ import annotations

from datetime import date

import pytest

from tessera.synth.risk_history import original_instrument
from tessera.synth.risk_world import (
    ERROR_MODELS,
    IN_CARE,
    LOW_RECORDING_DISTRICT,
    generate_world,
    world_records,
)

START, END = date(2019, 1, 1), date(2024, 12, 31)


def _world(name: str, children: int = 1200, seed: int = 4):
    return generate_world(ERROR_MODELS[name], children, seed=seed, start=START, end=END)


def test_worlds_are_deterministic_for_a_seed():
    assert [c.observations for c in _world("biased_outcomes", 80)] == [
        c.observations for c in _world("biased_outcomes", 80)
    ]


def test_the_low_recording_district_records_about_a_third_as_much():
    world = _world("recording_and_care")

    def per_child(children):
        return sum(
            len([o for o in c.observations if o.indicator != "missing_overnight"]) for c in children
        ) / len(children)

    low = [c for c in world if c.groups["district"] == LOW_RECORDING_DISTRICT]
    others = [c for c in world if c.groups["district"] != LOW_RECORDING_DISTRICT]
    assert per_child(low) < 0.6 * per_child(others)


def test_children_in_care_go_missing_whatever_their_status():
    world = [c for c in _world("recording_and_care") if c.exploited_from is None]

    def missing(children):
        return sum(any(o.indicator == "missing_overnight" for o in c.observations) for c in children) / len(
            children
        )

    in_care = [c for c in world if c.groups["care_status"] == IN_CARE]
    others = [c for c in world if c.groups["care_status"] != IN_CARE]
    assert missing(in_care) > 2 * missing(others)


def test_a_fifth_of_exploited_children_show_no_sign_before_harm():
    world = _world("hidden_status", 3000)
    exploited = [c for c in world if c.exploited_from]
    silent = [c for c in exploited if c.silent]
    assert 0.15 < len(silent) / len(exploited) < 0.25
    significant = {i.code for i in original_instrument().indicators if i.group == "significant"}

    def signs_before_harm(children):
        return sum(
            sum(o.indicator in significant and o.observed_on < c.exploited_from for o in c.observations)
            for c in children
        ) / len(children)

    # The silent show no more before the harm than the noise every child shows; the others far more.
    assert signs_before_harm(silent) * 2 < signs_before_harm([c for c in exploited if not c.silent])


def test_some_indicators_are_entered_on_file_months_late():
    world = _world("hidden_status", 300)
    late = [
        o for c in world for o in c.observations if o.entered_on and (o.entered_on - o.observed_on).days >= 60
    ]
    everything = [o for c in world for o in c.observations]
    assert 0.1 < len(late) / len(everything) < 0.2


def test_biased_outcomes_confirm_harm_more_often_for_children_already_flagged():
    model = ERROR_MODELS["biased_outcomes"]
    records = world_records(
        _world("biased_outcomes", 2000), model, original_instrument(), data_end=END, seed=4
    )
    truly = [r for r in records if r.truly_harmed]
    from tessera.risk.instrument import Level
    from tessera.risk.scoring import score_assessment

    def flagged(r):
        return (
            score_assessment(original_instrument(), r.observations, r.facts, r.assessed_on).level.rank
            >= Level.MODERATE.rank
        )

    confirmed_flagged = [r.harmed for r in truly if flagged(r)]
    confirmed_other = [r.harmed for r in truly if not flagged(r)]
    assert (
        sum(confirmed_flagged) / len(confirmed_flagged) > sum(confirmed_other) / len(confirmed_other) + 0.15
    )


@pytest.mark.parametrize("name", sorted(ERROR_MODELS))
def test_every_world_labels_assessments_with_groups_and_the_truth(name):
    model = ERROR_MODELS[name]
    records = world_records(_world(name, 200), model, original_instrument(), data_end=END, seed=4)
    assert records
    assert all(set(r.groups) == {"district", "sex", "ethnicity", "care_status"} for r in records)
    assert all(r.truly_harmed is not None for r in records)
    assert any(r.truly_harmed for r in records)
    assert all(r.harmed <= bool(r.truly_harmed) for r in records)
