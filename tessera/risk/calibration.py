"""The calibration study: how well an instrument version finds children later harmed, and a re-weighted,
re-banded version that under-rates less, every figure with its interval. Pure: plain data in, plain data out.

Method (docs/adr/0017-risk-validation-with-intervals.md, succeeding ADR 0009):
1. Split (``calibration_split``): by child and by date, no training label running past the split date,
   only observations on file when each assessment was completed, only outcomes that have had
   ``maturity_months`` to be confirmed. Guards (``calibration_guards``) refuse, in plain words, a study
   with no outcomes or a held-out period that cannot judge, and refuse to propose from fewer than
   ``min_harmed_children`` harmed children in either period.
2. Indicators on file that the current version lacks are carried as new candidates at 0 points: the
   current version scores them as it would (not at all), the re-weighting may give them points.
3. The current version is measured on the held-out period: sensitivity and specificity at "Moderate or
   above", flag rate, ROC AUC of its ordering (level, then score), Brier score, calibration curve and
   decision curve, per assessment and per child, each with a 95% interval from resampling children
   (``resampling``), and by group (``fairness``).
4. Alternative A keeps the current points and re-draws the bands from the training period. Alternative B
   re-weights: a logistic regression with non-negative weights, monotone in recency, turned into whole
   points; bands drawn so that at least ``train_sensitivity`` of training harmed children are at Moderate
   or above within a flag-rate budget.
5. The ceiling (``ceiling``): a flexible model on the same features, as the best AUC they allow.
6. "Target met" is judged on the lower end of the proposal's sensitivity interval, never on the point.
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
from tessera.risk.calibration_guards import (
    MIN_HARMED_CHILDREN,
    StudyRefusedError,
    check_proposal,
    refuse_unjudgeable_test,
    refuse_without_outcomes,
)
from tessera.risk.calibration_metrics import (
    LabelledAssessment,
    calibrator,
    levels_for,
    ordering_key,
    score_all,
)
from tessera.risk.calibration_split import FOLLOW_UP_MONTHS, MATURITY_MONTHS, SplitSettings, split_for_study
from tessera.risk.ceiling import ceiling
from tessera.risk.fairness import GroupRow, fairness_table, fairness_to_json
from tessera.risk.instrument import (
    Bands,
    Group,
    Indicator,
    InstrumentDefinition,
    Level,
    problems_with,
    to_json,
)
from tessera.risk.resampling import ChildResampler, Interval
from tessera.risk.scoring import long_date
from tessera.risk.study_figures import Measured, measure, measured_to_json

__all__ = ["FOLLOW_UP_MONTHS", "StudyRefusedError"]

CAVEAT = (
    "Weights learnt on synthetic outcomes prove the method, not weights for real use. Before any version "
    "proposed here is used with real children, the study must be re-run on real, later-confirmed outcomes "
    "(crimes flagged as exploitation, disclosures, section 47 findings), watched in shadow until those "
    "outcomes mature, and approved by two managers like any other version."
)


@dataclass(frozen=True)
class StudySettings:
    train_share: float = 0.6
    test_child_share: float = 0.5
    target_sensitivity: float = 0.95
    # Bands are drawn on the training period a little above target, to leave room for the test period.
    train_sensitivity: float = 0.975
    flag_budget_points: float = 10.0
    max_points: int = 10
    l2: float = 1.0
    follow_up_months: int = FOLLOW_UP_MONTHS
    maturity_months: int = MATURITY_MONTHS
    min_harmed_children: int = MIN_HARMED_CHILDREN
    draws: int = 1000
    seed: int = 2013

    @property
    def split(self) -> SplitSettings:
        return SplitSettings(
            train_share=self.train_share,
            test_child_share=self.test_child_share,
            follow_up_months=self.follow_up_months,
            maturity_months=self.maturity_months,
            seed=self.seed,
        )


@dataclass(frozen=True)
class Candidate:
    key: str
    name: str
    definition: InstrumentDefinition
    test: Measured
    note: str = ""
    # Synthetic worlds only: sensitivity against every truly harmed child, confirmed or not.
    sensitivity_against_truth: Interval | None = None


@dataclass
class StudyReport:
    caveat: str
    settings: StudySettings
    split_date: date
    train_period: tuple[date, date]
    test_period: tuple[date, date]
    train_assessments: int
    test_assessments: int
    train_children: int
    test_children: int
    train_harmed_children: int
    test_harmed_children: int
    mature_until: date
    candidates: list[Candidate] = field(default_factory=list)
    proposed_key: str = "current"
    target_met: bool = False
    target_judged: bool = False
    # Points by which the lower end of the proposal's sensitivity falls short of the target (0 when met).
    shortfall_points: float = 0.0
    flag_budget: float = 0.0
    best_within_budget: Interval | None = None
    ceiling_auc: Interval | None = None
    ceiling_model: str = ""
    fairness: dict[str, list[GroupRow]] = field(default_factory=dict)
    new_indicators: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    reasons_not_to_propose: list[str] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)

    def candidate(self, key: str) -> Candidate:
        return next(c for c in self.candidates if c.key == key)


Progress = Callable[[int, int, str], None]


def _quiet(done: int, total: int, message: str) -> None:
    return None


# Unknown indicators ----------------------------------------------------------------------------------------


def with_new_candidates(
    definition: InstrumentDefinition,
    records: Sequence[LabelledAssessment],
    labels: dict[str, str] | None = None,
) -> tuple[InstrumentDefinition, list[str]]:
    """The definition with every indicator code on file that it lacks, at 0 points (a new candidate)."""
    labels = labels or {}
    known = {i.code for i in definition.indicators}
    unknown = sorted({o.indicator for r in records for o in r.observations} - known)
    if not unknown:
        return definition, []
    extra = tuple(
        Indicator(
            code=code,
            label=labels.get(code, code.replace("_", " ").capitalize()),
            group=Group.MODERATE,
            current=0,
            older=0,
        )
        for code in unknown
    )
    return (
        InstrumentDefinition(
            title=definition.title,
            indicators=definition.indicators + extra,
            bands=definition.bands,
            hard_rules=definition.hard_rules,
            current_months=definition.current_months,
            window_months=definition.window_months,
        ),
        unknown,
    )


# The study ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Scored:
    levels: np.ndarray
    key: np.ndarray
    probability: np.ndarray
    scores: np.ndarray
    floors: np.ndarray
    chance_of_score: Any


def _score(
    definition: InstrumentDefinition, train: Sequence[LabelledAssessment], test: Sequence[LabelledAssessment]
) -> _Scored:
    """Held-out levels and ordering, with chances of harm calibrated on the training period only."""
    y_train = np.array([r.harmed for r in train], dtype=int)
    scored_train, scored_test = score_all(definition, train), score_all(definition, test)
    key_train = ordering_key(scored_train.level, scored_train.score)
    key_test = ordering_key(scored_test.level, scored_test.score)
    chance = calibrator(key_train, y_train)
    return _Scored(
        scored_test.level, key_test, chance.predict(key_test), scored_test.score, scored_test.floor, chance
    )


class _Measurer:
    def __init__(self, test: Sequence[LabelledAssessment], settings: StudySettings) -> None:
        self.test = test
        self.children = np.array([r.child for r in test])
        self.y = np.array([r.harmed for r in test], dtype=int)
        self.resampler = ChildResampler(self.children, draws=settings.draws, seed=settings.seed)
        self.child_resampler = ChildResampler(
            np.unique(self.children), draws=settings.draws, seed=settings.seed
        )
        truth = [r.truly_harmed for r in test]
        self.truth = np.array(truth, dtype=bool) if all(t is not None for t in truth) else None

    def measure(self, scored: _Scored) -> Measured:
        return measure(
            self.resampler,
            self.children,
            self.y,
            scored.levels,
            scored.key,
            scored.probability,
            self.child_resampler,
        )

    def against_truth(self, scored: _Scored) -> Interval | None:
        if self.truth is None:
            return None
        return self.resampler.share(scored.levels >= Level.MODERATE.rank, self.truth)


def run_study(
    current: InstrumentDefinition,
    records: Sequence[LabelledAssessment],
    *,
    current_name: str = "Current version",
    settings: StudySettings | None = None,
    as_of: date | None = None,
    indicator_labels: dict[str, str] | None = None,
    progress: Progress = _quiet,
) -> StudyReport:
    """The study on every completed assessment with its outcome; ``as_of`` is the data's end (today)."""
    settings = settings or StudySettings()
    steps = 7
    progress(0, steps, "Splitting by child and by date")
    split = split_for_study(records, as_of=as_of, settings=settings.split)
    refuse_without_outcomes(split.train + split.test)
    refuse_unjudgeable_test(split.test, split.split_date)
    train, test = split.train, split.test
    if not train:
        raise StudyRefusedError("The training period has no assessments with mature outcomes")
    check = check_proposal(train, test, settings.min_harmed_children)
    current, new_codes = with_new_candidates(current, train + test, indicator_labels)
    report = StudyReport(
        caveat=CAVEAT,
        settings=settings,
        split_date=split.split_date,
        train_period=(min(r.assessed_on for r in train), max(r.assessed_on for r in train)),
        test_period=(min(r.assessed_on for r in test), max(r.assessed_on for r in test)),
        train_assessments=len(train),
        test_assessments=len(test),
        train_children=len({r.child for r in train}),
        test_children=len({r.child for r in test}),
        train_harmed_children=check.train_harmed_children,
        test_harmed_children=check.test_harmed_children,
        mature_until=split.mature_until,
        notes=list(split.notes),
        new_indicators=new_codes,
        reasons_not_to_propose=check.reasons,
    )
    if new_codes:
        report.notes.append(
            f"{len(new_codes)} indicator codes on file are not in the current version "
            f"({', '.join(new_codes)}): they are carried as new candidates at 0 points."
        )
    measurer = _Measurer(test, settings)
    y_train = np.array([r.harmed for r in train], dtype=int)

    progress(1, steps, "Measuring the current version with intervals")
    current_scored = _score(current, train, test)
    current_test = measurer.measure(current_scored)
    report.candidates.append(
        Candidate("current", current_name, current, current_test, "", measurer.against_truth(current_scored))
    )
    current_train = score_all(current, train)
    train_flag_rate = float((current_train.level >= Level.MODERATE.rank).mean())
    fit_budget = train_flag_rate + settings.flag_budget_points / 100
    report.flag_budget = current_test.flag_rate.value + settings.flag_budget_points / 100
    scored_by_key = {"current": current_scored}

    if not check.reasons:
        progress(2, steps, "Re-drawing the current version's bands (alternative A)")
        bands_a, note_a = choose_bands(
            current_train.score,
            current_train.floor,
            y_train,
            target_sensitivity=settings.train_sensitivity,
            max_flag_rate=fit_budget,
        )
        rebanded = current.with_weights({}, bands_a, f"{current.title}, re-banded")
        scored_a = _score(rebanded, train, test)
        scored_by_key["rebanded"] = scored_a
        report.candidates.append(
            Candidate(
                "rebanded",
                "A: current points, bands re-drawn",
                rebanded,
                measurer.measure(scored_a),
                note_a,
                measurer.against_truth(scored_a),
            )
        )

        progress(3, steps, "Fitting non-negative, recency-monotone weights (alternative B)")
        decided = current_train.floor < Level.SIGNIFICANT.rank
        x_train = feature_matrix(current, train)[decided]
        coefficients, _ = fit_non_negative_logistic(x_train, y_train[decided], settings.l2)
        points = weights_to_points(current, coefficients, settings.max_points)
        reweighted = current.with_weights(points, current.bands, f"{current.title}, re-weighted")
        scored_b_train = score_all(reweighted, train)
        bands_b, note_b = choose_bands(
            scored_b_train.score,
            scored_b_train.floor,
            y_train,
            target_sensitivity=settings.train_sensitivity,
            max_flag_rate=fit_budget,
        )
        reweighted = reweighted.with_weights({}, bands_b, f"{current.title}, re-weighted and re-banded")
        scored_b = _score(reweighted, train, test)
        scored_by_key["reweighted"] = scored_b
        report.candidates.append(
            Candidate(
                "reweighted",
                "B: re-weighted (non-negative, monotone in recency) and re-banded",
                reweighted,
                measurer.measure(scored_b),
                note_b,
                measurer.against_truth(scored_b),
            )
        )

    progress(4, steps, "Fitting the ceiling: a flexible model on the same features")
    found = ceiling(current, train, test, measurer.resampler, seed=settings.seed)
    report.ceiling_auc, report.ceiling_model = found.auc, found.model

    progress(5, steps, "Judging the target on the lower end of each interval")
    _choose(report, settings)
    proposed_scored = scored_by_key[report.proposed_key]
    report.best_within_budget = _best_within_budget(measurer, proposed_scored, report.flag_budget)

    progress(6, steps, "Fairness and calibration by group")
    for key in dict.fromkeys(["current", report.proposed_key]):
        scored = scored_by_key[key]
        report.fairness[key] = fairness_table(measurer.resampler, test, scored.levels, scored.probability)
    report.summary = _summary(report, settings)
    progress(steps, steps, "Study finished")
    return report


