"""A person, vehicle or phone known only from police intelligence is seen only by those who may see that
intelligence, and by partners once a release names it (issue 18, item 1; ADR 0026)."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tessera.access.policy import visible_to
from tessera.core.models import Agency
from tessera.intelligence.extraction import MentionKind
from tessera.intelligence.grading import Grade
from tessera.intelligence.models import SubjectRole
from tessera.intelligence.services import (
    record_named_person,
    record_named_thing,
    release_report,
    submit_intelligence,
    withdraw_release,
)
from tessera.people.models import Person, SourceIdentity, Vehicle
from tessera.people.services import refresh_after_identity_change

pytestmark = pytest.mark.django_db

ROTHERHAM_DISTRICT_ROLES = (
    "officer.rotherham",
    "cse.rotherham",
    "youthworker.rotherham",
    "supervisor.rotherham",
)


def seers(cast, model, pk):
    return {name for name, user in cast.items() if visible_to(user, model).filter(pk=pk).exists()}


@pytest.fixture
def report(cast, rotherham_child):
    return submit_intelligence(
        cast["analyst"],
        text="Tariq Hussain drives YK19 XYZ and collects girls from the park.",
        subjects=[rotherham_child],
        grade=Grade("2", "B", "C"),
    )


def test_a_person_named_only_in_intelligence_is_hidden_from_district_roles_without_it(cast, report):
    person = record_named_person(cast["analyst"], report, name="Tariq Hussain", role=SubjectRole.SUSPECT)
    assert person.known_only_from_intelligence
    assert person.district == report.district
    # Before the fix every Rotherham role saw him by the ordinary person rule. The data protection
    # officer sees every person (subject access and erasure reach everyone: tessera.information).
    assert seers(cast, Person, person.pk) == {
        "analyst",
        "cse.rotherham",
        "supervisor.rotherham",
        "htcu",
        "dpo",
    }
    assert not {"officer.rotherham", "youthworker.rotherham", "callhandler"} & seers(cast, Person, person.pk)


def test_the_person_page_answers_404_to_a_district_role_without_intelligence(cast, report, client_for):
    person = record_named_person(cast["analyst"], report, name="Tariq Hussain")
    assert client_for("youthworker.rotherham").get(f"/people/{person.pk}/").status_code == 404
    assert client_for("officer.rotherham").get(f"/people/{person.pk}/").status_code == 404
    assert client_for("cse.rotherham").get(f"/people/{person.pk}/").status_code == 200


def test_a_vehicle_named_only_in_intelligence_is_hidden_likewise(cast, report):
    car = record_named_thing(cast["analyst"], report, kind=MentionKind.REGISTRATION, value="YK19 XYZ")
    assert isinstance(car, Vehicle)
    assert car.registration == "YK19XYZ"
    assert "youthworker.rotherham" not in seers(cast, Vehicle, car.pk)
    assert "analyst" in seers(cast, Vehicle, car.pk)


def test_a_release_naming_the_person_lets_the_districts_partners_see_them_until_withdrawn(cast, report):
    person = record_named_person(cast["analyst"], report, name="Tariq Hussain", role=SubjectRole.SUSPECT)
    car = record_named_thing(cast["analyst"], report, kind=MentionKind.REGISTRATION, value="YK19 XYZ")
    release = release_report(
        cast["analyst"],
        report,
        district=report.district,
        sanitised_text="An adult male, Tariq Hussain, is believed to pose a risk to children.",
        handling_conditions="For safeguarding planning only.",
        reason="The Rotherham CSE team's youth worker is working with the girl.",
        naming=[person.entity_id],
    )
    assert "youthworker.rotherham" in seers(cast, Person, person.pk)
    assert "officer.rotherham" in seers(cast, Person, person.pk)
    # Not named by the release: still hidden. Not in the release's district: still hidden.
    assert "youthworker.rotherham" not in seers(cast, Vehicle, car.pk)
    assert "sw.sheffield" not in seers(cast, Person, person.pk)
    assert "hotel.sheffield" not in seers(cast, Person, person.pk)
    withdraw_release(cast["analyst"], release, reason="Superseded by a fuller release.")
    assert "youthworker.rotherham" not in seers(cast, Person, person.pk)


def test_a_record_from_anywhere_else_makes_the_person_ordinary(cast, report):
    person = record_named_person(cast["analyst"], report, name="Tariq Hussain")
    SourceIdentity.objects.create(
        person=person,
        agency=Agency.objects.get(code="police"),
        source_system="Niche RMS",
        source_record_id="N-77",
        received_at=timezone.now(),
        district=person.district,
        given_name="Tariq",
        family_name="Hussain",
    )
    refresh_after_identity_change(person, actor=cast["analyst"], reason="custody record")
    person.refresh_from_db()
    assert not person.known_only_from_intelligence
    assert "youthworker.rotherham" in seers(cast, Person, person.pk)


def test_people_known_outside_intelligence_are_seen_as_before(cast, rotherham_child):
    assert not rotherham_child.known_only_from_intelligence
    assert set(ROTHERHAM_DISTRICT_ROLES) <= seers(cast, Person, rotherham_child.pk)


def test_release_problems_are_named_by_field(cast, report):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        release_report(
            cast["analyst"],
            report,
            district=report.district,
            sanitised_text="",
            handling_conditions="",
            reason="",
        )
    assert set(refused.value.message_dict) == {"sanitised_text", "reason", "handling_conditions"}


def test_only_analysts_and_supervisors_release(cast, report):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        release_report(
            cast["cse.rotherham"],
            report,
            district=report.district,
            sanitised_text="x",
            handling_conditions="x",
            reason="x",
        )


def test_emergency_access_does_not_open_a_person_known_only_from_intelligence(cast, report, client_for):
    # Before: a Sheffield social worker's emergency grant opened him, saying what intelligence holds.
    person = record_named_person(cast["analyst"], report, name="Tariq Hussain")
    ordinary = Person.objects.exclude(pk=person.pk).filter(district=person.district).first()
    assert ordinary is not None
    social_worker = client_for("sw.sheffield")
    for who, reason in (
        (person, "Urgent: he was seen with my client at a Sheffield hotel tonight"),
        (ordinary, "Urgent: this child was found with my client at a Sheffield hotel tonight"),
    ):
        url = f"/people/{who.pk}/"
        answer = social_worker.post(
            "/access/emergency-access/", {"path": url, "reason": reason, "confirm": "on"}
        )
        assert answer.status_code == 302  # the grant is made and reviewed as ever: the answer says nothing
    assert social_worker.get(f"/people/{person.pk}/").status_code == 404
    assert social_worker.get(f"/people/{ordinary.pk}/").status_code == 200
