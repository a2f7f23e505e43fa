"""The calibration study as pure code: intervals on every figure, the split by child and date, the guards,
and the regressions the validation review found (crashes and silent failures)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import numpy as np
import pytest

from tessera.risk.calibration import CAVEAT, StudySettings, run_study
from tessera.risk.calibration_fit import feature_matrix, fit_non_negative_logistic, weights_to_points
from tessera.risk.calibration_guards import StudyRefusedError
from tessera.risk.calibration_metrics import LabelledAssessment, score_all
from tessera.risk.calibration_split import SplitSettings, follow_up_end, split_for_study
from tessera.risk.catalogue import seraf_style_default
from tessera.risk.instrument import problems_with
from tessera.risk.scoring import ChildFacts, Observation
from tessera.synth.risk_history import original_instrument
from tessera.synth.risk_world import ERROR_MODELS, generate_world, world_records

START, END = date(2019, 1, 1), date(2024, 12, 31)
SMALL = StudySettings(min_harmed_children=20, draws=200)


@pytest.fixture(scope="module")
def records() -> list[LabelledAssessment]:
    model = ERROR_MODELS["indicators_drive_harm"]
    world = generate_world(model, 1500, seed=11, start=START, end=END)
    return world_records(world, model, original_instrument(), data_end=END, seed=11)


@pytest.fixture(scope="module")
def report(records):
    return run_study(original_instrument(), records, as_of=END, settings=SMALL)


def _record(
    child: int, on: date, harmed: bool, *codes: str, entered: date | None = None
) -> LabelledAssessment:
    return LabelledAssessment(
        child=child,
        assessed_on=on,
        observations=tuple(Observation(code, on - timedelta(days=20), entered) for code in codes),
        facts=ChildFacts(date(2008, 1, 1)),
        harmed=harmed,
    )


def _many(children: int, harmed_every: int, start: date = date(2019, 1, 1), **kw) -> list[LabelledAssessment]:
    """Each child assessed four times, three months apart; every ``harmed_every``-th child later harmed and
    showing significant indicators (0: nobody harmed)."""
    rows = []
    for child in range(children):
        harmed = bool(harmed_every) and child % harmed_every == 0
        codes = ("missing_overnight", "older_partner") if harmed else ("staying_out_late",)
        first = start + timedelta(days=(child * 7) % 700)
        for n in range(4):
            rows.append(_record(child, first + timedelta(days=91 * n), harmed, *codes))
    return rows


# Intervals and the verdict ---------------------------------------------------------------------------------


def test_every_held_out_figure_has_an_interval_around_it(report):
    for candidate in report.candidates:
        t = candidate.test
        for figure in (t.sensitivity, t.specificity, t.flag_rate, t.auc, t.brier, t.child_sensitivity):
            assert figure.low <= figure.value <= figure.high
            assert figure.low < figure.high


def test_target_is_judged_on_the_lower_end_of_the_interval(report):
    proposed = report.candidate(report.proposed_key)
    assert report.target_met == (
        proposed.test.sensitivity.low >= 0.95 and proposed.test.flag_rate.value <= report.flag_budget
    )
    if not report.target_met:
        assert report.shortfall_points == pytest.approx(100 * (0.95 - proposed.test.sensitivity.low))
        assert any(f"{report.shortfall_points:.1f} points short" in line for line in report.summary)


def test_summary_never_gives_a_figure_without_its_interval(report):
    import re

    for line in report.summary[:-1]:
        for match in re.finditer(r"(\d+\.\d)%", line):
            after = line[match.end() : match.end() + 40]
            before = line[max(0, match.start() - 60) : match.start()]
            assert (
                after.startswith(" (95% interval")
                or "interval" in before
                or "target" in before.lower()
                or "budget" in before
                or "short" in before
                or "current version's" in before
            ), line


def test_the_study_finds_the_original_instrument_under_rates_where_indicators_drive_harm(report):
    current = report.candidate("current")
    proposed = report.candidate(report.proposed_key)
    assert proposed.key != "current"
    assert proposed.test.sensitivity.value > current.test.sensitivity.value
    assert report.ceiling_auc is not None
    assert report.ceiling_auc.value > 0.85


def test_figures_are_given_per_child_as_well_as_per_assessment(report):
    current = report.candidate("current").test
    assert current.children < current.assessments
    assert current.harmed_children <= current.children
    assert 0 <= current.child_sensitivity.value <= 1


def test_the_proposal_keeps_the_hard_rules_and_is_a_valid_version(report):
    proposed = report.candidate(report.proposed_key).definition
    assert problems_with(proposed) == []
    assert proposed.hard_rules == original_instrument().hard_rules
    for indicator in proposed.indicators:
        assert indicator.current >= indicator.older >= 0


def test_the_report_states_plainly_that_synthetic_weights_only_prove_the_method(report):
    assert "prove the method, not weights for real use" in CAVEAT
    assert report.summary[-1] == CAVEAT


def test_fairness_table_covers_every_group_with_intervals(report):
    groups = {row.group for row in report.fairness["current"]}
    assert groups == {"District", "Sex", "Ethnicity", "Age band", "Care status", "Learning disability"}
    for row in report.fairness["current"]:
        if row.harmed:
            assert row.sensitivity.low <= row.sensitivity.value <= row.sensitivity.high
        else:
            assert row.sensitivity.value != row.sensitivity.value  # no figure, never 0% or 100%


# The split ---------------------------------------------------------------------------------------------------


def test_no_child_sits_on_both_sides_and_no_training_label_crosses_the_split(records):
    split = split_for_study(records, as_of=END)
    assert {r.child for r in split.train}.isdisjoint({r.child for r in split.test})
    assert all(follow_up_end(r) < split.split_date for r in split.train)
    assert all(r.assessed_on >= split.split_date for r in split.test)


def test_immature_outcomes_are_excluded_and_said_so(records):
    split = split_for_study(records, as_of=END, settings=SplitSettings(maturity_months=12))
    assert split.immature > 0
    assert all(r.assessed_on <= split.mature_until for r in split.train + split.test)
    assert split.mature_until == date(2023, 9, 30)
    assert any("not yet mature" in note for note in split.notes)


def test_only_observations_on_file_at_the_assessment_are_scored():
    on = date(2020, 6, 1)
    late = _record(1, on, True, "missing_overnight", entered=on + timedelta(days=90))
    timely = _record(2, on, True, "missing_overnight", entered=on - timedelta(days=5))
    rows = [late, timely, *_many(60, 3, start=date(2019, 1, 1))]
    split = split_for_study(rows, as_of=date(2023, 1, 1), settings=SplitSettings(test_child_share=0.5))
    kept = {r.child: r for r in split.train + split.test}
    assert split.late_observations == 1
    if 1 in kept:
        assert kept[1].observations == ()
    if 2 in kept:
        assert len(kept[2].observations) == 1
    assert any("not on file" in note for note in split.notes)


# Regressions: each crash and silent failure the review found --------------------------------------------------


def test_an_indicator_the_current_version_lacks_is_a_new_candidate_not_a_key_error():
    rows = _many(300, 3)
    rows = [
        replace(r, observations=(*r.observations, Observation("county_lines_contact", r.assessed_on)))
        if r.harmed
        else r
        for r in rows
    ]
    report = run_study(original_instrument(), rows, as_of=date(2023, 1, 1), settings=SMALL)
    assert report.new_indicators == ["county_lines_contact"]
    assert any("new candidates" in note for note in report.notes)
    assert report.candidate("current").definition.indicator("county_lines_contact").current == 0


def test_a_legacy_import_with_most_assessments_on_the_earliest_date_still_trains():
    rows = _many(300, 3)
    legacy_day = min(r.assessed_on for r in rows)
    rows = [replace(r, assessed_on=legacy_day) if i % 10 < 6 else r for i, r in enumerate(rows)]
    report = run_study(original_instrument(), rows, as_of=date(2023, 1, 1), settings=SMALL)
    assert report.train_assessments > 0
    assert any("legacy import" in note for note in report.notes)


def test_no_harm_in_training_proposes_nothing_instead_of_a_version_flagging_3_percent():
    rows = _many(400, 3)
    # The split depends on dates and children, not on labels: clear every training child's harm.
    training = {r.child for r in split_for_study(rows, as_of=date(2023, 1, 1)).train}
    rows = [replace(r, harmed=False) if r.child in training else r for r in rows]
    report = run_study(original_instrument(), rows, as_of=date(2023, 1, 1), settings=SMALL)
    assert report.proposed_key == "current"
    assert not report.target_met
    assert not report.target_judged
    assert any("training period" in reason for reason in report.reasons_not_to_propose)


def test_five_harmed_children_propose_nothing_instead_of_a_version_with_0_percent_sensitivity():
    rows = _many(300, 60)  # 5 harmed children
    report = run_study(original_instrument(), rows, as_of=date(2023, 1, 1))
    assert report.proposed_key == "current"
    assert [c.key for c in report.candidates] == ["current"]
    assert any("at least 100 are needed" in reason for reason in report.reasons_not_to_propose)


def test_a_held_out_period_with_no_harm_is_refused_not_reported_as_nan_percent():
    rows = _many(300, 3)
    held_out = {r.child for r in split_for_study(rows, as_of=date(2023, 1, 1)).test}
    rows = [replace(r, harmed=False) if r.child in held_out else r for r in rows]
    with pytest.raises(StudyRefusedError, match=r"held-out period .* no child later confirmed harmed"):
        run_study(original_instrument(), rows, as_of=date(2023, 1, 1), settings=SMALL)


def test_no_outcomes_at_all_is_refused_in_plain_words():
    with pytest.raises(StudyRefusedError, match="Without confirmed outcomes"):
        run_study(original_instrument(), _many(100, 0), as_of=date(2023, 1, 1))
    with pytest.raises(StudyRefusedError, match=r"nothing to study|no completed assessments"):
        run_study(original_instrument(), [], as_of=date(2023, 1, 1))


def test_nothing_mature_yet_is_refused_in_plain_words():
    with pytest.raises(StudyRefusedError, match="mature"):
        run_study(original_instrument(), _many(100, 3), as_of=date(2019, 6, 1))


# Fitting (unchanged method) ---------------------------------------------------------------------------------


def test_fitted_weights_are_never_negative():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, size=(400, 6)).astype(float)
    y = (x[:, 0] + x[:, 1] - 2 * x[:, 5] + rng.normal(0, 0.5, 400) > 0.5).astype(int)
    weights, _ = fit_non_negative_logistic(x, y)
    assert (weights >= 0).all()
    assert weights[5] == pytest.approx(0, abs=1e-6)
    assert weights[0] > weights[3]


def test_points_are_monotone_in_recency():
    definition = seraf_style_default()
    names_count = feature_matrix(definition, []).shape[1]
    points = weights_to_points(definition, np.linspace(0.1, 2.0, names_count), 10)
    assert all(current >= older >= 0 for current, older in points.values())
    assert max(current for current, _ in points.values()) == 10


def test_batch_scoring_matches_the_product_scoring_function():
    record = _record(1, date(2013, 6, 1), True, "disclosure")
    scored = score_all(original_instrument(), [record])
    assert scored.level[0] == 3
    assert scored.floor[0] == 3