def _meets(candidate: Candidate, report: StudyReport, settings: StudySettings) -> bool:
    return (
        candidate.test.sensitivity.low >= settings.target_sensitivity
        and candidate.test.flag_rate.value <= report.flag_budget
        and not problems_with(candidate.definition)
    )


def _choose(report: StudyReport, settings: StudySettings) -> None:
    """The alternative that meets the target (on its interval's lower end) with the fewest flags; else the
    one with the best lower end; nothing when the guards refuse a proposal."""
    report.target_judged = not report.reasons_not_to_propose
    alternatives = [c for c in report.candidates if c.key != "current" and not problems_with(c.definition)]
    within = [c for c in alternatives if c.test.flag_rate.value <= report.flag_budget]
    meeting = [c for c in alternatives if _meets(c, report, settings)]
    if meeting:
        report.proposed_key = min(meeting, key=lambda c: c.test.flag_rate.value).key
        report.target_met = True
    elif within or alternatives:
        best = max(within or alternatives, key=lambda c: (c.test.sensitivity.low, -c.test.flag_rate.value))
        report.proposed_key = best.key
    considered = report.candidate(report.proposed_key)
    report.shortfall_points = max(0.0, 100 * (settings.target_sensitivity - considered.test.sensitivity.low))


def _best_within_budget(measurer: _Measurer, scored: _Scored, budget: float) -> Interval | None:
    """The best held-out sensitivity any Moderate threshold reaches within the flag budget, the threshold
    chosen on the held-out period itself: an upper bound on what re-banding this version could do."""
    harmed = measurer.y == 1
    best: tuple[float, np.ndarray] | None = None
    for threshold in range(1, int(scored.scores.max()) + 2 if len(scored.scores) else 2):
        levels = levels_for(scored.scores, scored.floors, Bands(1, threshold, threshold + 1))
        flagged = levels >= Level.MODERATE.rank
        if flagged.mean() > budget:
            continue
        sensitivity = float(flagged[harmed].mean())
        if best is None or sensitivity > best[0]:
            best = (sensitivity, flagged)
    return measurer.resampler.share(best[1], harmed) if best else None


