"""Synthetic intelligence reports and crimes drawn from the world's true exploitation networks (issue 18,
item 8): the pure generator on hand-built networks, then the seed on a generated world."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime

import pytest

from tessera.intelligence.exploitation import ExploitationKind, flag_problem, suspect_detail_problems
from tessera.intelligence.models import Crime, IntelligenceReport, ReportSubject
from tessera.intelligence.services import refresh_group_marker
from tessera.people.things import age_on
from tessera.synth.intelligence_history import (
    Adult,
    ChildFacts,
    NetworkFacts,
    Thing,
    generate_intelligence,
    network_kind,
)
from tessera.synth.intelligence_seed import seed_intelligence
from tessera.synth.models import GroundTruthIntelligence, GroundTruthPerson
from tessera.synth.world import generate_world

END = date(2026, 12, 1)


def _adult(n: int) -> Adult:
    return Adult(
        n, 1000 + n, f"Adult{n} Surname{n}", date(1985, 1, n % 28 + 1), "male", "white_british", "British"
    )


def _networks() -> dict[int, NetworkFacts]:
    return {
        1: NetworkFacts(1, network_kind(1), tuple(_adult(n) for n in (1, 2, 3)), (Thing(501, "YK62ABC"),)),
        3: NetworkFacts(
            3, network_kind(3), tuple(_adult(n) for n in (4, 5)), (), (Thing(502, "Park Hotel"),)
        ),
    }


def _children(count: int) -> list[ChildFacts]:
    return [
        ChildFacts(
            100 + n, 2000 + n, f"Child{n} Family{n}", date(2011, 3, 1), 1, 1 if n % 2 else 3, date(2025, 6, 1)
        )
        for n in range(count)
    ]


DECOYS = [_adult(n) for n in (90, 91, 92)]


def test_the_same_seed_gives_the_same_history_and_another_seed_another():
    first = generate_intelligence(random.Random(5), _networks(), _children(40), DECOYS, end=END)
    again = generate_intelligence(random.Random(5), _networks(), _children(40), DECOYS, end=END)
    other = generate_intelligence(random.Random(6), _networks(), _children(40), DECOYS, end=END)
    assert first == again
    assert first != other


def test_every_crime_meets_the_products_rules_and_keeps_the_networks_kind():
    history = generate_intelligence(random.Random(1), _networks(), _children(200), DECOYS, end=END)
    assert history.crimes
    for crime in history.crimes:
        assert crime.true_kind == _networks()[crime.network].kind
        if crime.flag:
            assert crime.flag == crime.true_kind.value  # sexual and criminal exploitation kept apart
            assert flag_problem(crime.flag, crime.basis, age_on(crime.victim.born, crime.committed_on)) == ""
        else:
            assert crime.basis == ()
        suspects = {s.adult.person_id for s in crime.suspects}
        assert suspects <= {a.person_id for a in _networks()[crime.network].adults}
        for s in crime.suspects:
            values = {"age": s.age, "sex": s.sex, "ethnicity": s.ethnicity, "nationality": s.nationality}
            assert suspect_detail_problems(values, s.reasons) == {}
    kinds = {c.true_kind for c in history.crimes}
    assert kinds == {ExploitationKind.SEXUAL, ExploitationKind.CRIMINAL}


def test_records_are_partial_as_the_reviews_found():
    history = generate_intelligence(random.Random(2), _networks(), _children(600), DECOYS, end=END)
    crimes, suspects = history.crimes, [s for c in history.crimes for s in c.suspects]
    assert 0.25 < len(crimes) / 600 < 0.45  # most exploitation is never recorded as a crime
    unflagged = sum(1 for c in crimes if not c.flag) / len(crimes)
    assert 0.1 < unflagged < 0.3
    missing = sum(1 for s in suspects if s.ethnicity == "not_stated") / len(suspects)
    assert 0.55 < missing < 0.75  # "about two-thirds"
    assert all(s.reasons.get("ethnicity") for s in suspects if s.ethnicity == "not_stated")


def test_a_wrong_report_names_a_decoy_and_a_right_one_the_network():
    history = generate_intelligence(random.Random(3), _networks(), _children(300), DECOYS, end=END)
    decoys = {a.entity_id for a in DECOYS}
    wrong = [r for r in history.reports if not r.accurate]
    assert 0 < len(wrong) < len(history.reports) * 0.2
    for report in history.reports:
        named = {entity for entity, role in report.subjects if role == "suspect"}
        members = {a.entity_id for a in _networks()[report.network].adults}
        assert named <= (members if report.accurate else decoys)
        assert all(name in report.text for name in _names(report.subjects))


def _names(subjects: tuple[tuple[int, str], ...]) -> list[str]:
    by_entity = {a.entity_id: a.name for a in [*DECOYS, *(a for n in _networks().values() for a in n.adults)]}
    return [by_entity[e] for e, role in subjects if role == "suspect"]


def test_no_crime_is_recorded_against_a_child_who_was_18_on_the_day():
    older = ChildFacts(1, 2001, "Older Child", date(2007, 1, 1), 1, 1, date(2024, 1, 1))
    for seed in range(30):
        history = generate_intelligence(random.Random(seed), _networks(), [older], DECOYS, end=END)
        for crime in history.crimes:
            assert (age_on(older.born, crime.committed_on) or 0) < 18


@pytest.mark.django_db
def test_the_seed_stores_reports_and_crimes_from_the_true_networks_with_the_truth_apart(cast):
    generate_world(people=2000, seed=2013, now=datetime(2026, 12, 1, tzinfo=UTC))
    summary = seed_intelligence(seed=2013, end=END)
    assert summary.reports == IntelligenceReport.objects.count() > 0
    assert summary.crimes == Crime.objects.count() > 0
    truth = GroundTruthIntelligence.objects
    assert truth.filter(record_type="intelligence.intelligencereport").count() == summary.reports
    assert truth.filter(record_type="intelligence.crime").count() == summary.crimes
    networks = dict(
        GroundTruthPerson.objects.filter(person_id__isnull=False, network__isnull=False).values_list(
            "person_id", "network"
        )
    )
    for crime in Crime.objects.prefetch_related("suspects"):
        true_network = truth.get(record_type="intelligence.crime", record_id=crime.pk).network
        assert networks[crime.victim_id] == true_network
        assert {networks[s.person_id] for s in crime.suspects.all()} == {true_network}
        stored = (crime.group_based, crime.group_based_why)
        # The seed's marker is the one the intelligence app derives for the crime.
        marker = refresh_group_marker(crime)
        assert stored == (marker.group_based, marker.why)
    assert ReportSubject.objects.filter(role="child_at_risk").count() == summary.reports
    # Seeding again adds nothing.
    assert seed_intelligence(seed=2013, end=END).reports == 0
    assert IntelligenceReport.objects.count() == summary.reports
