"""Matching on arrival (issue 12 item 5): a record imported or entered on a form is matched at once, with
no linkage run: a certain match joins the person known already, a possible one waits in the queue, under
the same safety rules as a run."""

from __future__ import annotations

from datetime import date

import pytest

from tessera.audit.models import AccessLog, AuditAction
from tessera.jobs.queue import run_pending
from tessera.linkage.arrival import match_on_arrival
from tessera.linkage.models import LinkageModel, LinkageRun, PairStatus, ReviewPair
from tessera.linkage.review_words import NOT_THEIRS_TO_MERGE
from tessera.people.models import (
    EntityKind,
    IdentityAddress,
    Location,
    LocationKind,
    Person,
    PersonMerge,
    PoleEntity,
    SourceIdentity,
)
from tests.conftest import make_person
from tests.linkage.trained import active_trained_model

HEADER = "PersonURN,Forename1,Forename2,Surname,AKA,DOB,Sex,SDE,AddressLine1,AddressLine2,Town,Postcode\n"
LEAH_BORN = date(2011, 9, 3)


@pytest.fixture
def model(db) -> LinkageModel:
    return active_trained_model()


def _known(district: str, given: str, family: str, born: date, line: str, postcode: str) -> Person:
    person = make_person(district, given, family, born)
    location = Location.objects.create(
        entity=PoleEntity.objects.create(kind=EntityKind.LOCATION), kind=LocationKind.HOME,
        address_line_1=line, postcode=postcode, district=person.district,
    )  # fmt: skip
    IdentityAddress.objects.create(identity=SourceIdentity.objects.get(person=person), location=location)
    return person


@pytest.fixture
def leah(cast, model) -> Person:
    return _known("rotherham", "Leah", "Stainley", LEAH_BORN, "14 Millstone Walk", "S60 2BD")


def _import(client, *rows: str, district: str = "rotherham") -> None:
    """Send a police file and start it as the import page would (columns checked, none left unmapped)."""
    from tests.imports.test_import import send_file, start_checked

    content = (HEADER + "\n".join(rows) + "\n").encode()
    response = send_file(client, content, f"niche-{rows[0][:5]}.csv", district=district)
    if response.status_code == 302 and response["Location"].endswith("/columns/"):
        response = start_checked(client, response["Location"])
    assert response.status_code == 302
    assert run_pending() == 1


def _imported(record_id: str) -> SourceIdentity:
    return SourceIdentity.objects.select_related("person").get(source_record_id=record_id)


def test_an_imported_leah_stainly_joins_leah_stainley_at_once(leah, client_for):
    client = client_for("cse.rotherham")
    _import(client, "P900,Leah,,Stainly,,03/09/2011,F,W1,14 Millstone Walk,,Rotherham,S60 2BD")
    identity = _imported("P900")
    assert identity.person_id == leah.pk, "the new record is now one of Leah Stainley's"
    assert not LinkageRun.objects.exists(), "no one pressed 'Run linkage now'"
    merge = PersonMerge.objects.get()
    assert merge.survivor_id == leah.pk
    assert merge.reason.startswith("Matched on arrival by linkage model v1")
    logged = AccessLog.objects.filter(action=AuditAction.COMBINE, details__on_arrival=True)
    assert {row.target_id for row in logged} == {str(leah.pk), str(merge.absorbed_id)}
    assert all(row.actor_username == "cse.rotherham" for row in logged), "merged in the importer's name"
    page = client.get(f"/people/{leah.pk}/").content.decode()
    assert "P900" in page


def test_a_possible_match_is_in_the_review_queue_straight_away(leah, client_for):
    client = client_for("cse.rotherham")
    # Same name and address, a wholly different birthday: the model cannot decide.
    _import(client, "P901,Leah,,Stainly,,17/04/2013,F,W1,14 Millstone Walk,,Rotherham,S60 2BD")
    identity = _imported("P901")
    assert identity.person_id != leah.pk
    pair = ReviewPair.objects.get()
    assert {pair.left_id, pair.right_id} == {identity.pk, leah.identities.get().pk}
    assert pair.status == PairStatus.WAITING
    assert pair.run_id is None
    queue = client.get("/linkage/review/").content.decode()
    assert f'href="/linkage/review/{pair.pk}/"' in queue
    assert "when one of these records arrived" in client.get(f"/linkage/review/{pair.pk}/").content.decode()


