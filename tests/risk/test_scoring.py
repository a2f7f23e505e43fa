"""The scoring rules, without a database: every hard rule, the wording, and monotonicity as properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tessera.risk.catalogue import CATALOGUE, seraf_style_default
from tessera.risk.instrument import (
    HARM_LABEL,
    Bands,
    HardRule,
    HardRuleKind,
    Level,
    problems_with,
)
from tessera.risk.scoring import ChildFacts, Observation, months_before, score_assessment

SERAF = seraf_style_default()
ASSESSED = date(2026, 6, 15)
TEENAGER = ChildFacts(date_of_birth=date(2010, 1, 1))
CODES = [spec.code for spec in CATALOGUE]
RISK_CODES = [spec.code for spec in CATALOGUE if not spec.shows_harm]


def seen(code: str, days_ago: int = 10) -> Observation:
    return Observation(code, ASSESSED - timedelta(days=days_ago))


def test_no_indicators_is_not_at_risk():
    result = score_assessment(SERAF, [], TEENAGER, ASSESSED)
    assert result.level == Level.NOT_AT_RISK
    assert result.score == 0
    assert result.label == "Not at risk"


def test_current_significant_indicators_add_up_to_the_published_bands():
    result = score_assessment(
        SERAF, [seen("missing_overnight"), seen("older_partner"), seen("neglect", 900)], TEENAGER, ASSESSED
    )
    assert result.score == 11
    assert result.level == Level.MODERATE
    assert "Moderate risk starts at 11 points" in " ".join(result.reasons)


def test_current_counts_more_than_6_to_12_months_ago_and_older_not_at_all():
    current = score_assessment(SERAF, [seen("missing_overnight", 30)], TEENAGER, ASSESSED)
    older = score_assessment(SERAF, [seen("missing_overnight", 250)], TEENAGER, ASSESSED)
    expired = score_assessment(SERAF, [seen("missing_overnight", 400)], TEENAGER, ASSESSED)
    assert (current.score, older.score, expired.score) == (5, 2, 0)
    assert "more than 12 months before the assessment, so not counted" in expired.reasons[-1]


def test_vulnerabilities_are_lifetime_facts():
    result = score_assessment(SERAF, [seen("abuse_history", 3000)], TEENAGER, ASSESSED)
    assert result.score == 1


def test_hard_rule_disclosure_means_the_highest_level():
    result = score_assessment(SERAF, [seen("disclosure")], TEENAGER, ASSESSED)
    assert result.banded_level == Level.NOT_AT_RISK
    assert result.level == Level.SIGNIFICANT
    assert HardRuleKind.DISCLOSURE_IS_HIGHEST in result.rules_applied
    assert result.reasons[0].startswith("The child disclosed sexual exploitation")


def test_a_disclosure_from_long_ago_still_means_the_highest_level():
    result = score_assessment(SERAF, [seen("disclosure", 800)], TEENAGER, ASSESSED)
    assert result.level == Level.SIGNIFICANT


@pytest.mark.parametrize("code", [s.code for s in CATALOGUE if s.shows_harm])
def test_hard_rule_signs_of_harm_are_never_labelled_only_at_risk(code):
    result = score_assessment(SERAF, [seen(code)], TEENAGER, ASSESSED)
    assert result.level == Level.SIGNIFICANT
    assert result.harm_evident
    assert result.label == HARM_LABEL
    assert "at risk" not in result.label.lower()
    assert "being harmed, not only at risk" in " ".join(result.reasons)


def test_hard_rule_child_under_13_with_any_indicator_is_never_the_lowest_level():
    twelve = ChildFacts(date_of_birth=date(2014, 1, 1))
    result = score_assessment(SERAF, [seen("staying_out_late")], twelve, ASSESSED)
    assert result.banded_level == Level.NOT_AT_RISK
    assert result.level == Level.MILD
    assert HardRuleKind.YOUNG_CHILD_NOT_LOWEST in result.rules_applied
    assert result.reasons[0].startswith("The child is 12, under 13")


def test_a_thirteen_year_old_is_not_raised_by_the_young_child_rule():
    thirteen = ChildFacts(date_of_birth=date(2013, 6, 15))
    result = score_assessment(SERAF, [seen("staying_out_late")], thirteen, ASSESSED)
    assert result.level == Level.NOT_AT_RISK


def test_hard_rule_learning_disability_with_any_indicator_is_never_the_lowest_level():
    facts = ChildFacts(date_of_birth=date(2009, 1, 1), learning_disability=True)
    result = score_assessment(SERAF, [seen("isolation", 500)], facts, ASSESSED)
    assert result.level == Level.MILD
    assert HardRuleKind.LEARNING_DISABILITY_NOT_LOWEST in result.rules_applied


def test_young_child_with_no_indicator_present_stays_not_at_risk():
    twelve = ChildFacts(date_of_birth=date(2014, 1, 1), learning_disability=True)
    result = score_assessment(SERAF, [seen("staying_out_late", 500)], twelve, ASSESSED)
    assert result.level == Level.NOT_AT_RISK


def test_observations_after_the_assessment_date_do_not_count():
    result = score_assessment(SERAF, [seen("missing_overnight", -3)], TEENAGER, ASSESSED)
    assert result.score == 0
    assert "after the assessment date" in result.reasons[-1]


def test_months_before_handles_short_months():
    assert months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
    assert months_before(date(2026, 3, 15), 12) == date(2025, 3, 15)


def test_a_version_without_the_mandatory_hard_rules_is_refused():
    broken = SERAF.with_weights({}, SERAF.bands, "No rules")
    broken = type(broken)(
        title="No rules",
        indicators=broken.indicators,
        bands=broken.bands,
        hard_rules=(HardRule(HardRuleKind.DISCLOSURE_IS_HIGHEST),),
    )
    assert any("hard rules" in p for p in problems_with(broken))


def test_a_version_scoring_older_observations_above_current_ones_is_refused():
    broken = SERAF.with_weights({"missing_overnight": (2, 5)}, Bands(6, 11, 16), "Backwards")
    assert problems_with(broken) == [
        "“Going missing overnight or longer” must not score more 6 to 12 months ago than in the last 6 months"
    ]


observation = st.builds(
    Observation,
    indicator=st.sampled_from(CODES),
    observed_on=st.dates(min_value=ASSESSED - timedelta(days=1200), max_value=ASSESSED + timedelta(days=30)),
)
facts = st.builds(
    ChildFacts,
    date_of_birth=st.one_of(st.none(), st.dates(min_value=date(2006, 1, 1), max_value=date(2020, 1, 1))),
    learning_disability=st.booleans(),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(observation, max_size=12), observation, facts)
def test_adding_an_indicator_never_lowers_the_level(observations, extra, child):
    before = score_assessment(SERAF, observations, child, ASSESSED)
    after = score_assessment(SERAF, [*observations, extra], child, ASSESSED)
    assert after.score >= before.score
    assert after.level.rank >= before.level.rank


@settings(max_examples=300, deadline=None)
@given(st.lists(observation, min_size=1, max_size=12), st.integers(0, 11), st.integers(1, 400), facts)
def test_seeing_an_indicator_more_recently_never_lowers_the_level(observations, index, days, child):
    index %= len(observations)
    moved = observations[index]
    newer = Observation(moved.indicator, min(moved.observed_on + timedelta(days=days), ASSESSED))
    if moved.observed_on > ASSESSED:
        return
    before = score_assessment(SERAF, observations, child, ASSESSED)
    changed = [*observations[:index], newer, *observations[index + 1 :]]
    after = score_assessment(SERAF, changed, child, ASSESSED)
    assert after.score >= before.score
    assert after.level.rank >= before.level.rank


@settings(max_examples=300, deadline=None)
@given(st.lists(observation, max_size=12), facts)
def test_the_level_always_comes_with_reasons_and_harm_is_always_named(observations, child):
    result = score_assessment(SERAF, observations, child, ASSESSED)
    assert result.reasons
    if result.harm_evident:
        assert result.level == Level.SIGNIFICANT
        assert "happening" in result.label
    assert result.level.rank >= result.banded_level.rank


@settings(max_examples=200, deadline=None)
@given(st.lists(observation, max_size=10), st.integers(0, 2000), facts)
def test_any_disclosure_means_the_highest_level_whatever_else_is_recorded(observations, days_ago, child):
    disclosure = Observation("disclosure", ASSESSED - timedelta(days=days_ago))
    result = score_assessment(SERAF, [*observations, disclosure], child, ASSESSED)
    assert result.level == Level.SIGNIFICANT


@settings(max_examples=200, deadline=None)
@given(st.lists(observation, min_size=1, max_size=10), st.booleans())
def test_young_or_learning_disabled_children_with_an_indicator_present_are_never_lowest(
    observations, disabled
):
    child = ChildFacts(
        date_of_birth=date(2015, 1, 1) if not disabled else date(2009, 1, 1), learning_disability=disabled
    )
    result = score_assessment(SERAF, observations, child, ASSESSED)
    if any(c.counts for c in result.contributions):
        assert result.level != Level.NOT_AT_RISK
