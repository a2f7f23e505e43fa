"""The pure mapping from facts on record to the indicators offered (no database)."""

from __future__ import annotations

from datetime import date

from tessera.referrals.warning_signs import WarningSign
from tessera.risk.catalogue import CATALOGUE
from tessera.risk.facts import FACT_INDICATORS, RecordFact, offered_indicators, register_fact_source

ASSESSED = date(2026, 12, 3)
ALL_INDICATORS = [spec.code for spec in CATALOGUE]


def fact(key: str, kind: str, on: date = date(2026, 11, 20)) -> RecordFact:
    return RecordFact(key, kind, on, "Concern R-1", "/referrals/1/", None, "What was seen")


def offer(*facts: RecordFact, decided: tuple[str, ...] = (), indicators=ALL_INDICATORS):
    return [
        (o.fact.key, o.indicator)
        for o in offered_indicators(facts, indicators=indicators, assessed_on=ASSESSED, decided=decided)
    ]


def test_a_disclosure_a_missing_episode_and_an_exploiter_link_each_suggest_their_indicator():
    assert offer(
        fact("r:1:disclosure", "disclosure", date(2026, 11, 3)),
        fact("r:1:missing", "missing_episode", date(2026, 11, 2)),
        fact("link:9", "suspected_exploiter_link", date(2026, 11, 1)),
    ) == [("r:1:disclosure", "disclosure"), ("r:1:missing", "missing_overnight"), ("link:9", "older_partner")]


def test_newest_first_each_fact_once():
    older, newer = fact("a", "disclosure", date(2026, 1, 1)), fact("b", "disclosure", date(2026, 6, 1))
    assert offer(older, newer, older) == [("b", "disclosure"), ("a", "disclosure")]


def test_decided_facts_facts_after_the_assessment_and_unknown_kinds_are_not_offered():
    assert offer(fact("a", "disclosure"), decided=("a",)) == []
    assert offer(fact("a", "disclosure", date(2026, 12, 4))) == []
    assert offer(fact("a", "shoe_size")) == []


def test_a_fact_whose_indicator_the_instrument_version_lacks_is_not_offered():
    assert offer(fact("a", "disclosure"), indicators=["staying_out_late"]) == []


def test_every_warning_sign_on_the_concern_form_maps_to_an_indicator_in_the_catalogue():
    kinds = {"disclosure": "disclosure", "missing_overnight": "missing_episode"}
    for sign in WarningSign.values:
        indicator = FACT_INDICATORS[kinds.get(sign, f"warning_sign:{sign}")]
        assert indicator in ALL_INDICATORS, sign


def test_another_app_can_add_a_source_and_its_kind_of_fact():
    register_fact_source(
        "tests.missing_children", lambda user, ids: [], kinds={"tests_return_interview": "missing_overnight"}
    )
    assert offer(fact("m:1", "tests_return_interview")) == [("m:1", "missing_overnight")]
