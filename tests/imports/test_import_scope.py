"""An import changes only records the importer could change by hand, and tells them only what they may know.

- A file row whose record ID Tessera already holds for a person outside the uploader's scope (another
  district, or a restricted record) is kept back with a reason, and the record is untouched.
- A row that does change a person's record moves the person's page on: the new name shows, the person's
  version goes up, and the change is in the field history.
- Messages about record IDs and files already received say nothing about records or imports the user
  cannot see.
"""

from __future__ import annotations

from tessera.access.models import RestrictedRecord
from tessera.audit.models import AccessLog, AuditAction
from tessera.audit.versioning import history_of
from tessera.imports.models import ImportBatch, QuarantinedRow
from tessera.jobs.queue import run_pending
from tessera.people.models import Person, SourceIdentity
from tests.conftest import make_person
from tests.imports.test_import import _upload as upload

HEADER = "PersonURN,Forename1,Forename2,Surname,AKA,DOB,Sex,SDE,AddressLine1,AddressLine2,Town,Postcode\n"


def _file(*rows: str) -> bytes:
    return (HEADER + "\n".join(rows) + "\n").encode()


def _upload(client, content: bytes, name: str = "niche-weekly.csv", district: str = "rotherham"):
    return upload(client, content, name, district=district)


def test_a_row_for_a_child_in_another_district_is_kept_back_and_the_record_is_untouched(client_for):
    ellie = make_person("sheffield", given="Ellie", family="Cawthorne")
    record_id = SourceIdentity.objects.get(person=ellie).source_record_id
    cse = client_for("cse.rotherham")
    assert cse.get(f"/people/{ellie.pk}/").status_code == 404
    response = _upload(cse, _file(f"{record_id},Ellie,,Smith,,21/07/2011,F,W1,,,,"))
    assert run_pending() == 1

    identity = SourceIdentity.objects.get(person=ellie)
    assert identity.family_name == "Cawthorne", "the Sheffield record is not overwritten"
    ellie.refresh_from_db()
    assert (ellie.family_name, ellie.version) == ("Cawthorne", 1)
    assert not AccessLog.objects.filter(
        action=AuditAction.CHANGE, target_type="people.sourceidentity", target_id=str(identity.pk)
    ).exists()

    batch = ImportBatch.objects.get()
    assert (batch.created_count, batch.updated_count, batch.unchanged_count, batch.quarantined_count) == (
        0,
        0,
        0,
        1,
    )
    row = QuarantinedRow.objects.get(batch=batch)
    assert row.reasons == [
        {
            "field": "source_record_id",
            "message": f"Record ID (column PersonURN) '{record_id}' is held in Tessera for a person outside "
            "your scope, so this row has not changed their record. Check the record ID with the partner, "
            "or set the row aside.",
        }
    ]
    entry = AccessLog.objects.get(target_type="imports.quarantinedrow", target_id=str(row.pk))
    assert (entry.action, entry.actor_username) == (AuditAction.IMPORT, "cse.rotherham")

    page = cse.get(response["Location"]).content.decode()
    assert "held in Tessera for a person outside" in page
    assert "Cawthorne" not in page, "nothing about the person who holds the record ID is shown"
    assert f"/people/{ellie.pk}/" not in page


def test_a_row_for_a_restricted_child_in_the_importers_own_district_is_kept_back(client_for, cast):
    kayleigh = make_person("rotherham")
    RestrictedRecord.objects.create(
        target_type="people.person",
        target_id=kayleigh.pk,
        reason="Staff member's child",
        restricted_by=cast["sysadmin"],
    )
    record_id = SourceIdentity.objects.get(person=kayleigh).source_record_id
    _upload(client_for("cse.rotherham"), _file(f"{record_id},Kayleigh,,Renamed,,14/03/2010,F,W1,,,,"))
    run_pending()
    assert SourceIdentity.objects.get(person=kayleigh).family_name == "Thornley"
    assert ImportBatch.objects.get().quarantined_count == 1


