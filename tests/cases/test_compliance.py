"""Which standards a case meets and misses (no database)."""

from datetime import date, timedelta
from typing import Any

from tessera.cases.compliance import (
    CaseFacts,
    ReferralFact,
    StandardStatus,
    StrategyDiscussionFact,
    assess,
)
from tessera.cases.timescales import Clock

TODAY = date(2026, 12, 1)


def facts(**overrides) -> CaseFacts:
    values: dict[str, Any] = {
        "referrals": (ReferralFact("R-1", date(2026, 11, 23), date(2026, 11, 23)),),
        "strategy_discussion_required": True,
        "strategy_discussion_due": date(2026, 11, 24),
        "strategy_discussions": (
            StrategyDiscussionFact(
                date(2026, 11, 24),
                frozenset({"police", "childrens_social_care", "health"}),
                "",
                section_47=True,
                investigation="joint",
            ),
        ),
        "exploitation_flag": "cse",
        "support_records": 2,
        "no_support_reason": "",
        "closed": False,
        "clocks": (Clock("Assessment", date(2026, 11, 20), date(2027, 1, 26)),),
    }
    values.update(overrides)
    return CaseFacts(**values)


def statuses(case: CaseFacts) -> dict[str, StandardStatus]:
    return {result.standard.split(" (")[0]: result.status for result in assess(case, TODAY)}


def test_a_well_run_case_meets_every_standard_due_so_far():
    result = statuses(facts())
    assert set(result.values()) == {StandardStatus.MET, StandardStatus.NOT_YET}
    assert result["Assessment on time"] == StandardStatus.NOT_YET


def test_missing_strategy_discussion_is_missed():
    result = statuses(facts(strategy_discussions=()))
    assert result["Strategy discussion recorded where required"] == StandardStatus.MISSED
    assert result["Single- or joint-agency investigation decided"] == StandardStatus.NOT_APPLICABLE


def test_a_strategy_discussion_not_yet_due_is_not_missed_the_moment_the_case_opens():
    called_today = facts(strategy_discussions=(), strategy_discussion_due=TODAY)
    result = {r.standard: r for r in assess(called_today, TODAY)}[
        "Strategy discussion recorded where required"
    ]
    assert result.status == StandardStatus.NOT_YET
    assert result.detail == f"Due by {TODAY:%-d %B %Y}."
    day_after = {r.standard: r for r in assess(called_today, TODAY + timedelta(days=1))}
    assert day_after["Strategy discussion recorded where required"].status == StandardStatus.MISSED


def test_missing_health_without_reason_is_missed_and_names_health():
    discussion = StrategyDiscussionFact(
        date(2026, 11, 24), frozenset({"police", "childrens_social_care"}), "", True, "joint"
    )
    results = assess(facts(strategy_discussions=(discussion,)), TODAY)
    attendance = next(r for r in results if r.standard.startswith("Police, social care and health"))
    assert attendance.status == StandardStatus.MISSED
    assert "no health" in attendance.detail


def test_missing_agency_with_a_reason_is_met():
    discussion = StrategyDiscussionFact(
        date(2026, 11, 24), frozenset({"police", "childrens_social_care"}), "GP sent a report", True, "joint"
    )
    assert statuses(facts(strategy_discussions=(discussion,)))[
        "Police, social care and health at the strategy discussion"
    ] == (StandardStatus.MET)


def test_section_47_without_investigation_decision_is_missed():
    discussion = StrategyDiscussionFact(
        date(2026, 11, 24), frozenset({"police", "childrens_social_care", "health"}), "", True, ""
    )
    assert (
        statuses(facts(strategy_discussions=(discussion,)))["Single- or joint-agency investigation decided"]
        == StandardStatus.MISSED
    )


def test_no_exploitation_flag_is_missed():
    assert statuses(facts(exploitation_flag=""))["Exploitation flag recorded"] == StandardStatus.MISSED


def test_support_closed_with_reason_is_met_and_without_is_missed():
    assert (
        statuses(facts(support_records=0, closed=True, no_support_reason="Family moved to Scotland"))[
            "Support to the child recorded"
        ]
        == StandardStatus.MET
    )
    assert (
        statuses(facts(support_records=0, closed=True))["Support to the child recorded"]
        == StandardStatus.MISSED
    )


def test_late_referral_decision_names_the_referral():
    late = ReferralFact("R-9", date(2026, 11, 23), date(2026, 11, 25), "Team at court")
    result = next(r for r in assess(facts(referrals=(late,)), TODAY) if r.standard.startswith("Referral"))
    assert result.status == StandardStatus.MISSED
    assert "R-9" in result.detail


def test_overdue_clock_is_missed_and_late_step_shows_reason():
    overdue = Clock("Assessment", date(2026, 9, 1), date(2026, 11, 3))
    late = Clock(
        "Initial child protection conference",
        date(2026, 10, 1),
        date(2026, 10, 22),
        date(2026, 10, 26),
        "Chair ill",
    )
    results = assess(facts(clocks=(overdue, late)), TODAY)
    assessment = next(r for r in results if r.standard.startswith("Assessment"))
    conference = next(r for r in results if r.standard.startswith("Initial"))
    assert assessment.status == StandardStatus.MISSED
    assert conference.status == StandardStatus.MISSED
    assert "Chair ill" in conference.detail
