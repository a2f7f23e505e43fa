"""Files that once crashed the import and left the batch stuck for ever (issue 17, Found 3 and Found 11).

Each one now ends cleanly: refused with a reason that is true, or imported with its bad rows quarantined,
and the same file can be sent again.
"""

import pytest

from tessera.imports.models import BatchStatus, ImportBatch, QuarantinedRow
from tessera.jobs.models import Job, JobStatus
from tessera.jobs.queue import run_pending
from tessera.people.models import SourceIdentity
from tests.imports.test_import import FILE, GOOD, HEADER
from tests.imports.test_import import _upload as upload


def _send(client, content, name, profile="police_rms", agency="police"):
    return upload(client, content, name, profile=profile, agency=agency)


@pytest.fixture
def cse(client_for):
    return client_for("cse.rotherham")


def _finished(batch_name):
    ran = run_pending()
    batch = ImportBatch.objects.get(file_name=batch_name)
    if batch.status == BatchStatus.REFUSED:
        assert (ran, batch.job) == (0, None), (
            "a file that cannot be read is refused on arrival, no job queued"
        )
    else:
        assert ran == 1
        assert batch.job is not None
    assert batch.status in {BatchStatus.FINISHED, BatchStatus.REFUSED, BatchStatus.FAILED}, "never stuck"
    return batch


def test_a_300kb_cell_quarantines_its_row_and_the_good_rows_are_imported(cse):
    huge = "P900,Kayleigh,,Thornley," + "x" * 300_000 + ",14/03/2010,F,W1,,,,"
    content = (HEADER + "\n".join([GOOD[0], huge, GOOD[1]]) + "\n").encode()
    _send(cse, content, "huge-cell.csv")
    batch = _finished("huge-cell.csv")
    assert batch.status == BatchStatus.FINISHED
    assert (batch.created_count, batch.quarantined_count) == (2, 1)
    row = QuarantinedRow.objects.get(batch=batch)
    assert row.row_number == 2
    assert "characters or fewer (the file has 300,000)" in row.reasons[0]["message"]
    assert len(row.raw["AKA"]) < 20_000, (
        "the cell is cut where it is kept; the whole file stays with the batch"
    )
    assert len(bytes(batch.content)) == len(content)


def test_json_nested_100000_deep_is_refused_with_a_reason_and_can_be_sent_again(cse):
    content = b'{"patients": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    _send(cse, content, "deep.json", profile="health_systmone", agency="health-rotherham")
    batch = _finished("deep.json")
    assert batch.status == BatchStatus.REFUSED
    assert "nests lists or objects too deeply" in batch.refusal_reason
    page = cse.get(f"/imports/{batch.pk}/").content.decode()
    assert "Nothing in it was imported" in page
    assert "Every row" not in page
    again = _send(cse, content, "deep.json", profile="health_systmone", agency="health-rotherham")
    assert again.status_code == 302
    assert ImportBatch.objects.filter(file_name="deep.json").count() == 2, "re-sending starts a new batch"


def test_a_5001_digit_number_quarantines_its_record_and_the_others_are_imported(cse):
    content = (
        b'{"patients": [{"patientId": "H1", "givenName": "Ellie", "familyName": "Cawthorne", '
        b'"birthDate": "2011-07-21"}, {"patientId": "H2", "givenName": "Jo", "familyName": "Hart", '
        b'"nhsNumber": ' + b"9" * 5001 + b"}]}"
    )
    _send(cse, content, "long-number.json", profile="health_systmone", agency="health-rotherham")
    batch = _finished("long-number.json")
    assert batch.status == BatchStatus.FINISHED
    assert (batch.created_count, batch.quarantined_count) == (1, 1)
    reasons = QuarantinedRow.objects.get(batch=batch).reasons
    assert "NHS number" in reasons[0]["message"]
    assert "(the file has 5,001)" in reasons[0]["message"]


def test_a_nul_byte_is_quarantined_with_its_reason_and_kept_visibly(cse):
    content = (
        HEADER + "\n".join([GOOD[0], "P901,Kay\x00leigh,,Thornley,,14/03/2010,F,W1,,,,"]) + "\n"
    ).encode()
    _send(cse, content, "nul.csv")
    batch = _finished("nul.csv")
    assert (batch.created_count, batch.quarantined_count) == (1, 1)
    row = QuarantinedRow.objects.get(batch=batch)
    assert "contains a NUL character (U+0000)" in row.reasons[0]["message"]
    assert row.raw["Forename1"] == "Kay\u2400leigh"
    assert all("\x00" not in name for name in SourceIdentity.objects.values_list("given_name", flat=True))


def test_an_unterminated_quote_refuses_the_file_naming_the_line(cse):
    content = (
        HEADER + GOOD[0] + "\n" + 'P902,"Jamal,,Ahmed,,02/11/2009,M,A2,,,,\n' + GOOD[3] + "\n"
    ).encode()
    _send(cse, content, "open-quote.csv")
    batch = _finished("open-quote.csv")
    assert batch.status == BatchStatus.REFUSED
    assert "A quote mark opened on line 3 of the file is never closed" in batch.refusal_reason
    assert not SourceIdentity.objects.exists(), "half a file is not imported"


def test_a_utf16_file_is_read(cse):
    content = FILE.decode().encode("utf-16")
    _send(cse, content, "excel-unicode.csv")
    batch = _finished("excel-unicode.csv")
    assert batch.status == BatchStatus.FINISHED
    assert batch.created_count == 4


def test_a_utf16_file_without_its_byte_order_mark_is_refused_for_what_it_is(cse):
    content = FILE.decode().encode("utf-16-le")
    _send(cse, content, "no-bom.csv")
    batch = _finished("no-bom.csv")
    assert batch.status == BatchStatus.REFUSED
    assert "UTF-16" in batch.refusal_reason
    assert "column" not in batch.refusal_reason, "not the misleading 'no such column'"


def test_a_file_sent_again_with_other_bytes_does_not_quarantine_the_same_bad_rows_twice(cse):
    _send(cse, FILE, "week-1.csv")
    run_pending()
    first = ImportBatch.objects.get(file_name="week-1.csv")
    assert first.quarantined_count == 3
    reexport = FILE.replace(b"\n", b"\r\n")  # the same rows, written by another spreadsheet
    _send(cse, reexport, "week-1-again.csv")
    second = _finished("week-1-again.csv")
    assert second.quarantined_count == 0
    assert second.already_quarantined_count == 3
    assert QuarantinedRow.objects.count() == 3
    page = cse.get(f"/imports/{second.pk}/").content.decode()
    assert "Rows already kept back from an earlier file" in page


def test_a_fault_in_the_import_fails_the_batch_with_a_reason_and_the_file_can_be_sent_again(cse, monkeypatch):
    from tessera.imports import services

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "take_record", broken)
    _send(cse, FILE, "fault.csv")
    batch = _finished("fault.csv")
    assert batch.status == BatchStatus.FAILED
    assert "not in the file" in batch.refusal_reason
    assert Job.objects.get(pk=batch.job_id).status == JobStatus.FAILED
    monkeypatch.undo()
    _send(cse, FILE, "fault.csv")
    assert run_pending() == 1
    latest = ImportBatch.objects.filter(file_name="fault.csv").order_by("-pk")[0]
    assert latest.status == BatchStatus.FINISHED
    assert latest.created_count == 4