def percent(value: float) -> str:
    return "no figure" if value != value else f"{100 * value:.1f}%"


def with_interval(value: Interval, *, as_share: bool = True) -> str:
    """ "57.3% (95% interval 50.1% to 64.0%)": a figure is never written without its interval."""
    if value.value != value.value:
        return "no figure"
    if as_share:
        return f"{percent(value.value)} (95% interval {percent(value.low)} to {percent(value.high)})"
    return f"{value.value:.3f} (95% interval {value.low:.3f} to {value.high:.3f})"


def _summary(report: StudyReport, settings: StudySettings) -> list[str]:
    current = report.candidate("current")
    lines = [
        f"Held-out period {long_date(report.test_period[0])} to {long_date(report.test_period[1])}: "
        f"{report.test_assessments} assessments of {report.test_children} children, "
        f"{report.test_harmed_children} of them later confirmed harmed. Intervals are 95% intervals "
        f"from resampling children ({settings.draws} draws).",
        f"{current.name}: {current.test.harmed_below_moderate} of {current.test.harmed} assessments followed "
        f"by harm were below Moderate; sensitivity {with_interval(current.test.sensitivity)}, flag rate "
        f"{with_interval(current.test.flag_rate)}, AUC {with_interval(current.test.auc, as_share=False)}.",
    ]
    target = (
        f"Target: at least {percent(settings.target_sensitivity)} of later-harmed children at Moderate or "
        f"above, judged on the lower end of the interval, with a flag rate no more than "
        f"{settings.flag_budget_points:g} points above the current version's ({percent(report.flag_budget)})."
    )
    if report.reasons_not_to_propose:
        lines += [target + " Not judged: " + "; ".join(report.reasons_not_to_propose) + "."]
    else:
        proposed = report.candidate(report.proposed_key)
        lines.append(
            f"Proposed ({proposed.name}): sensitivity {with_interval(proposed.test.sensitivity)}, "
            f"specificity {with_interval(proposed.test.specificity)}, flag rate "
            f"{with_interval(proposed.test.flag_rate)}, AUC {with_interval(proposed.test.auc, as_share=False)}."
        )
        if report.target_met:
            lines.append(target + " Met: the lower end of the interval reaches the target.")
        else:
            lines.append(
                target
                + f" Not met: the lower end of the proposal's interval, {percent(proposed.test.sensitivity.low)}, "
                f"is {report.shortfall_points:.1f} points short of the target."
            )
        if report.best_within_budget is not None and not report.target_met:
            lines.append(
                "Even with the Moderate threshold chosen on the held-out period itself, within the flag budget "
                f"the proposal's sensitivity reaches at most {with_interval(report.best_within_budget)}."
            )
    if report.ceiling_auc is not None:
        # On few harmed children the flexible model can land below the points table; the words must not
        # then call it the best these features allow.
        best = max(c.test.auc.value for c in report.candidates)
        ceiling_words = (
            "about the best these features allow."
            if report.ceiling_auc.value >= best or report.ceiling_auc.high >= best
            else "below the versions' own AUC here, so these few outcomes cannot say what the features allow."
        )
        lines.append(
            f"Ceiling: {report.ceiling_model} reach an AUC of {with_interval(report.ceiling_auc, as_share=False)}"
            f" on the held-out period: {ceiling_words}"
        )
    lines.append(report.caveat)
    return lines


