"""The ceiling: how well a flexible model does from the same information the instrument scores.

A points table can only be as good as the information it adds up. Gradient-boosted trees
(scikit-learn's ``HistGradientBoostingClassifier``) on the same indicators (seen at all, seen in the
last 6 months), the child's age and learning disability, fitted on the training period and measured on
the held-out one, give about the best AUC those features allow. When that ceiling sits below what a
target needs, no re-weighting can reach the target: better recording, not better points, is the remedy.
Pure: numpy and scikit-learn.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.ensemble import HistGradientBoostingClassifier
from threadpoolctl import threadpool_limits

from tessera.risk.calibration_metrics import LabelledAssessment
from tessera.risk.instrument import Group, InstrumentDefinition
from tessera.risk.resampling import ChildResampler, Interval
from tessera.risk.scoring import Recency, age_on, contributions_of


@dataclass(frozen=True)
class Ceiling:
    auc: Interval
    model: str


def all_features(definition: InstrumentDefinition, records: Sequence[LabelledAssessment]) -> np.ndarray:
    """Every indicator (signs of harm too) as "counted at all" and "in the last 6 months", then age and
    learning disability: everything the instrument could use, nothing it could not."""
    codes = [i.code for i in definition.indicators]
    index = {code: 2 * n for n, code in enumerate(codes)}
    matrix = np.zeros((len(records), 2 * len(codes) + 2))
    for row, record in enumerate(records):
        for c in contributions_of(definition, record.observations, record.assessed_on):
            if not c.counts:
                continue
            matrix[row, index[c.indicator.code]] = 1
            if c.recency == Recency.CURRENT or c.indicator.group == Group.VULNERABILITY:
                matrix[row, index[c.indicator.code] + 1] = 1
        birth = record.facts.date_of_birth
        matrix[row, -2] = age_on(birth, record.assessed_on) if birth else np.nan
        matrix[row, -1] = float(record.facts.learning_disability)
    return matrix


def ceiling(
    definition: InstrumentDefinition,
    train: Sequence[LabelledAssessment],
    test: Sequence[LabelledAssessment],
    resampler: ChildResampler,
    *,
    seed: int = 2013,
) -> Ceiling:
    # Shallow trees, a slow learning rate and large leaves: on a few thousand noisy assessments a deeper
    # model overfits and lands below the points table it is meant to bound (checked on the synthetic
    # worlds: depth 3 gave the highest held-out AUC of the settings tried, at 1,500 and 5,000 children).
    model = HistGradientBoostingClassifier(
        max_iter=200,
        learning_rate=0.03,
        max_depth=3,
        min_samples_leaf=50,
        l2_regularization=2.0,
        random_state=seed,
    )
    # One thread: on a shared machine OpenMP threads spin against each other and the fit takes ten times
    # longer; the model is small enough that one core fits it in seconds.
    with threadpool_limits(limits=1):
        model.fit(all_features(definition, train), np.array([r.harmed for r in train], dtype=int))
        chance = model.predict_proba(all_features(definition, test))[:, 1]
    y = np.array([r.harmed for r in test], dtype=bool)
    return Ceiling(
        resampler.auc(y, chance),
        "Gradient-boosted trees on the same indicators, age and learning disability",
    )
