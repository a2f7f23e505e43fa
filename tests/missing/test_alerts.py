"""Pattern alerts on the child's case: who they reach, the reassessment they ask for, and monitoring."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tessera.access.policy import visible_to
from tessera.access.scope import scope_of
from tessera.cases import services as case_services
from tessera.core.models import District
from tessera.missing import services
from tessera.missing.models import MissingEpisode, Monitoring, PatternAlert
from tessera.people.models import Link, LocationKind
from tessera.people.pole_services import find_or_record_place
from tessera.people.rules import may_record_links
from tessera.risk.models import ReassessmentTask, TaskReason
from tests.cases.world import rotherham_case_world
from tests.conftest import make_person
from tests.missing.world import found, report


@pytest.fixture
def world(cast):
    return rotherham_case_world(cast)


def _three_episodes(user, child):
    episodes = [report(user, child, hours_ago=24 * days + 5) for days in (40, 20)]
    for episode in episodes:
        found(user, episode, hours_ago=24 * 10)
    return [*episodes, report(user, child)]


def test_third_episode_in_90_days_raises_an_alert_on_the_case_and_a_reassessment(cast, world):
    episodes = _three_episodes(cast["cse.rotherham"], world.child)
    alerts = PatternAlert.objects.filter(child=world.child)
    assert {a.kind for a in alerts} == {"repeat", "strategy_discussion"}
    assert {a.case_id for a in alerts} == {world.case.pk}
    assert all(a.episode == episodes[-1] for a in alerts)
    tasks = ReassessmentTask.objects.filter(child=world.child, reason=TaskReason.MISSING_EPISODE)
    assert tasks.count() == 2
    assert all(episodes[-1].reference in task.detail for task in tasks)


def test_a_fourth_episode_in_the_same_days_raises_nothing_twice(cast, world, settings):
    settings.TESSERA_MISSING_STRATEGY_COUNT = 4
    cse = cast["cse.rotherham"]
    _three_episodes(cse, world.child)
    assert set(PatternAlert.objects.values_list("kind", flat=True)) == {"repeat"}
    found(cse, MissingEpisode.objects.filter(child=world.child, status="missing").get(), hours_ago=0.5)
    report(cse, world.child)
    kinds = list(PatternAlert.objects.values_list("kind", flat=True))
    assert sorted(kinds) == ["repeat", "strategy_discussion"]  # the same run; the prompt at 4


def test_the_alert_reaches_the_case_team_and_no_one_else(cast, world):
    _three_episodes(cast["cse.rotherham"], world.child)
    # Another Rotherham child's case, whose team includes a Sheffield social worker.
    other = rotherham_case_world(cast, child=make_person("rotherham", "Tia", "Moss"))
    case_services.add_team_member(
        cast["cse.rotherham"], other.case, member=cast["sw.sheffield"], role_on_case="Social worker"
    )
    reached = {
        username
        for username, user in cast.items()
        if visible_to(user, PatternAlert).filter(child=world.child).exists()
    }
    assert reached == {"cse.rotherham", "youthworker.rotherham", "supervisor.rotherham"}


def test_an_alert_reaches_a_case_team_member_from_another_district(cast, world):
    case_services.add_team_member(
        cast["cse.rotherham"], world.case, member=cast["sw.sheffield"], role_on_case="Social worker"
    )
    _three_episodes(cast["cse.rotherham"], world.child)
    assert visible_to(cast["sw.sheffield"], PatternAlert).filter(child=world.child).count() == 2


def test_found_with_the_same_adult_as_another_child_raises_it_for_the_second_child(cast, world):
    cse = cast["cse.rotherham"]
    adult = make_person("rotherham", "Karim", "Aziz", dob=date(1990, 1, 1))
    other_child = make_person("rotherham", "Tia", "Moss")
    found(cse, report(cse, other_child), with_person=adult)
    assert not PatternAlert.objects.exists()
    found(cse, report(cse, world.child), with_person=adult)
    alert = PatternAlert.objects.get()
    assert (alert.kind, alert.child, alert.case) == ("same_adult", world.child, world.case)
    assert "Tia" not in alert.detail
    assert "Karim" not in alert.detail


def test_found_at_a_hotel_raises_the_hotspot_alert(cast, world):
    cse = cast["cse.rotherham"]
    hotel = find_or_record_place(
        cse, name="Premier Lodge", address="Station Road, S60 1AA", kind=LocationKind.HOTEL, district=None
    ).thing
    found(cse, report(cse, world.child), place=hotel)
    assert list(PatternAlert.objects.values_list("kind", flat=True)) == ["hotspot"]
    assert ReassessmentTask.objects.filter(child=world.child, reason=TaskReason.MISSING_EPISODE).exists()


def test_closing_monitoring_of_a_repeatedly_missing_child_is_refused_without_a_supervisor(cast, world):
    _three_episodes(cast["cse.rotherham"], world.child)
    monitoring = Monitoring.objects.get(child=world.child)
    closed = services.close_monitoring(
        cast["cse.rotherham"], monitoring, expected_version=monitoring.version, reason="Settled now"
    )
    monitoring.refresh_from_db()
    assert closed is False
    assert monitoring.closed_at is None
    assert monitoring.closure_requested_by == cast["cse.rotherham"]
    closed = services.close_monitoring(
        cast["supervisor.rotherham"], monitoring, expected_version=monitoring.version, reason="Settled now"
    )
    monitoring.refresh_from_db()
    assert closed is True
    assert monitoring.approved_by == cast["supervisor.rotherham"]


def test_monitoring_of_a_child_missing_once_closes_without_approval(cast, world):
    found(cast["cse.rotherham"], report(cast["cse.rotherham"], world.child))
    monitoring = Monitoring.objects.get(child=world.child)
    assert services.close_monitoring(
        cast["cse.rotherham"], monitoring, expected_version=monitoring.version, reason="One night only"
    )
    with pytest.raises(ValidationError):
        monitoring.refresh_from_db()
        services.close_monitoring(
            cast["cse.rotherham"], monitoring, expected_version=monitoring.version, reason="again"
        )


def test_a_doncaster_coordinator_records_in_doncaster_only(cast, world):
    mpc = cast["mpc.doncaster"]
    doncaster_child = make_person("doncaster", "Leah", "Firth")
    episode = report(mpc, doncaster_child)
    assert episode.district == District.objects.get(code="doncaster")
    # The coordinator records where the child was found, into POLE, but does not import or merge.
    takeaway = find_or_record_place(
        mpc, name="Golden Fry", address="High Street, DN1 1AA", kind=LocationKind.TAKEAWAY, district=None
    ).thing
    found(mpc, episode, place=takeaway)
    assert Link.objects.filter(source=doncaster_child.entity, target=takeaway.entity, source_system="missing")
    assert not may_record_links(scope_of(mpc))
    with pytest.raises(PermissionDenied):
        report(mpc, world.child)
