"""The indicator catalogue and the SERAF-style default instrument.

The indicators follow the structure local CSE tools share (see docs: vulnerabilities, moderate and
significant indicators). Indicators marked ``shows_harm`` are signs that exploitation is already
happening; they are kept apart from indicators of risk so the level can say so.

The default weights are one published scoring scheme: 1 point per vulnerability and moderate indicator,
5 per current significant indicator (2 when seen 6 to 12 months ago), with totals 0-5, 6-10, 11-15 and
16 or more. No such scheme has been validated; the calibration study exists to measure and correct it.
"""

from __future__ import annotations

from dataclasses import dataclass

from tessera.risk.instrument import Bands, Group, Indicator, InstrumentDefinition


@dataclass(frozen=True)
class IndicatorSpec:
    code: str
    label: str
    group: Group
    shows_harm: bool = False
    is_disclosure: bool = False
    hint: str = ""


CATALOGUE: tuple[IndicatorSpec, ...] = (
    # Vulnerabilities: lifetime facts about the child's circumstances.
    IndicatorSpec("neglect", "Neglect", Group.VULNERABILITY),
    IndicatorSpec("abuse_history", "History of physical, sexual or emotional abuse", Group.VULNERABILITY),
    IndicatorSpec("family_breakdown", "Family breakdown", Group.VULNERABILITY),
    IndicatorSpec(
        "family_adversity",
        "Domestic abuse, substance misuse or mental ill-health in the family",
        Group.VULNERABILITY,
    ),
    IndicatorSpec("low_self_esteem", "Low self-esteem or self-confidence", Group.VULNERABILITY),
    IndicatorSpec(
        "unsuitable_accommodation",
        "Unsuitable or unstable accommodation",
        Group.VULNERABILITY,
        hint="Including a placement away from home that does not meet the child's needs",
    ),
    IndicatorSpec("isolation", "Isolated from family, friends or school", Group.VULNERABILITY),
    IndicatorSpec("no_protective_adult", "No trusted, protective adult", Group.VULNERABILITY),
    IndicatorSpec("disability", "Physical disability or special educational needs", Group.VULNERABILITY),
    # Moderate indicators: recent, dated observations.
    IndicatorSpec("staying_out_late", "Staying out late", Group.MODERATE),
    IndicatorSpec("unknown_adult_callers", "Unknown adults calling, texting or visiting", Group.MODERATE),
    IndicatorSpec("worrying_phone_use", "Worrying phone or internet use", Group.MODERATE),
    IndicatorSpec("self_harm", "Self-harm", Group.MODERATE),
    IndicatorSpec("school_absence", "Excluded from school or often absent", Group.MODERATE),
    IndicatorSpec("withdrawn_disclosure", "Disclosure made and then withdrawn", Group.MODERATE),
    IndicatorSpec("sexual_health", "Sexually transmitted infection or pregnancy", Group.MODERATE),
    IndicatorSpec("peers_exploited", "Friends or peers known to be exploited", Group.MODERATE),
    IndicatorSpec("substance_misuse", "Drug or alcohol misuse", Group.MODERATE),
    # Significant indicators: strong, recent signs of grooming or exploitation.
    IndicatorSpec("missing_overnight", "Going missing overnight or longer", Group.SIGNIFICANT),
    IndicatorSpec("older_partner", "Older “boyfriend” or controlling adult", Group.SIGNIFICANT),
    IndicatorSpec("cars_with_adults", "Getting into cars with unknown adults", Group.SIGNIFICANT),
    IndicatorSpec(
        "unexplained_money", "Unexplained money, phones, clothes or other gifts", Group.SIGNIFICANT
    ),
    IndicatorSpec("unexplained_injuries", "Unexplained injuries", Group.SIGNIFICANT),
    IndicatorSpec("risky_places", "Frequenting places known for exploitation", Group.SIGNIFICANT),
    IndicatorSpec("online_grooming", "Online grooming", Group.SIGNIFICANT),
    IndicatorSpec(
        "hotels_taxis_takeaways",
        "Unexplained contact with hotels, taxi firms or takeaways",
        Group.SIGNIFICANT,
    ),
    # Signs that exploitation is already happening.
    IndicatorSpec(
        "repeat_sexual_health",
        "Repeat sexually transmitted infections, pregnancies or terminations",
        Group.SIGNIFICANT,
        shows_harm=True,
    ),
    IndicatorSpec(
        "found_with_adult",
        "Found with an adult in circumstances of sexual exploitation",
        Group.SIGNIFICANT,
        shows_harm=True,
        hint="For example in a hotel room, a car or an address linked to exploitation",
    ),
    IndicatorSpec(
        "sexual_offence",
        "Sexual offence against the child reported or found",
        Group.SIGNIFICANT,
        shows_harm=True,
    ),
    IndicatorSpec(
        "disclosure",
        "The child has disclosed sexual exploitation",
        Group.SIGNIFICANT,
        shows_harm=True,
        is_disclosure=True,
    ),
)

_DEFAULT_POINTS = {
    Group.VULNERABILITY: (1, 1),
    Group.MODERATE: (1, 1),
    Group.SIGNIFICANT: (5, 2),
}


def build_definition(
    title: str,
    points: dict[Group, tuple[int, int]],
    bands: Bands,
    overrides: dict[str, tuple[int, int]] | None = None,
) -> InstrumentDefinition:
    """A definition over the whole catalogue with points per group (and per indicator where given)."""
    overrides = overrides or {}
    return InstrumentDefinition(
        title=title,
        indicators=tuple(
            Indicator(
                code=spec.code,
                label=spec.label,
                group=spec.group,
                current=overrides.get(spec.code, points[spec.group])[0],
                older=overrides.get(spec.code, points[spec.group])[1],
                shows_harm=spec.shows_harm,
                is_disclosure=spec.is_disclosure,
                hint=spec.hint,
            )
            for spec in CATALOGUE
        ),
        bands=bands,
    )


def seraf_style_default() -> InstrumentDefinition:
    return build_definition(
        "SERAF-style default", _DEFAULT_POINTS, Bands(mild=6, moderate=11, significant=16)
    )
