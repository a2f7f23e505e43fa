"""submit_intelligence: the one way a disclosure or an officer's note becomes an intelligence report.

The missing-children app calls it for each disclosure of a return interview (see the contract in
docs/architecture.md, "Intelligence"); these tests hold it to that contract.
"""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from tessera.access.policy import visible_to
from tessera.audit.models import AccessLog, AuditAction
from tessera.intelligence.grading import Grade
from tessera.intelligence.models import IntelligenceReport, ReportStatus, SubjectRole
from tessera.intelligence.services import Subject, submit_intelligence
from tessera.people.models import EntityKind, Location, LocationKind, PoleEntity, Vehicle

pytestmark = pytest.mark.django_db


def a_source_record() -> Location:
    """Any saved row stands in for the record a report is made from (a return interview's disclosure)."""
    return Location.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.LOCATION), kind=LocationKind.OTHER
    )


def a_vehicle(registration: str = "YK62ABC") -> Vehicle:
    return Vehicle.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.VEHICLE), registration=registration
    )


def test_a_disclosure_becomes_a_report_graded_by_default_awaiting_evaluation(cast, rotherham_child):
    car = a_vehicle()
    source = a_source_record()
    report = submit_intelligence(
        cast["cse.rotherham"],
        text="Said she was driven to a flat by Kaz in YK62 ABC.",
        subjects=[Subject(rotherham_child, SubjectRole.CHILD_AT_RISK), car],
        source=source,
        source_label="Return interview 12 Nov, disclosure 2",
    )
    assert report.status == ReportStatus.AWAITING_EVALUATION
    assert report.grade_code == "2CC"
    assert report.district == rotherham_child.district
    assert (report.source_type, report.source_id) == ("people.location", source.pk)
    assert report.reference == f"INT-{report.pk:06d}"
    roles = {s.entity_id: s.role for s in report.subjects.all()}
    assert roles == {
        rotherham_child.entity_id: SubjectRole.CHILD_AT_RISK,
        car.entity_id: SubjectRole.MENTIONED,
    }
    created = AccessLog.objects.get(action=AuditAction.CREATE, target_type="intelligence.intelligencereport")
    assert created.target_id == str(report.pk)
    assert created.details["source"] == f"people.location:{source.pk}"


def test_the_same_source_reported_twice_is_one_report(cast, rotherham_child):
    source = a_source_record()
    first = submit_intelligence(
        cast["cse.rotherham"], text="First telling.", subjects=[rotherham_child], source=source
    )
    again = submit_intelligence(
        cast["cse.rotherham"], text="Retried.", subjects=[rotherham_child], source=source
    )
    assert again.pk == first.pk
    assert again.text == "First telling."
    assert IntelligenceReport.objects.count() == 1
    assert (
        AccessLog.objects.filter(
            action=AuditAction.CREATE, target_type="intelligence.intelligencereport"
        ).count()
        == 1
    )


def test_an_analysts_own_graded_report_is_evaluated_as_written(cast):
    report = submit_intelligence(
        cast["analyst"], text="Vehicle seen nightly at the takeaway.", grade=Grade("1", "A", "P")
    )
    assert report.status == ReportStatus.EVALUATED
    assert report.evaluated_by == cast["analyst"]
    assert report.grade_code == "1AP"


def test_a_grade_offered_by_someone_who_cannot_evaluate_is_not_taken(cast, rotherham_child):
    report = submit_intelligence(
        cast["youthworker.rotherham"],
        text="Heard a name.",
        subjects=[rotherham_child],
        grade=Grade("1", "A", "P"),
    )
    assert report.status == ReportStatus.AWAITING_EVALUATION
    assert report.grade_code == "1AP"
    assert report.evaluated_by is None


def test_naming_a_person_the_author_may_not_see_answers_404_and_records_nothing(cast, rotherham_child):
    with pytest.raises(Http404):
        submit_intelligence(cast["sw.sheffield"], text="About a Rotherham girl.", subjects=[rotherham_child])
    assert not IntelligenceReport.objects.exists()


def test_blank_text_is_refused_in_words(cast):
    with pytest.raises(ValidationError, match="empty"):
        submit_intelligence(cast["cse.rotherham"], text="   ")


@pytest.mark.parametrize("username", ["sysadmin", "commissioner"])
def test_roles_that_hold_no_case_data_cannot_submit(cast, username):
    with pytest.raises(PermissionDenied):
        submit_intelligence(cast[username], text="Something.")


def test_a_hotel_reporter_may_submit_but_reads_nothing_back(cast):
    report = submit_intelligence(cast["hotel.sheffield"], text="Two men booked a room for a girl in uniform.")
    assert not visible_to(cast["hotel.sheffield"], IntelligenceReport).filter(pk=report.pk).exists()


def test_only_police_intelligence_roles_see_a_report(cast, rotherham_child):
    report = submit_intelligence(cast["mpc.doncaster"], text="Disclosure at return interview.")
    seers = {
        name
        for name, user in cast.items()
        if visible_to(user, IntelligenceReport).filter(pk=report.pk).exists()
    }
    assert seers == {"analyst", "cse.rotherham", "supervisor.rotherham", "htcu"}
