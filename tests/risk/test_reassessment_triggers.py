"""New information asks for a reassessment: a task appears, and due or overdue ones show on team lists.

issue 4 owns ``tessera.people.signals.link_recorded`` (sender=Link, link=...). These tests send that signal
exactly as its ``record_link`` service will.
"""

from __future__ import annotations

from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from tessera.core.models import Agency, District
from tessera.people.models import EntityKind, Link, LinkKind, Location, LocationKind, PoleEntity
from tessera.people.signals import link_recorded
from tessera.referrals.models import Referral
from tessera.referrals.signals import referral_received
from tessera.risk import receivers
from tessera.risk.models import ReassessmentTask, TaskReason
from tessera.risk.selectors import due_counts
from tests.conftest import make_person


def record(kind: LinkKind, source: PoleEntity, target: PoleEntity) -> Link:
    link = Link.objects.create(
        source=source, target=target, kind=kind, agency=Agency.objects.get(code="police")
    )
    link_recorded.send(sender=Link, link=link, user=None)
    return link


def adult(district: str = "rotherham"):
    return make_person(district, given="Darren", family="Voss", dob=date(1985, 5, 5))


def test_a_new_link_to_a_known_exploiter_creates_a_reassessment_task(cast, rotherham_child):
    exploiter = adult()
    other_child = make_person("rotherham", given="Mia", family="Dearne")
    record(LinkKind.SUSPECTED_EXPLOITER, exploiter.entity, other_child.entity)
    assert ReassessmentTask.objects.filter(child=other_child, reason=TaskReason.NEW_LINK).count() == 1

    link = record(LinkKind.ASSOCIATE, rotherham_child.entity, exploiter.entity)
    task = ReassessmentTask.objects.get(child=rotherham_child)
    assert task.reason == TaskReason.NEW_LINK
    assert task.detail == "New link (associate) to a known suspected exploiter"
    assert task.prompted_by == f"people.link:{link.pk}"
    assert task.due_on > timezone.localdate()
    assert task.done_at is None


def test_the_same_link_never_makes_two_tasks(cast, rotherham_child):
    exploiter = adult()
    link = record(LinkKind.SUSPECTED_EXPLOITER, exploiter.entity, rotherham_child.entity)
    link_recorded.send(sender=Link, link=link)
    assert ReassessmentTask.objects.filter(child=rotherham_child).count() == 1


def test_a_link_to_a_hotel_creates_a_task(cast, rotherham_child):
    hotel = Location.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.LOCATION),
        kind=LocationKind.HOTEL,
        name="Station Hotel",
    )
    record(LinkKind.FREQUENTS, rotherham_child.entity, hotel.entity)
    assert ReassessmentTask.objects.get(child=rotherham_child).detail.endswith(
        "to a hotel, taxi firm or takeaway"
    )


def test_an_ordinary_link_creates_no_task(cast, rotherham_child):
    school = Location.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.LOCATION), kind=LocationKind.SCHOOL
    )
    record(LinkKind.FREQUENTS, rotherham_child.entity, school.entity)
    record(LinkKind.FAMILY, rotherham_child.entity, adult().entity)
    assert not ReassessmentTask.objects.filter(child=rotherham_child).exists()


def test_adults_are_not_given_reassessment_tasks(cast):
    exploiter, other_adult = adult(), adult()
    record(LinkKind.SUSPECTED_EXPLOITER, exploiter.entity, other_adult.entity)
    assert not ReassessmentTask.objects.exists()


def test_a_referral_about_a_child_sent_by_the_referrals_app_creates_a_task(cast, rotherham_child):
    referral_received.send(sender=Referral, referral=SimpleNamespace(pk=7), child=rotherham_child)
    task = ReassessmentTask.objects.get(child=rotherham_child)
    assert task.reason == TaskReason.NEW_REFERRAL
    assert task.prompted_by == "referrals.referral:7"


