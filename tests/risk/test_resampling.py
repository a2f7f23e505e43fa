"""Intervals from resampling children, checked on examples worked by hand."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from tessera.risk.resampling import ChildResampler, percentile_interval


def test_percentile_interval_of_a_known_list():
    # 0, 1, ..., 100: the 2.5th and 97.5th percentiles (linear interpolation) are 2.5 and 97.5.
    assert percentile_interval(np.arange(101.0)) == pytest.approx((2.5, 97.5))
    assert percentile_interval(np.array([np.nan, 1.0, 1.0])) == (1.0, 1.0)


def test_resampling_draws_children_not_assessments_worked_by_hand():
    """Child A: 9 assessments followed by harm, all flagged. Child B: 1, not flagged.

    Per assessment the sensitivity is 9 of 10 = 90%. Drawing two children with replacement gives AA
    (chance 1/4, sensitivity 100%), AB or BA (1/2, 90%) and BB (1/4, 0%), so the 95% percentile interval
    runs from 0% to 100%. Drawing assessments instead would have given a narrow interval around 90%: the
    interval must say the figure rests on two children.
    """
    children = np.array([1] * 9 + [2])
    flagged = np.array([True] * 9 + [False])
    harmed = np.ones(10, dtype=bool)
    resampler = ChildResampler(children, draws=4000, seed=1)
    sensitivity = resampler.share(flagged, harmed)
    assert sensitivity.value == pytest.approx(0.9)
    assert (sensitivity.low, sensitivity.high) == (0.0, 1.0)
    draws = np.round(resampler.ratio_draws(flagged & harmed, harmed), 6)
    assert set(draws.tolist()) == {0.0, 0.9, 1.0}
    assert np.mean(draws == 1.0) == pytest.approx(0.25, abs=0.03)
    assert np.mean(draws == 0.9) == pytest.approx(0.5, abs=0.03)
    assert np.mean(draws == 0.0) == pytest.approx(0.25, abs=0.03)


def test_352_of_366_does_not_establish_95_percent():
    """The old headline: 352 of 366 later-harmed children found is 96.2%, but its interval reaches below
    95% (the binomial interval is about 93.7% to 97.7%), so "95% met" is not established."""
    children = np.arange(366)
    flagged = np.arange(366) < 352
    interval = ChildResampler(children, draws=2000, seed=3).share(flagged, np.ones(366, dtype=bool))
    assert interval.value == pytest.approx(352 / 366)
    assert 0.93 < interval.low < 0.95 < interval.value < interval.high < 0.985


def test_auc_matches_scikit_learn_on_tied_scores():
    rng = np.random.default_rng(0)
    y = rng.random(500) < 0.2
    key = rng.integers(0, 12, 500) + 3 * y
    interval = ChildResampler(np.arange(500), draws=500, seed=2).auc(y, key)
    assert interval.value == pytest.approx(roc_auc_score(y, key))
    assert interval.low < interval.value < interval.high


def test_no_figure_when_there_is_nobody_to_divide_by():
    resampler = ChildResampler(np.array([1, 2, 3]), draws=50)
    nothing = resampler.share(np.array([True, False, True]), np.zeros(3, dtype=bool))
    assert nothing.value != nothing.value
    everyone_harmed = resampler.auc(np.array([True, True, True]), np.array([1, 2, 3]))
    assert everyone_harmed.value != everyone_harmed.value


def test_all_hits_never_collapse_to_a_zero_width_interval():
    """Seven of seven harmed children found: the bootstrap alone says 100% (100 to 100%); the interval is
    widened to the Wilson interval on seven children, 64.6% to 100%."""
    from tessera.risk.resampling import wilson_interval

    resampler = ChildResampler(np.arange(7), draws=500)
    found = resampler.share(np.ones(7, dtype=bool))
    assert found.value == 1.0
    assert found.low == pytest.approx(0.646, abs=0.001)
    assert found.high == 1.0
    assert wilson_interval(352 / 366, 366) == pytest.approx((0.937, 0.977), abs=0.001)
