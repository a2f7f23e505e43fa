"""Importing a partner file: good rows kept, bad rows quarantined with reasons and correctable,
re-import a no-op, and a worker killed mid-import resumed without duplicates."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tessera.audit.log import record_access, record_acts
from tessera.audit.models import AccessLog, AuditAction
from tessera.imports import jobs as import_jobs
from tessera.imports import services as import_services
from tessera.imports.models import BatchStatus, ImportBatch, QuarantinedRow, RowStatus
from tessera.jobs.models import Job, JobStatus
from tessera.jobs.queue import claim_next, run_job, run_pending
from tessera.people import services as people_services
from tessera.people.models import SourceIdentity

HEADER = "PersonURN,Forename1,Forename2,Surname,AKA,DOB,Sex,SDE,AddressLine1,AddressLine2,Town,Postcode\n"
GOOD = [
    "P100,Kayleigh,,Thornley,Kay,14/03/2010,F,W1,12 Furnace Lane,,Rotherham,S60 1AA",
    "P101,Jamal,,Ahmed,Jay,02/11/2009,M,A2,4 Canal Walk,,Rotherham,S61 2BB",
    "P102,Ellie,,Cawthorne,,21/07/2011,F,W1,,,,",
    "P104,Mason,,Kirkby,,05/05/2008,M,W1,9 Forge Street,,Rotherham,S62 3DD",
]
BAD = [
    "P103,Leah,,Wadsworth,,31/02/2010,F,W1,7 Pit Head Road,,Rotherham,S60 2EE",  # not a real date
    ",Tyler,,Dearne,,01/01/2012,M,W1,,,,",  # no record ID
    "P100,Kayleigh,,Thornley,,14/03/2010,F,W1,,,,",  # same ID as row 1
]
FILE = (HEADER + "\n".join(GOOD[:2] + BAD[:1] + GOOD[2:3] + BAD[1:] + GOOD[3:]) + "\n").encode()


def _upload(
    client, content=FILE, name="niche-weekly.csv", profile="police_rms", district=None, agency="police"
):
    """Send a file and, when it waits for its columns to be checked, start it with ``start_checked``."""
    response = send_file(client, content, name, profile=profile, district=district, agency=agency)
    if response.status_code == 302 and response["Location"].endswith("/columns/"):
        return start_checked(client, response["Location"])
    return response


def send_file(client, content, name, *, profile="police_rms", district=None, agency="police"):
    from tessera.core.models import Agency, District

    data = {
        "profile": profile,
        "agency": Agency.objects.get(code=agency).pk,
        "district": District.objects.get(code=district or "rotherham").pk,
        "file": SimpleUploadedFile(name, content, content_type="text/csv"),
    }
    return client.post("/imports/new/", data)


def start_checked(client, columns_url, choices=None):
    """Press 'Start the import' on the columns page, with ``choices`` (column -> field or 'ignored')."""
    from tessera.imports.forms import ColumnsForm

    batch = ImportBatch.objects.get(pk=int(columns_url.rstrip("/").split("/")[-2]))
    names = ColumnsForm(batch=batch).field_for_column
    return client.post(columns_url, {names[column]: choice for column, choice in (choices or {}).items()})


@pytest.fixture
def cse(client_for):
    return client_for("cse.rotherham")


def test_good_rows_are_kept_and_every_bad_row_is_quarantined_with_its_reason(cse):
    response = _upload(cse)
    assert response.status_code == 302
    assert run_pending() == 1
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.FINISHED
    assert (batch.total_rows, batch.created_count, batch.quarantined_count) == (7, 4, 3)
    ids = set(
        SourceIdentity.objects.filter(source_system="Niche RMS").values_list("source_record_id", flat=True)
    )
    assert ids == {"P100", "P101", "P102", "P104"}
    reasons = {row.row_number: [r["message"] for r in row.reasons] for row in QuarantinedRow.objects.all()}
    assert reasons.keys() == {3, 5, 6}
    assert "'31/02/2010' is not a real date" in reasons[3][0]
    assert "Record ID (column PersonURN) is empty" in reasons[5][0]
    assert "was already used by row 1" in reasons[6][0]
    page = cse.get(response["Location"]).content.decode()
    assert "&#x27;31/02/2010&#x27; is not a real date" in page
    assert "Rows kept back" in page


def test_everything_imported_is_audited_with_its_source(cse):
    _upload(cse)
    run_pending()
    identity = SourceIdentity.objects.get(source_record_id="P101")
    entry = AccessLog.objects.get(
        action=AuditAction.IMPORT, target_type="people.sourceidentity", target_id=str(identity.pk)
    )
    assert entry.actor_username == "cse.rotherham"
    assert entry.details["source_system"] == "Niche RMS"
    assert entry.details["file"] == "niche-weekly.csv"
    assert entry.details["row"] == 2
    assert AccessLog.objects.filter(action=AuditAction.IMPORT, target_type="imports.importbatch").count() == 1


def test_importing_the_same_file_again_changes_nothing(cse):
    _upload(cse)
    run_pending()
    before = (SourceIdentity.objects.count(), QuarantinedRow.objects.count(), AccessLog.objects.count())
    response = _upload(cse)
    assert run_pending() == 0, "no second job is queued for the same file"
    assert ImportBatch.objects.count() == 1
    assert (
        SourceIdentity.objects.count(),
        QuarantinedRow.objects.count(),
        AccessLog.objects.count(),
    ) == before
    page = cse.get(response["Location"]).content.decode()
    assert "already imported" in page
    assert "Nothing has changed" in page


def test_a_changed_file_with_the_same_records_only_updates_what_changed(cse):
    _upload(cse)
    run_pending()
    changed = FILE.replace(b"P101,Jamal,,Ahmed", b"P101,Jamal,,Ahmed-Hussain")
    _upload(cse, content=changed, name="niche-weekly-2.csv")
    run_pending()
    second = ImportBatch.objects.get(file_name="niche-weekly-2.csv")
    assert (second.created_count, second.updated_count, second.unchanged_count) == (0, 1, 3)
    assert SourceIdentity.objects.get(source_record_id="P101").family_name == "Ahmed-Hussain"
    assert SourceIdentity.objects.filter(source_record_id="P101").count() == 1


def test_a_corrected_row_lands_and_a_failed_correction_keeps_what_was_typed(cse):
    _upload(cse)
    run_pending()
    row = QuarantinedRow.objects.get(row_number=3)
    url = f"/imports/{row.batch_id}/rows/{row.pk}/"
    form = cse.get(url).content.decode()
    # The form starts from what the file said.
    assert 'value="Leah"' in form
    assert 'value="31"' in form
    fields = {
        "source_record_id": "P103",
        "given_name": "Leah",
        "family_name": "Wadsworth",
        "date_of_birth_day": "31",
        "date_of_birth_month": "2",
        "date_of_birth_year": "2010",
        "sex": "female",
        "ethnicity": "white_british",
        "address_line_1": "7 Pit Head Road",
        "town": "Rotherham",
        "postcode": "S60 2EE",
    }
    failed = cse.post(url, fields)
    assert failed.status_code == 200
    body = failed.content.decode()
    assert "Date of birth must be a real date" in body
    assert 'value="Wadsworth"' in body
    assert 'value="7 Pit Head Road"' in body
    landed = cse.post(url, {**fields, "date_of_birth_day": "28"})
    assert landed.status_code == 302
    row.refresh_from_db()
    assert row.status == RowStatus.RESUBMITTED
    assert row.identity is not None
    assert row.identity.source_record_id == "P103"
    assert str(row.identity.date_of_birth) == "2010-02-28"
    assert row.identity.police_person_id == "P103", "the police URN is both record ID and person ID"
    assert AccessLog.objects.filter(
        action=AuditAction.IMPORT, target_id=str(row.identity.pk), details__corrected=True
    ).exists()


def test_a_correction_cannot_reuse_a_record_id_already_in_tessera(cse):
    _upload(cse)
    run_pending()
    row = QuarantinedRow.objects.get(row_number=6)
    response = cse.post(
        f"/imports/{row.batch_id}/rows/{row.pk}/",
        {"source_record_id": "P100", "given_name": "Kayleigh", "family_name": "Thornley", "sex": "female",
         "ethnicity": "not_stated"},
    )  # fmt: skip
    assert response.status_code == 200
    assert "Niche RMS record P100 is already in Tessera" in response.content.decode()
    assert SourceIdentity.objects.filter(source_record_id="P100").count() == 1


def test_a_row_set_aside_is_kept_with_its_reason(cse):
    _upload(cse)
    run_pending()
    row = QuarantinedRow.objects.get(row_number=6)
    response = cse.post(f"/imports/{row.batch_id}/rows/{row.pk}/set-aside/", {"note": "Same child as row 1"})
    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.status, row.resolution_note) == (RowStatus.SET_ASIDE, "Same child as row 1")


def test_a_worker_killed_mid_import_resumes_without_duplicates(cse, monkeypatch):
    monkeypatch.setattr(import_jobs, "CHUNK_ROWS", 2)
    calls = {"n": 0}
    real_record_access, real_record_acts = record_access, record_acts

    # Calls: 1 the file received, 2 its columns checked and the import started, 3 rows 1-2 (the first
    # chunk's new records, logged together), then row 3 is quarantined and row 4's audit is call 4: the
    # worker dies there, in the second chunk.
    def dies_on_the_fourth_audit(**kwargs):
        calls["n"] += 1
        if calls["n"] == 4:
            raise SystemExit("worker killed")  # stands in for SIGKILL mid-chunk: nothing after this runs
        return (real_record_acts if "acts" in kwargs else real_record_access)(**kwargs)

    monkeypatch.setattr(import_services, "record_access", dies_on_the_fourth_audit)
    # A new record's row is written by people.services.create_person (one at a time) or create_people (a
    # chunk's new records), which every new person goes through.
    monkeypatch.setattr(people_services, "record_access", dies_on_the_fourth_audit)
    monkeypatch.setattr(people_services, "record_acts", dies_on_the_fourth_audit)
    _upload(cse)
    job = claim_next("worker-a")
    assert job is not None
    with pytest.raises(SystemExit):
        run_job(job)
    job.refresh_from_db()
    assert job.checkpoint == {"next_row": 2}, "the first chunk committed; the second rolled back whole"
    assert SourceIdentity.objects.filter(source_system="Niche RMS").count() == 2
    assert not QuarantinedRow.objects.exists(), "row 3's quarantine rolled back with its chunk"
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    resumed = claim_next("worker-b")
    assert resumed is not None
    assert resumed.attempts == 2
    run_job(resumed)
    resumed.refresh_from_db()
    assert resumed.status == JobStatus.SUCCEEDED
    batch = ImportBatch.objects.get()
    assert (batch.created_count, batch.quarantined_count) == (4, 3)
    identities = SourceIdentity.objects.filter(source_system="Niche RMS")
    assert identities.count() == 4
    assert QuarantinedRow.objects.count() == 3
    for identity in identities:
        assert (
            AccessLog.objects.filter(
                action=AuditAction.IMPORT, target_type="people.sourceidentity", target_id=str(identity.pk)
            ).count()
            == 1
        )


def test_a_file_that_is_not_this_system_s_export_is_refused_with_the_reason(cse):
    _upload(cse, content=b"patientId,givenName\nH1,Ellie\n", name="wrong.csv")
    run_pending()
    batch = ImportBatch.objects.get()
    assert batch.status == BatchStatus.REFUSED
    assert "does not look like a Niche RMS export" in batch.refusal_reason


def test_a_file_from_an_agency_of_the_wrong_kind_is_refused_at_upload(cse):
    from tessera.core.models import Agency

    response = cse.post(
        "/imports/new/",
        {
            "profile": "health_systmone",
            "agency": Agency.objects.get(code="police").pk,
            "district": 1,
            "file": SimpleUploadedFile("x.json", b"{}"),
        },
    )
    assert response.status_code == 200
    assert "SystmOne files come from health" in response.content.decode()


def test_an_importer_from_another_district_cannot_see_the_batch(cse, client_for):
    _upload(cse)
    batch = ImportBatch.objects.get()
    assert client_for("sw.sheffield").get(f"/imports/{batch.pk}/").status_code == 404
    assert client_for("hotel.sheffield").get("/imports/").status_code == 403


def test_a_row_whose_nhs_number_fails_its_check_is_imported_with_the_number_kept_as_sent(cse):

    content = (
        b"patientId,givenName,familyName,birthDate,genderCode,addressLine1,addressPostcode,nhsNumber\n"
        b"H7,Ellie,Cawthorne,2011-07-21,2,12 Furnace Lane,S60 1AA,943 476 5918\n"
    )
    _upload(cse, content, "systmone.csv", profile="health_systmone", agency="health-rotherham")
    run_pending()
    batch = ImportBatch.objects.get()
    assert (batch.created_count, batch.quarantined_count) == (1, 0)
    identity = SourceIdentity.objects.get(source_record_id="H7")
    assert identity.nhs_number == ""
    assert identity.identifiers_failing_check == {"nhs_number": "943 476 5918"}
    page = cse.get(f"/people/{identity.person_id}/").content.decode()
    assert "943 476 5918" in page
    assert "Fails its check" in page
