"""A NUL character in a partner file (PostgreSQL stores none): refused or quarantined with a clear reason,
never a database error, and nothing of the file lost. Runs on SQLite and on PostgreSQL (DATABASE_URL)."""

from __future__ import annotations

import json

import pytest

from tessera.core.models import Agency, District
from tessera.imports.columns import IGNORED, unknown_columns
from tessera.imports.models import BatchStatus, ImportBatch, QuarantinedRow
from tessera.imports.parsing import FileProblemError, read_rows
from tessera.imports.profiles import PROFILES
from tessera.imports.services import begin_import, start_import
from tessera.jobs.queue import run_pending
from tessera.people.models import SourceIdentity

CHARITY = PROFILES["charity_cases"]
HEADING_WITH_NUL = b"\x00,Case reference\r\n,R1\r\n"  # the file hypothesis found


def test_a_nul_in_a_heading_refuses_the_file_naming_the_heading_without_the_nul():
    with pytest.raises(FileProblemError) as refused:
        read_rows(b"Case reference,First\x00name\r\nR1,Kayleigh\r\n", "csv", CHARITY)
    message = str(refused.value)
    assert "\x00" not in message
    assert "'First\u2400name'" in message
    assert "contains a NUL character" in message


def test_a_nul_in_a_json_key_refuses_the_file():
    content = json.dumps({"patients": [{"patientId": "H1", "given\u0000Name": "Ellie"}]}).encode()
    with pytest.raises(FileProblemError, match="contains a NUL character"):
        read_rows(content, "json", PROFILES["health_systmone"])


def _send(cast, content: bytes, code: str = "charity_cases", fmt: str = "csv") -> ImportBatch:
    profile = PROFILES[code]
    agency = Agency.objects.filter(kind=profile.agency_kind).order_by("pk").first()
    assert agency is not None
    started = start_import(
        cast["analyst"],
        profile_code=code,
        agency=agency,
        district=District.objects.get(code="rotherham"),
        file_name=f"partner.{fmt}",
        file_format=fmt,
        content=content,
    )
    batch = started.batch
    if batch.status == BatchStatus.CHECKING:
        begin_import(
            cast["analyst"],
            batch,
            dict.fromkeys(unknown_columns(batch.file_columns, batch.base_profile), IGNORED),
        )
        run_pending()
    return ImportBatch.objects.get(pk=batch.pk)


@pytest.mark.django_db
def test_a_file_with_a_nul_in_a_heading_is_refused_and_kept(cast):
    batch = _send(cast, HEADING_WITH_NUL)
    assert batch.status == BatchStatus.REFUSED
    assert "contains a NUL character (shown as \u2400)" in batch.refusal_reason
    assert "\x00" not in batch.refusal_reason
    assert bytes(batch.content) == HEADING_WITH_NUL, "the file itself is kept with its batch"
    assert batch.file_columns == []
    assert not SourceIdentity.objects.exists()


@pytest.mark.django_db
def test_a_nul_in_a_cell_quarantines_the_row_with_its_reason_and_keeps_its_values(cast):
    content = b"Case reference,First name,Last name\r\nR1,Kay\x00leigh,Thornley\r\nR2,Leah,Wadsworth\r\n"
    batch = _send(cast, content)
    assert (batch.status, batch.created_count, batch.quarantined_count) == (BatchStatus.FINISHED, 1, 1)
    row = QuarantinedRow.objects.get(batch=batch)
    assert row.row_number == 1
    assert row.raw["First name"] == "Kay\u2400leigh", "kept, with the NUL shown as its symbol"
    assert [r["field"] for r in row.reasons] == ["given_name"]
    assert "First name (column First name) contains" in row.reasons[0]["message"]


@pytest.mark.django_db
def test_a_nul_in_a_cell_of_a_json_file_quarantines_the_row(cast):
    records = [{"patientId": "H1", "givenName": "El\u0000lie", "familyName": "Cawthorne"}]
    batch = _send(cast, json.dumps({"patients": records}).encode(), "health_systmone", "json")
    assert (batch.status, batch.created_count, batch.quarantined_count) == (BatchStatus.FINISHED, 0, 1)
    assert QuarantinedRow.objects.get(batch=batch).raw["givenName"] == "El\u2400lie"
