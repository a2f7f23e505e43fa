"""Fairness and calibration by group: does a version find harmed children, flag children and predict harm
alike across districts, sexes, ethnicities, age bands, care status and learning disability? Pure.

Each figure comes with its interval from the study's shared resampling of children, so a gap between two
groups can be read against the noise. A group with no later-harmed child has no sensitivity: it is shown
as "no figure", never as 0% or 100%.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from tessera.risk.calibration_metrics import LabelledAssessment
from tessera.risk.instrument import Level
from tessera.risk.resampling import ChildResampler, Interval, percentile_interval
from tessera.risk.scoring import age_on

# The groups, in the order the table shows them, with the words the table uses.
GROUPS = (
    ("district", "District"),
    ("sex", "Sex"),
    ("ethnicity", "Ethnicity"),
    ("age_band", "Age band"),
    ("care_status", "Care status"),
    ("learning_disability", "Learning disability"),
)
UNKNOWN = "Not recorded"


def age_band(record: LabelledAssessment) -> str:
    if record.facts.date_of_birth is None:
        return UNKNOWN
    age = age_on(record.facts.date_of_birth, record.assessed_on)
    if age < 13:
        return "Under 13"
    if age < 16:
        return "13 to 15"
    return "16 and over"


def group_of(record: LabelledAssessment, name: str) -> str:
    if name == "age_band":
        return age_band(record)
    if name == "learning_disability":
        return (
            "Learning disability" if record.facts.learning_disability else "No learning disability recorded"
        )
    return record.groups.get(name) or UNKNOWN


@dataclass(frozen=True)
class GroupRow:
    group: str
    value: str
    assessments: int
    children: int
    harmed: int
    sensitivity: Interval
    flag_rate: Interval
    observed: Interval
    predicted: float
    # Observed share harmed minus mean predicted chance: above 0, the version under-predicts this group.
    calibration_gap: Interval


def fairness_table(
    resampler: ChildResampler,
    records: Sequence[LabelledAssessment],
    levels: np.ndarray,
    probability: np.ndarray,
) -> list[GroupRow]:
    y = np.array([r.harmed for r in records], dtype=bool)
    flagged = levels >= Level.MODERATE.rank
    children = np.array([r.child for r in records])
    rows = []
    for name, label in GROUPS:
        values = np.array([group_of(r, name) for r in records])
        for value in sorted(set(values.tolist())):
            inside = values == value
            observed_draws = resampler.ratio_draws(y & inside, inside)
            predicted_draws = resampler.ratio_draws(np.where(inside, probability, 0.0), inside)
            observed = resampler.share(y, inside)
            predicted = float(probability[inside].mean())
            low, high = percentile_interval(observed_draws - predicted_draws, resampler.level)
            rows.append(
                GroupRow(
                    group=label,
                    value=value,
                    assessments=int(inside.sum()),
                    children=len(set(children[inside].tolist())),
                    harmed=int((y & inside).sum()),
                    sensitivity=resampler.share(flagged, y & inside),
                    flag_rate=resampler.share(flagged, inside),
                    observed=observed,
                    predicted=predicted,
                    calibration_gap=Interval(observed.value - predicted, low, high),
                )
            )
    return rows


def fairness_to_json(rows: Sequence[GroupRow]) -> list[dict[str, Any]]:
    return [
        {
            "group": r.group,
            "value": r.value,
            "assessments": r.assessments,
            "children": r.children,
            "harmed": r.harmed,
            "sensitivity": r.sensitivity.to_json(),
            "flag_rate": r.flag_rate.to_json(),
            "observed": r.observed.to_json(),
            "predicted": r.predicted,
            "calibration_gap": r.calibration_gap.to_json(),
        }
        for r in rows
    ]
