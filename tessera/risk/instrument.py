"""The risk instrument as data: indicators, weights, level bands and hard rules.

An ``InstrumentDefinition`` is plain, immutable data. It is stored as JSON on each approved instrument
version, and every assessment pins the version it was made with, so an old assessment always re-renders
with the weights and rules that produced it. Nothing here touches the database.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Group(StrEnum):
    """The three SERAF-style groups of indicators."""

    VULNERABILITY = "vulnerability"
    MODERATE = "moderate"
    SIGNIFICANT = "significant"


GROUP_LABELS = {
    Group.VULNERABILITY: "Vulnerabilities",
    Group.MODERATE: "Moderate indicators",
    Group.SIGNIFICANT: "Significant indicators",
}


class Level(StrEnum):
    """The four levels, lowest first. Their order is what 'raised' and 'lowered' mean."""

    NOT_AT_RISK = "not_at_risk"
    MILD = "mild"
    MODERATE = "moderate"
    SIGNIFICANT = "significant"

    @property
    def rank(self) -> int:
        return LEVEL_ORDER.index(self)


LEVEL_ORDER: tuple[Level, ...] = (Level.NOT_AT_RISK, Level.MILD, Level.MODERATE, Level.SIGNIFICANT)

LEVEL_LABELS = {
    Level.NOT_AT_RISK: "Not at risk",
    Level.MILD: "Mild risk",
    Level.MODERATE: "Moderate risk",
    Level.SIGNIFICANT: "Significant risk",
}

# A child showing signs that exploitation is already happening is never described as only "at risk".
HARM_LABEL = "Significant: exploitation is happening"


def level_label(level: Level | str, harm_evident: bool = False) -> str:
    level = Level(level)
    if harm_evident and level == Level.SIGNIFICANT:
        return HARM_LABEL
    return LEVEL_LABELS[level]


class HardRuleKind(StrEnum):
    DISCLOSURE_IS_HIGHEST = "disclosure_is_highest"
    HARM_IS_HIGHEST = "harm_is_highest"
    YOUNG_CHILD_NOT_LOWEST = "young_child_not_lowest"
    LEARNING_DISABILITY_NOT_LOWEST = "learning_disability_not_lowest"


# Every version must keep these: they are the safety floor the inspection and national inquiries ask for.
MANDATORY_HARD_RULES = frozenset(HardRuleKind)


@dataclass(frozen=True)
class HardRule:
    kind: HardRuleKind
    # For the young-child rule: children younger than this many years.
    age_under: int = 13


@dataclass(frozen=True)
class Indicator:
    """One thing a professional can observe about a child, with its points in this version."""

    code: str
    label: str
    group: Group
    # Points when observed in the last 6 months, and when observed 6 to 12 months ago. Vulnerabilities
    # are lifetime facts: they score ``current`` whenever observed.
    current: int
    older: int
    # A sign that exploitation is already happening, not only a risk of it.
    shows_harm: bool = False
    # A disclosure of exploitation by the child.
    is_disclosure: bool = False
    hint: str = ""


@dataclass(frozen=True)
class Bands:
    """The lowest total score for each level above 'Not at risk'."""

    mild: int
    moderate: int
    significant: int

    def level_for(self, score: int) -> Level:
        if score >= self.significant:
            return Level.SIGNIFICANT
        if score >= self.moderate:
            return Level.MODERATE
        if score >= self.mild:
            return Level.MILD
        return Level.NOT_AT_RISK

    def threshold(self, level: Level) -> int:
        return {Level.NOT_AT_RISK: 0, Level.MILD: self.mild, Level.MODERATE: self.moderate}.get(
            level, self.significant
        )


@dataclass(frozen=True)
class InstrumentDefinition:
    title: str
    indicators: tuple[Indicator, ...]
    bands: Bands
    hard_rules: tuple[HardRule, ...] = field(
        default_factory=lambda: tuple(HardRule(kind) for kind in HardRuleKind)
    )
    # How long an observation counts as current, and when it stops counting at all.
    current_months: int = 6
    window_months: int = 12

    def indicator(self, code: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.code == code:
                return indicator
        raise KeyError(code)

    def has_indicator(self, code: str) -> bool:
        return any(indicator.code == code for indicator in self.indicators)

    def rule(self, kind: HardRuleKind) -> HardRule | None:
        return next((rule for rule in self.hard_rules if rule.kind == kind), None)

    def in_group(self, group: Group) -> tuple[Indicator, ...]:
        return tuple(indicator for indicator in self.indicators if indicator.group == group)

    def with_weights(
        self, weights: dict[str, tuple[int, int]], bands: Bands, title: str
    ) -> InstrumentDefinition:
        """A copy with new points (code -> (current, older)) and bands; indicators and rules kept."""
        indicators = tuple(
            Indicator(
                code=i.code,
                label=i.label,
                group=i.group,
                current=weights.get(i.code, (i.current, i.older))[0],
                older=weights.get(i.code, (i.current, i.older))[1],
                shows_harm=i.shows_harm,
                is_disclosure=i.is_disclosure,
                hint=i.hint,
            )
            for i in self.indicators
        )
        return InstrumentDefinition(
            title=title,
            indicators=indicators,
            bands=bands,
            hard_rules=self.hard_rules,
            current_months=self.current_months,
            window_months=self.window_months,
        )


class InvalidInstrumentError(ValueError):
    """The definition cannot be used: the message says why, in words a manager can act on."""


def problems_with(definition: InstrumentDefinition) -> list[str]:
    """Everything wrong with a definition; empty when it may be drafted."""
    problems = []
    codes = [indicator.code for indicator in definition.indicators]
    if len(set(codes)) != len(codes):
        problems.append("Each indicator may appear only once")
    for indicator in definition.indicators:
        if indicator.current < 0 or indicator.older < 0:
            problems.append(f"Points for “{indicator.label}” must be 0 or more")
        if indicator.older > indicator.current:
            problems.append(
                f"“{indicator.label}” must not score more 6 to 12 months ago than in the last 6 months"
            )
    bands = definition.bands
    if not 0 < bands.mild < bands.moderate < bands.significant:
        problems.append("Scores for Mild, Moderate and Significant must each be higher than the one before")
    missing = MANDATORY_HARD_RULES - {rule.kind for rule in definition.hard_rules}
    if missing:
        problems.append("Every version must keep the hard rules: " + ", ".join(sorted(missing)))
    if not any(indicator.is_disclosure for indicator in definition.indicators):
        problems.append("The instrument must include a disclosure indicator")
    if not 0 < definition.current_months < definition.window_months:
        problems.append("The current period must be shorter than the period observations count for")
    return problems


def validate(definition: InstrumentDefinition) -> InstrumentDefinition:
    problems = problems_with(definition)
    if problems:
        raise InvalidInstrumentError("; ".join(problems))
    return definition


def to_json(definition: InstrumentDefinition) -> dict[str, Any]:
    return {
        "title": definition.title,
        "current_months": definition.current_months,
        "window_months": definition.window_months,
        "bands": {
            "mild": definition.bands.mild,
            "moderate": definition.bands.moderate,
            "significant": definition.bands.significant,
        },
        "hard_rules": [
            {"kind": str(rule.kind), "age_under": rule.age_under} for rule in definition.hard_rules
        ],
        "indicators": [
            {
                "code": i.code,
                "label": i.label,
                "group": str(i.group),
                "current": i.current,
                "older": i.older,
                "shows_harm": i.shows_harm,
                "is_disclosure": i.is_disclosure,
                "hint": i.hint,
            }
            for i in definition.indicators
        ],
    }


def from_json(data: dict[str, Any]) -> InstrumentDefinition:
    return InstrumentDefinition(
        title=str(data["title"]),
        current_months=int(data.get("current_months", 6)),
        window_months=int(data.get("window_months", 12)),
        bands=Bands(**{k: int(v) for k, v in data["bands"].items()}),
        hard_rules=tuple(
            HardRule(HardRuleKind(rule["kind"]), int(rule.get("age_under", 13)))
            for rule in data["hard_rules"]
        ),
        indicators=tuple(
            Indicator(
                code=str(i["code"]),
                label=str(i["label"]),
                group=Group(i["group"]),
                current=int(i["current"]),
                older=int(i["older"]),
                shows_harm=bool(i.get("shows_harm", False)),
                is_disclosure=bool(i.get("is_disclosure", False)),
                hint=str(i.get("hint", "")),
            )
            for i in data["indicators"]
        ),
    )
