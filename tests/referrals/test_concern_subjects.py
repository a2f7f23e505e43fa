"""A concern's people, places and things: typed in repeating rows, added to later by reference, resolved
and linked at triage, graded for urgency."""

from __future__ import annotations

import re
import uuid
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tessera.audit.models import AccessLog, AuditAction
from tessera.cases.compliance import StandardStatus
from tessera.cases.models import Case
from tessera.cases.selectors import compliance_of
from tessera.core.models import District
from tessera.people.models import Link, LinkKind, Person, PoleEntity, SourceIdentity, Vehicle
from tessera.referrals.models import Referral, ReferralAddition, ReferralSubject, Urgency
from tests.conftest import make_person


def hotel_concern(**overrides: str) -> dict[str, str]:
    today = timezone.localdate()
    data = {
        "submission_token": str(uuid.uuid4()),
        "happening_now": "yes",
        "who": "",
        "what_was_seen": "Girl about 14 arrived at 23:00 with two men; they paid cash for room 12.",
        "where": "Riverside Hotel, room 12",
        "seen_on_day": str(today.day),
        "seen_on_month": str(today.month),
        "seen_on_year": str(today.year),
        "seen_time": "",
        "child-count": "1",
        "child-0-given_name": "Leah",
        "child-0-approximate_age": "14",
        "child-0-sex": "female",
        "child-0-description": "Grey hoodie, school bag",
        "adult-count": "2",
        "adult-0-nickname": "Mo",
        "adult-0-approximate_age": "35",
        "adult-0-sex": "male",
        "adult-1-given_name": "Darren",
        "adult-1-family_name": "Hollis",
        "adult-1-sex": "male",
        "vehicle-count": "1",
        "vehicle-0-registration": "yk62 abc",
        "vehicle-0-make": "Ford Focus",
        "vehicle-0-colour": "Silver",
        "phone-count": "0",
        "online_account-count": "0",
        "place-count": "1",
        "place-0-place_name": "Riverside Hotel",
        "place-0-address": "1 Millstone Walk, Sheffield S1 2AB",
        "place-0-place_kind": "hotel",
        "send": "1",
    }
    data.update(overrides)
    return data