def test_a_sister_at_the_same_address_is_held_back_with_the_reason(leah, client_for):
    client = client_for("cse.rotherham")
    # Lea, 15 months younger, at the same address: the model leans towards one girl.
    _import(client, "P902,Lea,,Stainley,,03/12/2012,F,W1,14 Millstone Walk,,Rotherham,S60 2BD")
    identity = _imported("P902")
    assert identity.person_id != leah.pk, "never merged"
    pair = ReviewPair.objects.get()
    # Names alike (Lea, Leah) with birthdays that cannot be one date: family, held back as such.
    assert pair.held_back_rule == "family_in_one_household"
    assert pair.match_probability >= 0.5, "offered, with the warning"
    page = client.get(f"/linkage/review/{pair.pk}/").content.decode()
    assert "Possible family members" in page
    assert "siblings with like names" in page


def test_an_adult_with_a_child_s_name_and_address_is_neither_joined_nor_queued(leah, client_for, cast):
    _import(
        client_for("cse.rotherham"),
        "P903,Leah,,Stainley,,03/09/1986,F,W1,14 Millstone Walk,,Rotherham,S60 2BD",
    )
    identity = _imported("P903")
    assert identity.person_id != leah.pk
    assert not ReviewPair.objects.exists()
    assert not PersonMerge.objects.exists()


def test_a_certain_match_the_importer_may_not_merge_waits_for_someone_who_may(cast, model, client_for):
    """Leah is known only in Sheffield; a Rotherham import of her is not merged across districts."""
    leah = _known("sheffield", "Leah", "Stainley", LEAH_BORN, "14 Millstone Walk", "S60 2BD")
    _import(
        client_for("cse.rotherham"),
        "P904,Leah,,Stainly,,03/09/2011,F,W1,14 Millstone Walk,,Rotherham,S60 2BD",
    )
    identity = _imported("P904")
    assert identity.person_id != leah.pk
    pair = ReviewPair.objects.get()
    assert pair.held_back_because == NOT_THEIRS_TO_MERGE
    assert pair.band.title == "Certain match"
    assert not PersonMerge.objects.exists()


def test_a_changed_record_is_matched_again(leah, client_for):
    client = client_for("cse.rotherham")
    _import(client, "P905,Lea,,Stanton,,03/09/2011,F,W1,2 Other Road,,Rotherham,S61 9ZZ")
    assert _imported("P905").person_id != leah.pk
    _import(client, "P905,Leah,,Stainly,,03/09/2011,F,W1,14 Millstone Walk,,Rotherham,S60 2BD")
    assert _imported("P905").person_id == leah.pk, "the corrected record joins her"


def test_nothing_is_matched_before_a_model_is_trained(cast, client_for):
    leah = _known("rotherham", "Leah", "Stainley", LEAH_BORN, "14 Millstone Walk", "S60 2BD")
    _import(
        client_for("cse.rotherham"),
        "P906,Leah,,Stainly,,03/09/2011,F,W1,14 Millstone Walk,,Rotherham,S60 2BD",
    )
    assert _imported("P906").person_id != leah.pk
    assert not ReviewPair.objects.exists()
    outcome = match_on_arrival(_imported("P906"), cast["cse.rotherham"])
    assert outcome.skipped.startswith("No linkage model has been trained yet")


def test_a_decision_that_two_records_differ_is_never_overruled_on_arrival(leah, client_for, cast):
    client = client_for("cse.rotherham")
    _import(client, "P907,Leah,,Stainly,,17/04/2013,F,W1,14 Millstone Walk,,Rotherham,S60 2BD")
    pair = ReviewPair.objects.get()
    client.post(f"/linkage/review/{pair.pk}/", {"decision": "different", "reason": "Checked with school"})
    # The same record arrives again, corrected to Leah's birthday: the decision about these records stands.
    _import(client, "P907,Leah,,Stainly,,03/09/2011,F,W1,14 Millstone Walk,,Rotherham,S60 2BD")
    assert _imported("P907").person_id != leah.pk
    assert ReviewPair.objects.get().status == PairStatus.NOT_LINKED