def test_due_and_overdue_reassessments_show_on_the_team_list_and_home(
    client_for, cast, rotherham_child, sheffield_child
):
    today = timezone.localdate()
    overdue = ReassessmentTask.objects.create(
        child=rotherham_child,
        district=rotherham_child.district,
        reason=TaskReason.SCHEDULED,
        due_on=today - timedelta(days=3),
    )
    ReassessmentTask.objects.create(
        child=sheffield_child,
        district=sheffield_child.district,
        reason=TaskReason.SCHEDULED,
        due_on=today + timedelta(days=5),
    )
    counts = due_counts(cast["cse.rotherham"])
    assert (counts.overdue, counts.due_soon) == (1, 0)
    page = client_for("cse.rotherham").get("/risk/reassessments/").content.decode()
    assert "Kayleigh Thornley" in page
    assert "Overdue" in page
    assert "Ellie Cawthorne" not in page  # another district's child
    home = client_for("cse.rotherham").get("/").content.decode()
    assert "Risk reassessments" in home
    assert "1</span> overdue" in home
    overdue.done_at = timezone.now()
    overdue.save()
    assert due_counts(cast["cse.rotherham"]).overdue == 0


def test_recording_a_link_through_the_people_service_creates_the_task_on_commit(
    cast, rotherham_child, django_capture_on_commit_callbacks
):
    from tessera.people.services import record_link

    exploiter = adult()
    with django_capture_on_commit_callbacks(execute=True):
        link = record_link(
            cast["cse.rotherham"], source=exploiter, target=rotherham_child, kind=LinkKind.SUSPECTED_EXPLOITER
        )
    task = ReassessmentTask.objects.get(child=rotherham_child)
    assert task.prompted_by == f"people.link:{link.pk}"
    assert task.detail == "A suspected exploiter has been linked to the child"


@pytest.mark.usefixtures("scope_read_once_per_request")
def test_the_reassessment_list_costs_the_same_queries_however_many_children(client_for, cast):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rotherham = District.objects.get(code="rotherham")

    def add_tasks(count: int) -> None:
        for index in range(count):
            child = make_person("rotherham", given=f"Child{index}")
            ReassessmentTask.objects.create(
                child=child, district=rotherham, reason=TaskReason.SCHEDULED, due_on=timezone.localdate()
            )

    client = client_for("cse.rotherham")
    add_tasks(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/risk/reassessments/").status_code == 200
    add_tasks(12)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/risk/reassessments/").status_code == 200
    assert len(many) == len(few)


def record_intelligence(kind: LinkKind, source: PoleEntity, target: PoleEntity) -> Link:
    link = Link.objects.create(
        source=source,
        target=target,
        kind=kind,
        agency=Agency.objects.get(code="police"),
        from_intelligence=True,
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code="C",
    )
    link_recorded.send(sender=Link, link=link, user=None)
    return link


def test_intelligence_still_asks_for_a_reassessment_but_the_task_does_not_say_what_it_said(
    client_for, cast, rotherham_child
):
    exploiter = adult()
    record_intelligence(LinkKind.SUSPECTED_EXPLOITER, exploiter.entity, rotherham_child.entity)
    task = ReassessmentTask.objects.get(child=rotherham_child)
    assert task.reason == TaskReason.NEW_LINK
    assert task.detail == receivers.FROM_INTELLIGENCE
    # The youth worker reads the district's reassessments, and learns nothing the intelligence said.
    page = client_for("youthworker.rotherham").get("/risk/reassessments/").content.decode()
    assert "Kayleigh Thornley" in page
    assert "the police CSE team can say what may be shared" in page
    assert "A suspected exploiter has been linked" not in page
    assert "Darren Voss" not in page


def test_an_open_link_to_someone_known_only_from_intelligence_does_not_name_the_concern(
    cast, rotherham_child
):
    exploiter = adult()
    other_child = make_person("rotherham", given="Mia", family="Dearne")
    record_intelligence(LinkKind.SUSPECTED_EXPLOITER, exploiter.entity, other_child.entity)
    record(LinkKind.ASSOCIATE, rotherham_child.entity, exploiter.entity)
    assert ReassessmentTask.objects.get(child=rotherham_child).detail == receivers.FROM_INTELLIGENCE


def test_intelligence_that_a_child_frequents_a_hotel_does_not_say_so(cast, rotherham_child):
    hotel = Location.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.LOCATION),
        kind=LocationKind.HOTEL,
        name="Station Hotel",
    )
    record_intelligence(LinkKind.FREQUENTS, rotherham_child.entity, hotel.entity)
    assert ReassessmentTask.objects.get(child=rotherham_child).detail == receivers.FROM_INTELLIGENCE
