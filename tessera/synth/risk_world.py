"""Synthetic risk worlds that do not answer their own question: several documented error models, so the
calibration study is tested where the best possible instrument is known to fall short of the target.

The older generator (``risk_history``) makes harm out of the very indicators the instrument scores, so a
re-weighting can look almost perfect there. Real recording is not like that. Each error model below
switches on one or more of these, all invented and all synthetic:

- **Indicator-driven harm** (``indicators_drive_harm``): harm after an assessment is drawn from a
  logistic model of the indicators on file. The world answers its own question: the ceiling is high.
- **Hidden status** (``hidden_status``): a hidden exploitation status (start, end, a few months of grooming
  before) drives both the harm and the indicators; indicators are recorded only some of the time (missing),
  happen to children who are not exploited too (noise), and a share are entered on file months late.
  A fifth of exploited children show no sign at all before the harm.
- **Recording and care** (``recording_and_care``): hidden status, and also one district that records a third
  as much; children in care who go missing whatever their status; and what is recorded follows the
  assessor (their habits and gut feeling), not only the child.
- **Biased outcomes** (``biased_outcomes``): all of the above, and harm is confirmed more often and sooner
  for children the current tool already flagged, so confirmed outcomes flatter the current tool.

Each child has a district, sex, ethnicity, age, care status and learning disability, for the fairness
table. The generator is pure and seeded; ``world_records`` returns labelled assessments for the study.
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from tessera.risk.calibration_metrics import LabelledAssessment
from tessera.risk.catalogue import CATALOGUE
from tessera.risk.instrument import Group, InstrumentDefinition, Level
from tessera.risk.scoring import ChildFacts, Observation, months_before, score_assessment

FOLLOW_UP_MONTHS = 3
DISTRICTS = ("Barnsley", "Doncaster", "Rotherham", "Sheffield")
LOW_RECORDING_DISTRICT = "Doncaster"
ETHNICITIES = (("White British", 0.8), ("Asian", 0.08), ("Mixed", 0.05), ("Black", 0.04), ("Other", 0.03))
IN_CARE, NOT_IN_CARE = "In care", "Not in care"

_MODERATE = [s.code for s in CATALOGUE if s.group == Group.MODERATE]
_SIGNIFICANT = [s.code for s in CATALOGUE if s.group == Group.SIGNIFICANT and not s.shows_harm]
_HARM = [s.code for s in CATALOGUE if s.shows_harm and not s.is_disclosure]
_VULNERABILITIES = [s.code for s in CATALOGUE if s.group == Group.VULNERABILITY]
_MISSING = "missing_overnight"


@dataclass(frozen=True)
class ErrorModel:
    """How one synthetic world goes wrong. Every switch is documented in the module docstring."""

    name: str
    description: str
    hidden_status: bool = True
    recorded: float = 0.6
    # Monthly rate of each moderate / significant indicator in a child who is not exploited (noise).
    noise_moderate: float = 0.03
    noise_significant: float = 0.008
    late_entries: float = 0.15
    silent_share: float = 0.2
    low_recording_district: bool = False
    care_goes_missing: bool = False
    assessor_driven: bool = False
    outcome_bias: bool = False


ERROR_MODELS: dict[str, ErrorModel] = {
    model.name: model
    for model in (
        ErrorModel(
            "indicators_drive_harm",
            "Harm is drawn from the indicators on file: the world answers its own question.",
            hidden_status=False,
            recorded=0.8,
            noise_moderate=0.02,
            noise_significant=0.004,
            late_entries=0.0,
            silent_share=0.0,
        ),
        ErrorModel(
            "hidden_status",
            "A hidden exploitation status drives harm; indicators are noisy, missing and sometimes entered "
            "late; a fifth of exploited children show no sign before harm.",
        ),
        ErrorModel(
            "recording_and_care",
            "Hidden status, plus a district recording a third as much, children in care going missing "
            "whatever their status, and recording that follows the assessor.",
            low_recording_district=True,
            care_goes_missing=True,
            assessor_driven=True,
        ),
        ErrorModel(
            "biased_outcomes",
            "All of the above, and harm confirmed more often and sooner for children already flagged.",
            low_recording_district=True,
            care_goes_missing=True,
            assessor_driven=True,
            outcome_bias=True,
        ),
    )
}


def _sigmoid(value: float) -> float:
    return 1 / (1 + math.exp(-value))


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


@dataclass(frozen=True)
class _Assessor:
    recording: float
    gut_signals: float


@dataclass(frozen=True)
class WorldChild:
    key: int
    groups: dict[str, str]
    facts: ChildFacts
    exploited_from: date | None
    exploited_until: date | None
    observations: tuple[Observation, ...]
    assessment_dates: tuple[date, ...]

    def harmed_between(self, start: date, end: date) -> bool:
        if self.exploited_from is None or self.exploited_until is None:
            return False
        return self.exploited_from <= end and self.exploited_until >= start


def _child(
    rng: random.Random, key: int, start: date, end: date, model: ErrorModel, assessors: Sequence[_Assessor]
) -> WorldChild:
    district = rng.choice(DISTRICTS)
    ethnicity = rng.choices([e for e, _ in ETHNICITIES], weights=[w for _, w in ETHNICITIES])[0]
    sex = "Female" if rng.random() < 0.7 else "Male"
    in_care = rng.random() < 0.15
    learning_disability = rng.random() < 0.06
    referred_on = _day(rng, start, months_before(end, 3))
    age = rng.choices(range(10, 18), weights=[1, 2, 3, 4, 5, 4, 3, 2])[0]
    date_of_birth = referred_on - timedelta(days=365 * age + rng.randrange(365))
    propensity = rng.gauss(0, 1) + (0.5 if in_care else 0)
    exploited_from = exploited_until = None
    if model.hidden_status and rng.random() < _sigmoid(
        -1.5 + 0.9 * propensity + (0.4 if learning_disability else 0)
    ):
        exploited_from = _day(rng, months_before(referred_on, 4), months_before(referred_on, -15))
        exploited_until = exploited_from + timedelta(days=rng.randrange(120, 540))
    silent = exploited_from is not None and rng.random() < model.silent_share
    grooming_from = (
        months_before(exploited_from, rng.randint(3, 6)) if exploited_from and not silent else None
    )
    assessor = rng.choice(assessors) if model.assessor_driven else _Assessor(1.0, 1.0)
    recorded = model.recorded * assessor.recording
    if model.low_recording_district and district == LOW_RECORDING_DISTRICT:
        recorded /= 3

    happened: list[Observation] = []
    for code in _VULNERABILITIES:
        if rng.random() < _sigmoid(-1.4 + 0.9 * propensity):
            happened.append(Observation(code, _day(rng, referred_on - timedelta(days=700), referred_on)))
    month = months_before(referred_on, 12)
    while month <= end:
        exploited_now = bool(
            exploited_from and exploited_until and exploited_from <= month <= exploited_until
        )
        grooming_now = bool(grooming_from and exploited_from and grooming_from <= month < exploited_from)
        if silent or not (exploited_now or grooming_now):
            moderate, significant = model.noise_moderate, model.noise_significant
        elif grooming_now:
            moderate, significant = 0.09, 0.09
        else:
            moderate, significant = 0.11, 0.13
        moderate *= 1 + max(propensity, 0) * 0.5
        rates = [(code, moderate * assessor.gut_signals) for code in _MODERATE]
        rates += [(code, significant * assessor.gut_signals) for code in _SIGNIFICANT]
        if exploited_now:
            rates += [(code, 0.01) for code in _HARM] + [("disclosure", 0.005)]
        if model.care_goes_missing and in_care:
            rates.append((_MISSING, 0.12))
        for code, rate in rates:
            if rng.random() < rate and rng.random() < recorded:
                happened.append(Observation(code, month + timedelta(days=rng.randrange(28))))
        month = months_before(month, -1)
    observations = tuple(
        replace(o, entered_on=o.observed_on + timedelta(days=rng.randrange(60, 300)))
        if rng.random() < model.late_entries
        else replace(o, entered_on=o.observed_on + timedelta(days=rng.randrange(0, 10)))
        for o in sorted(happened, key=lambda o: o.observed_on)
    )
    dates = []
    day = referred_on + timedelta(days=rng.randrange(15))
    while day <= end and (day - date_of_birth).days < 18 * 365:
        dates.append(day)
        if rng.random() < 0.12:
            break
        day = months_before(day, -3) + timedelta(days=rng.randrange(-15, 20))
    groups = {
        "district": district,
        "sex": sex,
        "ethnicity": ethnicity,
        "care_status": IN_CARE if in_care else NOT_IN_CARE,
    }
    return WorldChild(
        key,
        groups,
        ChildFacts(date_of_birth, learning_disability),
        exploited_from,
        exploited_until,
        observations,
        tuple(dates),
    )


def generate_world(
    model: ErrorModel, children: int, *, seed: int, start: date, end: date
) -> list[WorldChild]:
    rng = random.Random(seed)
    assessors = [_Assessor(rng.uniform(0.4, 1.5), rng.uniform(0.5, 1.8)) for _ in range(40)]
    return [_child(rng, key, start, end, model, assessors) for key in range(children)]


def _known(child: WorldChild, on: date) -> tuple[Observation, ...]:
    cutoff = months_before(on, 13)
    vulnerabilities = set(_VULNERABILITIES)
    return tuple(
        o
        for o in child.observations
        if o.observed_on <= on and (o.observed_on >= cutoff or o.indicator in vulnerabilities)
    )


_INDICATOR_HARM_WEIGHTS = {Group.VULNERABILITY: 0.2, Group.MODERATE: 0.6, Group.SIGNIFICANT: 1.9}
_GROUP_OF = {s.code: s.group for s in CATALOGUE}


def _indicator_driven_harm(rng: random.Random, known: Sequence[Observation], on: date) -> bool:
    """Harm drawn from what is on file: recent significant indicators weigh most."""
    recent = {
        o.indicator
        for o in known
        if o.observed_on > months_before(on, 6) or _GROUP_OF.get(o.indicator) == Group.VULNERABILITY
    }
    if recent & {*_HARM, "disclosure"}:
        return rng.random() < 0.7
    z = -4.6 + sum(_INDICATOR_HARM_WEIGHTS[_GROUP_OF[code]] for code in recent if code in _GROUP_OF)
    return rng.random() < _sigmoid(z)


def world_records(
    world: Sequence[WorldChild],
    model: ErrorModel,
    current: InstrumentDefinition,
    *,
    data_end: date,
    seed: int,
) -> list[LabelledAssessment]:
    """Each assessment, labelled with harm as it would be confirmed by ``data_end``, and with the truth.

    Confirmation: most harm is confirmed within months; under outcome bias a child the current tool put
    at Moderate or above is confirmed more often and sooner than one it did not.
    """
    rng = random.Random(seed + 1)
    records = []
    for child in world:
        flagged_ever = False
        for on in child.assessment_dates:
            follow_up_end = months_before(on, -FOLLOW_UP_MONTHS)
            if follow_up_end > data_end:
                continue
            known = _known(child, on)
            on_file_by = on + timedelta(days=rng.randrange(0, 14))
            on_file = [o for o in known if o.entered_on is None or o.entered_on <= on_file_by]
            flagged = score_assessment(current, on_file, child.facts, on).level.rank >= Level.MODERATE.rank
            flagged_ever = flagged_ever or flagged
            if model.hidden_status:
                truly = child.harmed_between(on, follow_up_end)
                harm_began = child.exploited_from or on
            else:
                truly = _indicator_driven_harm(rng, known, on)
                harm_began = _day(rng, on, follow_up_end)
            confirmed = False
            if truly:
                if model.outcome_bias and flagged_ever:
                    chance, delay = 0.92, rng.randrange(20, 120)
                elif model.outcome_bias:
                    chance, delay = 0.6, rng.randrange(90, 600)
                else:
                    chance, delay = 0.85, rng.randrange(20, 240)
                confirmed = rng.random() < chance and max(harm_began, on) + timedelta(days=delay) <= data_end
            records.append(
                LabelledAssessment(
                    child=child.key,
                    assessed_on=on,
                    observations=known,
                    facts=child.facts,
                    harmed=confirmed,
                    groups=child.groups,
                    on_file_by=on_file_by,
                    truly_harmed=truly,
                )
            )
    return records
