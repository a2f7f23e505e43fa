"""The calibration study as pure code: constraints hold, the split is by time, figures are right."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from tessera.risk.calibration import CAVEAT, run_study, time_split
from tessera.risk.calibration_fit import feature_matrix, fit_non_negative_logistic, weights_to_points
from tessera.risk.calibration_metrics import LabelledAssessment, figures, score_all
from tessera.risk.catalogue import seraf_style_default
from tessera.risk.instrument import problems_with
from tessera.risk.scoring import ChildFacts, Observation
from tessera.synth.risk_history import generate_histories, labelled_assessments, original_instrument

START, END = date(2011, 1, 1), date(2013, 12, 31)


@pytest.fixture(scope="module")
def records() -> list[LabelledAssessment]:
    return labelled_assessments(generate_histories(800, seed=11, start=START, end=END), data_end=END)


@pytest.fixture(scope="module")
def report(records):
    return run_study(original_instrument(), records)


def test_the_split_trains_on_earlier_assessments_and_tests_on_later_ones(records):
    split, train, test = time_split(records, 0.6)
    assert max(r.assessed_on for r in train) < split <= min(r.assessed_on for r in test)
    assert len(train) + len(test) == len(records)


def test_the_study_finds_the_original_instrument_under_rates(report):
    current = report.candidate("current")
    proposed = report.candidate(report.proposed_key)
    assert current.test.harmed_below_moderate > proposed.test.harmed_below_moderate
    assert proposed.test.sensitivity > current.test.sensitivity
    assert proposed.test.auc > current.test.auc


def test_the_proposal_keeps_the_hard_rules_and_is_a_valid_version(report):
    proposed = report.candidate(report.proposed_key).definition
    assert problems_with(proposed) == []
    assert proposed.hard_rules == original_instrument().hard_rules
    for indicator in proposed.indicators:
        assert indicator.current >= indicator.older >= 0


def test_the_report_states_plainly_that_synthetic_weights_only_prove_the_method(report):
    assert "prove the method, not weights for real use" in CAVEAT
    assert report.caveat == CAVEAT
    assert report.summary[-1] == CAVEAT


def test_fitted_weights_are_never_negative():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 2, size=(400, 6)).astype(float)
    # The last feature protects (lowers harm); the constraint must hold it at zero, not below.
    y = (x[:, 0] + x[:, 1] - 2 * x[:, 5] + rng.normal(0, 0.5, 400) > 0.5).astype(int)
    weights, _ = fit_non_negative_logistic(x, y)
    assert (weights >= 0).all()
    assert weights[5] == pytest.approx(0, abs=1e-6)
    assert weights[0] > weights[3]


def test_points_are_monotone_in_recency():
    definition = seraf_style_default()
    names_count = feature_matrix(definition, []).shape[1]
    coefficients = np.linspace(0.1, 2.0, names_count)
    points = weights_to_points(definition, coefficients, 10)
    assert all(current >= older >= 0 for current, older in points.values())
    assert max(current for current, _ in points.values()) == 10


def test_figures_count_sensitivity_specificity_and_children_below_moderate():
    y = np.array([1, 1, 1, 0, 0, 0, 0, 0])
    levels = np.array([3, 2, 1, 2, 0, 0, 1, 1])
    result = figures(y, levels, levels.astype(float), np.full(8, 0.375))
    assert result.sensitivity == pytest.approx(2 / 3)
    assert result.specificity == pytest.approx(4 / 5)
    assert result.flag_rate == pytest.approx(3 / 8)
    assert result.harmed_below_moderate == 1


def test_batch_scoring_matches_the_product_scoring_function():
    definition = original_instrument()
    record = LabelledAssessment(
        1,
        date(2013, 6, 1),
        (Observation("disclosure", date(2013, 5, 1)),),
        ChildFacts(date(2000, 1, 1)),
        True,
    )
    scored = score_all(definition, [record])
    assert scored.level[0] == 3
    assert scored.floor[0] == 3