# Serialising ----------------------------------------------------------------------------------------------


def _iv(value: Interval | None) -> dict[str, float] | None:
    return value.to_json() if value is not None else None


def _json_safe(value: Any) -> Any:
    """NaN (no figure: a share of nobody) is not JSON; it is stored as null and shown as "no figure"."""
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, dict):
        return {k: _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(v) for v in value]
    return value


def report_to_json(report: StudyReport) -> dict[str, Any]:
    safe: dict[str, Any] = _json_safe(_report_json(report))
    return safe


def _report_json(report: StudyReport) -> dict[str, Any]:
    return {
        "caveat": report.caveat,
        "settings": asdict(report.settings),
        "split_date": report.split_date.isoformat(),
        "mature_until": report.mature_until.isoformat(),
        "train_period": [d.isoformat() for d in report.train_period],
        "test_period": [d.isoformat() for d in report.test_period],
        "train_assessments": report.train_assessments,
        "test_assessments": report.test_assessments,
        "train_children": report.train_children,
        "test_children": report.test_children,
        "train_harmed_children": report.train_harmed_children,
        "test_harmed_children": report.test_harmed_children,
        "proposed_key": report.proposed_key,
        "target_met": report.target_met,
        "target_judged": report.target_judged,
        "target_sensitivity": report.settings.target_sensitivity,
        "shortfall_points": report.shortfall_points,
        "flag_budget": report.flag_budget,
        "best_within_budget": _iv(report.best_within_budget),
        "ceiling_auc": _iv(report.ceiling_auc),
        "ceiling_model": report.ceiling_model,
        "new_indicators": report.new_indicators,
        "notes": report.notes,
        "reasons_not_to_propose": report.reasons_not_to_propose,
        "summary": report.summary,
        "fairness": {key: fairness_to_json(rows) for key, rows in report.fairness.items()},
        "candidates": [
            {
                "key": c.key,
                "name": c.name,
                "note": c.note,
                "definition": to_json(c.definition),
                "test": measured_to_json(c.test),
                "sensitivity_against_truth": _iv(c.sensitivity_against_truth),
            }
            for c in report.candidates
        ],
    }
