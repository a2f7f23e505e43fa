"""The calibration study: how well an instrument version separates children later harmed from the rest,
and a re-weighted, re-banded version that under-rates less. Pure: plain data in, plain data out.

Method (see docs/adr/0009-risk-calibration-method.md):
1. Time split. Assessments before the split date train; assessments on or after it test. Nothing learnt
   from the later period is used to fit, so the test figures are what the first months of use would show.
2. The current version is measured: sensitivity and specificity at "Moderate or above", the flag rate,
   ROC AUC of its ordering (level, then score), how many later-harmed children it placed below Moderate,
   and a calibration curve (isotonic regression of outcome on its score, fitted on the training period).
3. Alternative A keeps the current points and re-draws the bands from the training period.
4. Alternative B re-weights: a logistic regression whose weights are constrained to be non-negative
   (adding an indicator never lowers the score) and monotone in recency (an indicator seen in the last
   6 months never counts less than one seen 6 to 12 months ago), turned into whole points; bands drawn
   from the training period so that at least ``target_sensitivity`` of later-harmed children are at
   Moderate or above, within a flag-rate budget; "Significant" starts where the isotonic-calibrated chance
   of harm reaches one half.
5. Every figure for every candidate is reported on the held-out later period, whether or not it meets
   the target. Hard rules are applied throughout: no candidate can drop them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

import numpy as np

from tessera.risk.calibration_fit import (
    choose_bands,
    feature_matrix,
    fit_non_negative_logistic,
    weights_to_points,
)
from tessera.risk.calibration_metrics import Figures, LabelledAssessment, evaluate, score_all
from tessera.risk.instrument import InstrumentDefinition, Level, problems_with, to_json
from tessera.risk.scoring import long_date

# Follow-up after an assessment: was the child harmed before the next three-monthly review was due?
FOLLOW_UP_MONTHS = 3

CAVEAT = (
    "Weights learnt on synthetic outcomes prove the method, not weights for real use. Before any version "
    "proposed here is used with real children, the study must be re-run on real, later-confirmed outcomes "
    "(crimes flagged as exploitation, disclosures, section 47 findings), and the result approved by two "
    "managers like any other version."
)


@dataclass(frozen=True)
class StudySettings:
    train_share: float = 0.6
    target_sensitivity: float = 0.95
    # Bands are drawn on the training period a little above target, to leave room for the test period.
    train_sensitivity: float = 0.975
    flag_budget_points: float = 10.0
    max_points: int = 10
    l2: float = 1.0


@dataclass(frozen=True)
class Candidate:
    key: str
    name: str
    definition: InstrumentDefinition
    train: Figures
    test: Figures
    note: str = ""


@dataclass
class StudyReport:
    caveat: str
    settings: StudySettings
    split_date: date
    train_period: tuple[date, date]
    test_period: tuple[date, date]
    train_assessments: int
    test_assessments: int
    candidates: list[Candidate] = field(default_factory=list)
    proposed_key: str = ""
    target_met: bool = False
    summary: list[str] = field(default_factory=list)

    def candidate(self, key: str) -> Candidate:
        return next(c for c in self.candidates if c.key == key)


Progress = Callable[[int, int, str], None]


def _quiet(done: int, total: int, message: str) -> None:
    return None


# The study ------------------------------------------------------------------------------------------------


def time_split(
    records: Sequence[LabelledAssessment], train_share: float
) -> tuple[date, list[LabelledAssessment], list[LabelledAssessment]]:
    dates = sorted(r.assessed_on for r in records)
    split = dates[min(len(dates) - 1, int(len(dates) * train_share))]
    train = [r for r in records if r.assessed_on < split]
    test = [r for r in records if r.assessed_on >= split]
    return split, train, test


def run_study(
    current: InstrumentDefinition,
    records: Sequence[LabelledAssessment],
    *,
    current_name: str = "Current version",
    settings: StudySettings | None = None,
    progress: Progress = _quiet,
) -> StudyReport:
    settings = settings or StudySettings()
    if len(records) < 50 or len({r.harmed for r in records}) < 2:
        raise ValueError("The study needs at least 50 assessments with outcomes, some harmed and some not")
    split, train, test = time_split(records, settings.train_share)
    report = StudyReport(
        caveat=CAVEAT,
        settings=settings,
        split_date=split,
        train_period=(min(r.assessed_on for r in train), max(r.assessed_on for r in train)),
        test_period=(min(r.assessed_on for r in test), max(r.assessed_on for r in test)),
        train_assessments=len(train),
        test_assessments=len(test),
    )
    steps = 5
    progress(0, steps, "Scoring the current version")
    y_train = np.array([r.harmed for r in train], dtype=int)
    current_train, current_test = evaluate(current, train, test)
    report.candidates.append(Candidate("current", current_name, current, current_train, current_test))
    budget = current_train.flag_rate + settings.flag_budget_points / 100

    progress(1, steps, "Re-drawing the current version's bands (alternative A)")
    scored = score_all(current, train)
    bands_a, note_a = choose_bands(
        scored.score,
        scored.floor,
        y_train,
        target_sensitivity=settings.train_sensitivity,
        max_flag_rate=budget,
    )
    rebanded = current.with_weights({}, bands_a, f"{current.title}, re-banded")
    a_train, a_test = evaluate(rebanded, train, test)
    report.candidates.append(
        Candidate(
            "rebanded",
            "A: current points, bands re-drawn by isotonic calibration",
            rebanded,
            a_train,
            a_test,
            note_a,
        )
    )

    progress(2, steps, "Fitting non-negative, recency-monotone weights (alternative B)")
    decided = scored.floor < Level.SIGNIFICANT.rank
    x_train = feature_matrix(current, train)[decided]
    coefficients, _ = fit_non_negative_logistic(x_train, y_train[decided], settings.l2)
    points = weights_to_points(current, coefficients, settings.max_points)
    reweighted = current.with_weights(points, current.bands, f"{current.title}, re-weighted")

    progress(3, steps, "Drawing bands for the re-weighted version")
    scored_b = score_all(reweighted, train)
    bands_b, note_b = choose_bands(
        scored_b.score,
        scored_b.floor,
        y_train,
        target_sensitivity=settings.train_sensitivity,
        max_flag_rate=budget,
    )
    reweighted = reweighted.with_weights({}, bands_b, f"{current.title}, re-weighted and re-banded")
    b_train, b_test = evaluate(reweighted, train, test)
    report.candidates.append(
        Candidate(
            "reweighted",
            "B: re-weighted (non-negative, monotone in recency) and re-banded",
            reweighted,
            b_train,
            b_test,
            note_b,
        )
    )

    progress(4, steps, "Choosing the proposal")
    report.proposed_key, report.target_met = _choose(report, current_test, settings)
    report.summary = _summary(report, settings)
    progress(steps, steps, "Study finished")
    return report


def _meets(candidate: Candidate, current_test: Figures, settings: StudySettings) -> bool:
    return (
        candidate.test.sensitivity >= settings.target_sensitivity
        and candidate.test.flag_rate <= current_test.flag_rate + settings.flag_budget_points / 100
        and not problems_with(candidate.definition)
    )


def _choose(report: StudyReport, current_test: Figures, settings: StudySettings) -> tuple[str, bool]:
    """The alternative that meets the target with the fewest flags; else the one with the best sensitivity."""
    alternatives = [c for c in report.candidates if c.key != "current" and not problems_with(c.definition)]
    meeting = [c for c in alternatives if _meets(c, current_test, settings)]
    if meeting:
        return min(meeting, key=lambda c: c.test.flag_rate).key, True
    best = max(alternatives, key=lambda c: (c.test.sensitivity, -c.test.flag_rate), default=None)
    return (best.key if best else "current"), False


def _percent(value: float) -> str:
    return f"{100 * value:.1f}%"


def _summary(report: StudyReport, settings: StudySettings) -> list[str]:
    current = report.candidate("current")
    proposed = report.candidate(report.proposed_key)
    lines = [
        f"Held-out period {long_date(report.test_period[0])} to {long_date(report.test_period[1])}: "
        f"{report.test_assessments} assessments, {current.test.harmed} of them of children later confirmed harmed.",
        f"{current.name} placed {current.test.harmed_below_moderate} of {current.test.harmed} later-harmed "
        f"children below Moderate (sensitivity {_percent(current.test.sensitivity)}, "
        f"flag rate {_percent(current.test.flag_rate)}, AUC {current.test.auc:.3f}).",
        f"Proposed ({proposed.name}): sensitivity {_percent(proposed.test.sensitivity)}, "
        f"specificity {_percent(proposed.test.specificity)}, flag rate {_percent(proposed.test.flag_rate)}, "
        f"AUC {proposed.test.auc:.3f}, {proposed.test.harmed_below_moderate} later-harmed children below Moderate.",
    ]
    target = (
        f"Target: at least {_percent(settings.target_sensitivity)} of later-harmed children at Moderate or above, "
        f"with a flag rate no more than {settings.flag_budget_points:g} points above the current version's "
        f"({_percent(current.test.flag_rate)} + {settings.flag_budget_points:g} = "
        f"{_percent(current.test.flag_rate + settings.flag_budget_points / 100)})."
    )
    lines.append(
        target + (" Met on the held-out period." if report.target_met else " Not met on the held-out period.")
    )
    lines.append(report.caveat)
    return lines


# Serialising ----------------------------------------------------------------------------------------------


def _figures_json(f: Figures) -> dict[str, Any]:
    data = asdict(f)
    data["levels"] = [
        {"level": r.level, "count": r.count, "harmed": r.harmed, "rate": r.rate} for r in f.levels
    ]
    return data


def report_to_json(report: StudyReport) -> dict[str, Any]:

    return {
        "caveat": report.caveat,
        "settings": asdict(report.settings),
        "split_date": report.split_date.isoformat(),
        "train_period": [d.isoformat() for d in report.train_period],
        "test_period": [d.isoformat() for d in report.test_period],
        "train_assessments": report.train_assessments,
        "test_assessments": report.test_assessments,
        "proposed_key": report.proposed_key,
        "target_met": report.target_met,
        "summary": report.summary,
        "candidates": [
            {
                "key": c.key,
                "name": c.name,
                "note": c.note,
                "definition": to_json(c.definition),
                "train": _figures_json(c.train),
                "test": _figures_json(c.test),
            }
            for c in report.candidates
        ],
    }