def test_add_another_adult_keeps_everything_typed_and_shows_no_errors(client_for, cast):
    hotel = client_for("hotel.sheffield")
    response = hotel.post("/referrals/partner/", {**hotel_concern(), "add": "adult", "send": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" not in body
    assert 'name="adult-2-given_name"' in body, "a third adult row"
    assert '<input type="hidden" name="adult-count" value="3">' in body, "and the third row is sent next time"
    assert 'value="Darren"' in body
    assert 'value="yk62 abc"' in body
    assert "room 12" in body
    assert not Referral.objects.exists()


def test_a_row_that_makes_no_sense_is_named_and_nothing_typed_is_lost(client_for, cast):
    hotel = client_for("hotel.sheffield")
    body = hotel.post(
        "/referrals/partner/",
        hotel_concern(
            **{"vehicle-0-registration": "Y", "vehicle-0-make": "", "child-0-approximate_age": "19"}
        ),
    ).content.decode()
    assert "Vehicle 1: a registration is 2 to 10 letters and numbers" in body
    assert "Young person 1: a young person&#x27;s age must be under 18" in body
    assert 'href="#id_vehicle-0-registration"' in body, "the error summary links to the field"
    assert 'value="Darren"' in body
    assert 'value="Riverside Hotel"' in body
    assert not Referral.objects.exists()


def test_a_partner_report_stores_each_subject_as_typed(client_for, cast):
    hotel = client_for("hotel.sheffield")
    assert hotel.post("/referrals/partner/", hotel_concern()).status_code == 302
    referral = Referral.objects.get()
    assert referral.happening_now == "yes"
    kinds = list(referral.subjects.values_list("kind", flat=True))
    assert kinds == ["child", "adult", "adult", "vehicle", "place"]
    mo = referral.subjects.get(nickname="Mo")
    assert (mo.approximate_age, mo.sex, mo.entity_id) == (35, "male", None)
    assert referral.subjects.get(kind="vehicle").registration == "yk62 abc", "kept as typed"


def test_a_partner_addition_reaches_the_same_referral_and_nothing_comes_back(client_for, cast):
    hotel = client_for("hotel.sheffield")
    hotel.post("/referrals/partner/", hotel_concern())
    referral = Referral.objects.get()
    response = hotel.post(
        "/referrals/add/",
        {
            "submission_token": str(uuid.uuid4()),
            "reference": referral.reference.lower(),
            "what_was_seen": "The silver car came back at 02:00; a third man waited in it.",
            "adult-count": "1",
            "adult-0-description": "Third man, beard, waited in the car",
            "phone-count": "1",
            "phone-0-phone_number": "07700 900123",
            "send": "1",
        },
    )
    assert response.status_code == 302
    addition = ReferralAddition.objects.get()
    assert addition.referral == referral
    assert referral.subjects.filter(addition=addition).count() == 2
    sent = hotel.get(response["Location"]).content.decode()
    assert referral.reference in sent
    for secret in ("Leah", "Darren", "room 12", "Millstone", "Girl about 14", "third man"):
        assert secret not in sent, f"{secret!r} was read back to the partner"
    assert hotel.get(f"/referrals/{referral.pk}/").status_code == 404, "the concern itself stays unreadable"
    logged = AccessLog.objects.filter(action=AuditAction.CHANGE, target_id=str(referral.pk)).get()
    assert logged.details["subjects"] == ["adult", "phone"]


def test_an_addition_to_a_reference_not_sent_by_the_reporters_organisation_is_refused_alike(client_for, cast):
    hotel = client_for("hotel.sheffield")
    # A concern in the hotel's own district, sent by another organisation (the police).
    staff_ref = Referral.objects.create(
        reference="R-2026-STAFF2",
        district=District.objects.get(code="sheffield"),
        subject_kind="child",
        what_was_seen="Staff concern",
        seen_at=timezone.now(),
        received_at=timezone.now(),
        decision_due_on=timezone.localdate(),
        referred_by=cast["officer.rotherham"],
        referrer_agency=cast["officer.rotherham"].agency,
    )
    answers = []
    for reference in (staff_ref.reference, "R-2026-NOSUCH"):
        body = hotel.post(
            "/referrals/add/",
            {
                "submission_token": str(uuid.uuid4()),
                "reference": reference,
                "what_was_seen": "Saw the car again",
                "send": "1",
            },
        ).content.decode()
        assert "Saw the car again" in body, "what was typed is kept"
        answers.append("No concern your organisation sent has this reference" in body)
    assert answers == [True, True]
    assert not ReferralAddition.objects.exists()


@pytest.fixture
def leah(db) -> Person:
    return make_person("sheffield", given="Leah", family="Stainley", dob=date(2012, 5, 3))


def _resolve(team, referral, data):
    return team.post(f"/referrals/{referral.pk}/subjects/", data)


def test_triage_grades_resolves_links_and_titles_the_case_by_the_child(client_for, cast, leah):
    Vehicle.objects.create(entity=PoleEntity.objects.create(kind="vehicle"), registration="YK62ABC")
    client_for("hotel.sheffield").post("/referrals/partner/", hotel_concern())
    referral = Referral.objects.get()
    team = client_for("sw.sheffield")

    queue = team.get("/referrals/triage/").content.decode()
    assert "Happening now: grade it" in queue
    assert "1 immediate concern waiting" in team.get("/").content.decode()

    graded = team.post(f"/referrals/{referral.pk}/grade/", {"urgency": Urgency.IMMEDIATE, "version": "1"})
    assert graded.status_code == 302
    referral.refresh_from_db()
    assert referral.urgency == Urgency.IMMEDIATE
    assert referral.decision_due_at is not None
    assert referral.graded_at is not None
    assert referral.decision_due_at - referral.graded_at == timedelta(hours=1)
    assert (
        '<strong class="govuk-tag govuk-tag--red">Immediate</strong>'
        in team.get("/referrals/triage/").content.decode()
    )

    subjects = {s.label: s for s in referral.subjects.all()}
    child = next(s for s in subjects.values() if s.kind == "child")
    mo, darren = referral.subjects.get(nickname="Mo"), referral.subjects.get(given_name="Darren")
    searched = _resolve(team, referral, {"search": str(child.pk), f"search-{child.pk}": "Leah Stainly"})
    body = searched.content.decode()
    assert "Leah Stainley, born 3 May 2012" in body, "the misspelt name finds her"
    assert AccessLog.objects.filter(action=AuditAction.SEARCH, details__purpose="triage a concern").exists()

    before = Person.objects.count()
    recorded = _resolve(
        team,
        referral,
        {
            "searched": [str(child.pk), str(mo.pk), str(darren.pk)],
            f"search-{child.pk}": "Leah Stainly",
            f"subject-{child.pk}": str(leah.pk),
            f"subject-{mo.pk}": "new",
            f"subject-{darren.pk}": "new",
            **{f"subject-{s.pk}": "record" for s in referral.subjects.exclude(kind__in=["child", "adult"])},
            "record": "1",
        },
    )
    assert recorded.status_code == 302, re.findall(
        r"govuk-error-message.*?</p>|error-summary__list.*?</ul>", recorded.content.decode(), re.S
    )
    assert Person.objects.count() == before + 2, "two men, no duplicate Leah"
    identity = SourceIdentity.objects.get(person=referral.subjects.get(nickname="Mo").person)
    assert identity.source_system == "referral"
    assert identity.source_record_id.startswith(referral.reference)
    assert identity.other_names == ["Mo"]
    assert identity.approximate_age == 35
    assert Vehicle.objects.count() == 1, "yk62 abc is the known YK62ABC"

    links = Link.objects.filter(source_system="referral", source_record_id=referral.reference)
    kinds = sorted(links.values_list("kind", flat=True))
    assert kinds.count(LinkKind.FOUND_WITH) == 2
    assert kinds.count(LinkKind.USES_VEHICLE) == 2
    assert kinds.count(LinkKind.SEEN_IN_VEHICLE) == 1
    assert kinds.count(LinkKind.SEEN_AT) == 4, "the girl, both men and the car at the hotel"
    assert set(links.values_list("started_on", flat=True)) == {timezone.localdate(referral.seen_at)}
    page = team.get(f"/referrals/{referral.pk}/").content.decode()
    assert f'href="/people/{leah.pk}/"' in page

    decided = team.post(
        f"/referrals/{referral.pk}/",
        {
            "version": str(Referral.objects.get().version),
            "case_about": "child",
            "case_child": str(leah.pk),
            "decision": "strategy_discussion",
            "reason": "Child with two adult men at night; car known to us.",
            "lead_professional": str(cast["sw.sheffield"].pk),
        },
    )
    assert decided.status_code == 302, decided.content.decode()[:3000]
    referral.refresh_from_db()
    case = Case.objects.get()
    assert referral.child == leah
    assert case.child == leah
    assert case.subject_label == "Leah Stainley"
    standards = {r.standard: r.status for r in compliance_of(case)}
    assert standards["Strategy discussion recorded where required"] == StandardStatus.NOT_YET, (
        "called for by today's decision of an immediate concern: due today, not missed the moment it opens"
    )


def test_a_new_person_needs_a_search_first(client_for, cast):
    client_for("hotel.sheffield").post("/referrals/partner/", hotel_concern())
    referral = Referral.objects.get()
    mo = referral.subjects.get(nickname="Mo")
    body = _resolve(
        client_for("sw.sheffield"), referral, {f"subject-{mo.pk}": "new", "record": "1"}
    ).content.decode()
    assert "Answer “Who is &#x27;Mo&#x27;, about 35?” with one of the choices given" in body
    assert ReferralSubject.objects.get(pk=mo.pk).person_id is None


def test_only_the_district_team_resolves_subjects(client_for, cast):
    client_for("hotel.sheffield").post("/referrals/partner/", hotel_concern())
    referral = Referral.objects.get()
    assert (
        client_for("cse.rotherham").post(f"/referrals/{referral.pk}/subjects/", {"record": "1"}).status_code
        == 404
    )
    assert client_for("hotel.sheffield").post(
        f"/referrals/{referral.pk}/grade/", {"urgency": "immediate"}
    ).status_code in {403, 404}
