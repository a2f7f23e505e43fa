"""The retention schedule, as pure functions (issue 17, build 6)."""

from __future__ import annotations

import datetime

from tessera.information.retention import (
    SCHEDULE,
    DatedRecord,
    add_years,
    governing_rule,
    review_date,
    review_date_of_person,
)


def test_exploitation_records_are_kept_75_years():
    for kind in ("referral", "case", "risk_assessment", "police_intelligence"):
        assert SCHEDULE[kind].years == 75
        assert review_date(DatedRecord(kind, datetime.date(2013, 9, 30))) == datetime.date(2088, 9, 30)


def test_partner_records_alone_are_reviewed_after_six_years():
    assert review_date_of_person([], fallback=datetime.date(2019, 1, 2)) == datetime.date(2025, 1, 2)
    assert governing_rule([]).kind == "partner_record"


def test_the_latest_record_sets_the_review_of_all_a_persons_records():
    records = [
        DatedRecord("referral", datetime.date(2013, 5, 1)),
        DatedRecord("case", datetime.date(2016, 2, 1)),
    ]
    assert review_date_of_person(records, fallback=datetime.date(2020, 1, 1)) == datetime.date(2091, 2, 1)
    assert governing_rule(records).kind == "case"


def test_an_exploitation_record_outlasts_a_newer_partner_record():
    records = [
        DatedRecord("referral", datetime.date(2013, 5, 1)),
        DatedRecord("partner_record", datetime.date(2026, 1, 1)),
    ]
    assert review_date_of_person(records, fallback=datetime.date(2026, 1, 1)) == datetime.date(2088, 5, 1)


def test_29_february_falls_due_on_28_february():
    assert add_years(datetime.date(2012, 2, 29), 75) == datetime.date(2087, 2, 28)
