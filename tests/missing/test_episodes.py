"""Episodes through the services: the grade rule, the return linked into POLE, the interview's
disclosures becoming actions for the case team, and the chronology."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tessera.access.policy import visible_to
from tessera.cases.chronology import build_chronology
from tessera.cases.models import Action, Case, ExploitationFlag
from tessera.cases.selectors import actions_of
from tessera.intelligence.models import IntelligenceReport
from tessera.missing import services
from tessera.missing.models import Disclosure, EpisodeStatus, Monitoring
from tessera.missing.selectors import interviews_waiting
from tessera.people.models import Link, LinkKind, LocationKind
from tessera.people.pole_services import find_or_record_place, find_or_record_vehicle
from tessera.risk.models import RiskAssessment
from tests.cases.world import rotherham_case_world
from tests.conftest import make_person
from tests.missing.world import found, report
from tests.risk.world import version_in_force


@pytest.fixture
def world(cast):
    return rotherham_case_world(cast)


def _flag(case, flag=ExploitationFlag.SEXUAL):
    type(case).objects.filter(pk=case.pk).update(exploitation_flag=flag)


def test_no_apparent_risk_refused_for_a_flagged_child_unless_a_supervisor_decides(cast, world):
    _flag(world.case)
    with pytest.raises(ValidationError) as refused:
        report(cast["cse.rotherham"], world.child, grade="no_apparent_risk")
    assert "supervisor" in str(refused.value)
    with pytest.raises(ValidationError):
        report(cast["supervisor.rotherham"], world.child, grade="no_apparent_risk")
    episode = report(
        cast["supervisor.rotherham"],
        world.child,
        grade="no_apparent_risk",
        decision="With her grandmother, confirmed by a visit; no contact with the adults of concern.",
    )
    assert episode.decided_by == cast["supervisor.rotherham"]
    assert episode.supervisor_decision.startswith("With her grandmother")


def test_no_apparent_risk_refused_for_a_child_assessed_at_moderate(cast, rotherham_child):
    RiskAssessment.objects.create(
        child=rotherham_child,
        district=rotherham_child.district,
        instrument_version=version_in_force(),
        status="completed",
        assessed_on=date.today() - timedelta(days=20),  # noqa: DTZ011 - a calendar date
        started_by=cast["cse.rotherham"],
        computed_level="moderate",
        final_level="moderate",
    )
    with pytest.raises(ValidationError) as refused:
        report(cast["cse.rotherham"], rotherham_child, grade="no_apparent_risk")
    assert "current risk assessment at" in str(refused.value)
    assert report(cast["cse.rotherham"], rotherham_child, grade="low").grade == "low"


def test_regrading_to_no_apparent_risk_keeps_the_rule(cast, world):
    _flag(world.case)
    episode = report(cast["cse.rotherham"], world.child)
    with pytest.raises(ValidationError):
        services.regrade(
            cast["cse.rotherham"],
            episode,
            expected_version=episode.version,
            grade="no_apparent_risk",
            grade_reason="Back soon",
        )


def test_report_from_a_carers_profile_hands_it_over_and_starts_monitoring(cast, world):
    profile = services.save_profile(
        cast["cse.rotherham"],
        world.child,
        kept_by="Lorna Pike",
        carer_kind="childrens_home",
        description="5ft 4, slim, long dark hair, scar above left eyebrow",
        associates="An older man called 'Kaz' who drives a silver car",
        places="Parkgate retail park; the Premier Lodge by the station",
        phones="07700 900123",
    )
    episode = report(cast["cse.rotherham"], world.child, profile=profile)
    assert episode.profile == profile
    assert episode.profile_handed_over["Friends and associates"].startswith("An older man")
    assert episode.case == world.case
    assert Monitoring.objects.filter(child=world.child, closed_at__isnull=True).count() == 1


def test_found_links_place_adult_and_vehicle_into_pole_and_starts_the_72_hour_clock(cast, world):
    cse = cast["cse.rotherham"]
    adult = make_person("rotherham", "Karim", "Aziz", dob=date(1990, 1, 1))
    hotel = find_or_record_place(
        cse, name="Premier Lodge", address="Station Road, S60 1AA", kind=LocationKind.HOTEL, district=None
    ).thing
    car = find_or_record_vehicle(cse, registration="YK62 ABC").thing
    episode = found(cse, report(cse, world.child), place=hotel, with_person=adult, vehicle=car)
    assert episode.status == EpisodeStatus.RETURNED
    assert episode.found_at is not None
    assert episode.return_interview_due_at == episode.found_at + timedelta(hours=72)
    links = Link.objects.filter(source=world.child.entity, source_system="missing")
    assert {(link.kind, link.target_id) for link in links} == {
        (LinkKind.SEEN_AT, hotel.entity_id),
        (LinkKind.FOUND_WITH, adult.entity_id),
        (LinkKind.SEEN_IN_VEHICLE, car.entity_id),
    }
    assert all(link.source_record_id == episode.reference for link in links)


def test_found_before_last_seen_is_refused(cast, world):
    episode = report(cast["cse.rotherham"], world.child, hours_ago=2)
    with pytest.raises(ValidationError):
        found(cast["cse.rotherham"], episode, hours_ago=3)


def test_each_disclosure_becomes_an_action_for_the_case_team_traceable_to_the_interview(cast, world):
    cse = cast["cse.rotherham"]
    episode = found(cse, report(cse, world.child))
    interview = services.record_return_interview(
        cse,
        episode,
        services.Interview(
            held_at=timezone.now() - timedelta(minutes=10),
            interviewer="Jo Clegg, Safe Steps",
            child_account="Went to a flat in Eastwood with friends.",
            disclosures=("A man called Kaz gave her vodka and a phone", "", "She was driven to Sheffield"),
        ),
    )
    disclosures = list(Disclosure.objects.filter(interview=interview))
    assert len(disclosures) == 2
    for disclosure in disclosures:
        assert disclosure.action_id is not None
        action = Action.objects.get(pk=disclosure.action_id)
        assert action.case == world.case
        assert action.owner == world.case.lead_professional
        assert episode.reference in action.description
        assert disclosure.what_was_said in action.description
    # And each is an intelligence report for the police analysts, traceable to the disclosure.
    for disclosure in disclosures:
        assert disclosure.intelligence_report_id is not None
        passed_on = IntelligenceReport.objects.get(pk=disclosure.intelligence_report_id)
        assert (passed_on.source_type, passed_on.source_id) == ("missing.disclosure", disclosure.pk)
        assert passed_on.text == disclosure.what_was_said
        assert episode.reference in passed_on.source_label
        assert passed_on.subjects.filter(entity=world.child.entity).exists()
    assert (
        visible_to(cast["analyst"], IntelligenceReport)
        .filter(pk__in=[d.intelligence_report_id for d in disclosures])
        .count()
        == 2
    )
    assert not visible_to(cast["youthworker.rotherham"], IntelligenceReport).exists()
    # The case team sees the actions on the case.
    youth = cast["youthworker.rotherham"]
    assert visible_to(youth, Disclosure).filter(interview=interview).count() == 2
    assert visible_to(youth, Case).filter(pk=world.case.pk).exists()
    assert {a.pk for a in actions_of(world.case)} >= {d.action_id for d in disclosures}


def test_a_disclosure_about_a_child_with_no_open_case_becomes_a_concern_for_triage(cast, rotherham_child):
    cse = cast["cse.rotherham"]
    episode = found(cse, report(cse, rotherham_child))
    interview = services.record_return_interview(
        cse,
        episode,
        services.Interview(
            held_at=timezone.now() - timedelta(minutes=10),
            interviewer="Jo Clegg",
            child_account="Stayed at a friend's.",
            disclosures=("Older men at the takeaway give her lifts",),
        ),
    )
    disclosure = interview.disclosures.get()
    assert disclosure.action is None
    assert disclosure.referral is not None
    assert disclosure.referral.child == rotherham_child
    assert "disclosure" in disclosure.referral.warning_signs


def test_an_interview_after_72_hours_needs_its_reason(cast, world):
    cse = cast["cse.rotherham"]
    episode = found(cse, report(cse, world.child, hours_ago=100), hours_ago=80)
    late = services.Interview(
        held_at=timezone.now() - timedelta(hours=1), interviewer="Jo Clegg", child_account="Said little."
    )
    with pytest.raises(ValidationError) as refused:
        services.record_return_interview(cse, episode, late)
    assert "72 hours" in str(refused.value)
    services.record_return_interview(
        cse, episode, services.Interview(**{**late.__dict__, "late_reason": "The child refused twice."})
    )


def test_overdue_return_interviews_are_listed(cast, world, sheffield_child):
    cse = cast["cse.rotherham"]
    overdue = found(cse, report(cse, world.child, hours_ago=100), hours_ago=80)
    rows = interviews_waiting(cse)
    assert [row.episode for row in rows] == [overdue]
    assert rows[0].clock.state(timezone.now()) == "overdue"
    assert interviews_waiting(cast["sw.sheffield"]) == []


def test_chronology_shows_report_return_interview_and_disclosure(cast, world):
    cse = cast["cse.rotherham"]
    episode = found(cse, report(cse, world.child))
    services.record_safe_and_well(
        cse,
        episode,
        expected_version=episode.version,
        checked_at=timezone.now() - timedelta(minutes=30),
        officer="PC Hartwell",
        notes="No injuries; tired.",
    )
    services.record_return_interview(
        cse,
        episode,
        services.Interview(
            held_at=timezone.now() - timedelta(minutes=10),
            interviewer="Jo Clegg",
            child_account="Went to Kaz's flat.",
            disclosures=("Kaz asked her to carry a bag",),
        ),
    )
    titles = [entry.title for entry in build_chronology(cast["youthworker.rotherham"], world.case)]
    for title in (
        "Reported missing",
        "Found or returned",
        "Police safe and well check",
        "Return interview",
        "Disclosure in a return interview",
    ):
        assert title in titles
    assert not [e for e in build_chronology(cast["sw.sheffield"], world.case) if e.kind.startswith("missing")]