def test_an_updated_surname_shows_on_the_persons_page_with_a_new_version_and_history(client_for):
    cse = client_for("cse.rotherham")
    _upload(cse, _file("P101,Jamal,,Ahmed,Jay,02/11/2009,M,A2,4 Canal Walk,,Rotherham,S61 2BB"))
    run_pending()
    jamal = Person.objects.get(identities__source_record_id="P101")
    assert (jamal.full_name, jamal.version) == ("Jamal Ahmed", 1)

    _upload(
        cse,
        _file("P101,Jamal,,Ahmed-Hussain,Jay,02/11/2009,M,A2,4 Canal Walk,,Rotherham,S61 2BB"),
        name="niche-weekly-2.csv",
    )
    run_pending()
    assert ImportBatch.objects.get(file_name="niche-weekly-2.csv").updated_count == 1
    jamal.refresh_from_db()
    assert (jamal.full_name, jamal.version) == ("Jamal Ahmed-Hussain", 2)
    page = cse.get(f"/people/{jamal.pk}/").content.decode()
    assert '<h1 class="govuk-heading-l">Jamal Ahmed-Hussain</h1>' in page
    [change] = history_of(jamal)
    assert change.version == 2
    assert change.changed_by is not None
    assert change.changed_by.username == "cse.rotherham"
    assert change.changes["family_name"]["old"] == "Ahmed"
    assert change.changes["family_name"]["new"] == "Ahmed-Hussain"
    assert AccessLog.objects.filter(
        action=AuditAction.CHANGE, target_type="people.person", target_id=str(jamal.pk)
    ).exists()
    search = cse.get("/people/search/", {"q": "Jamal Ahmed-Hussain"}).content.decode()
    assert f"/people/{jamal.pk}/" in search


def test_a_correction_reusing_a_record_id_held_outside_scope_names_no_one(client_for):
    ellie = make_person("sheffield", given="Ellie", family="Cawthorne")
    record_id = SourceIdentity.objects.get(person=ellie).source_record_id
    cse = client_for("cse.rotherham")
    _upload(cse, _file("P103,Leah,,Wadsworth,,31/02/2010,F,W1,,,,"))
    run_pending()
    row = QuarantinedRow.objects.get()
    response = cse.post(
        f"/imports/{row.batch_id}/rows/{row.pk}/",
        {"source_record_id": record_id, "given_name": "Leah", "family_name": "Wadsworth", "sex": "female",
         "ethnicity": "not_stated"},
    )  # fmt: skip
    assert response.status_code == 200
    page = response.content.decode()
    assert f"Niche RMS record {record_id} is held in Tessera for a person outside your scope" in page
    assert "is already in Tessera" not in page
    assert "Cawthorne" not in page
    assert SourceIdentity.objects.get(source_record_id=record_id).family_name == "Cawthorne"


def test_a_file_already_imported_for_another_district_is_not_described_or_linked(client_for):
    content = _file("P200,Ellie,,Cawthorne,,21/07/2011,F,W1,,,,")
    _upload(client_for("sw.sheffield"), content, name="sheffield-weekly.csv", district="sheffield")
    earlier = ImportBatch.objects.get()
    cse = client_for("cse.rotherham")
    response = _upload(cse, content, name="same-bytes.csv")
    assert response.status_code == 302
    assert response["Location"] == "/imports/", "not to the earlier import, which would answer 404"
    assert ImportBatch.objects.count() == 1
    page = cse.get(response["Location"]).content.decode()
    assert "This file has already been received, so nothing has changed." in page
    assert "The earlier import is not one you can open." in page
    assert "already imported on" not in page
    assert f"{earlier.created_at:%d %B %Y}" not in page
    assert "sheffield-weekly.csv" not in page
    assert f"/imports/{earlier.pk}/" not in page
