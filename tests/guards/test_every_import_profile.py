"""Every import profile, fed any file at all (issue 17, build 7).

The readers and the row checks are pure, so most examples go straight to them: a file is either refused
whole with a reason, or read into rows, each taken or quarantined with reasons that name their field in
the user's words and the partner's column. A smaller number go the whole way, through the upload and the
worker, and the batch must end finished or refused, never failed or stuck.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tessera.core.models import Agency, District
from tessera.imports.columns import IGNORED, unknown_columns
from tessera.imports.models import BatchStatus, ImportBatch
from tessera.imports.parsing import FileProblemError, read_rows, row_fingerprint, storable_values
from tessera.imports.profiles import FIELD_LABELS, PROFILES, MappingProfile
from tessera.imports.services import begin_import, start_import
from tessera.imports.validation import validate
from tessera.jobs.queue import run_pending
from tests.guards.strategies import GUARD_EXAMPLES, guard_settings, huge_number, odd_text

TODAY = datetime.date(2026, 12, 2)
PROFILE_CODES = sorted(PROFILES)

# Values shaped like what the columns hold, and values that are not.
plausible_value = st.sampled_from(
    ["", "Kayleigh", "O'Neill", "Smith-Jones", "14/03/2010", "2010-03-14", "31/02/2010", "F", "M", "2", "W1",
     "A", "S60 1AA", "s601aa", "943 476 5919", "A123456789012", "NS", "unknown", "N/A", " "]
)  # fmt: skip
cell = st.one_of(plausible_value, odd_text, huge_number)
json_value = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), cell),
    lambda inner: st.one_of(st.lists(inner, max_size=3), st.dictionaries(cell, inner, max_size=3)),
    max_leaves=8,
)


def _records(profile: MappingProfile, values: st.SearchStrategy[Any]) -> st.SearchStrategy[list[dict]]:
    """Records keyed by the profile's own columns (so rows reach the checks) plus the odd stray column."""
    columns = sorted(set(profile.columns.values()))
    keys = st.one_of(st.sampled_from(columns), st.sampled_from(columns), cell)
    record = st.dictionaries(keys, values, max_size=len(columns) + 2)
    # The record ID column is usually there, or the file is refused before any row is checked.
    with_id = record.flatmap(
        lambda r: st.sampled_from([{profile.column_for("source_record_id"): "R1", **r}, r])
    )
    return st.lists(with_id, min_size=0, max_size=6)


def _csv_file(records: list[dict]) -> bytes:
    header = sorted({key for record in records for key in record})
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header or ["empty"], extrasaction="ignore")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue().encode("utf-8", errors="surrogatepass")


def _json_file(profile: MappingProfile, records: list[Any]) -> bytes:
    body: Any = {profile.json_records_key: records} if profile.json_records_key else records
    return json.dumps(body).encode()


@st.composite
def partner_file(draw: st.DrawFn, profile: MappingProfile) -> tuple[str, bytes]:
    fmt = draw(st.sampled_from(["csv", "json"]))
    shape = draw(st.sampled_from(["records", "records", "bytes", "cut"]))
    if shape == "bytes":
        return fmt, draw(st.binary(max_size=600))
    if fmt == "csv":
        content = _csv_file(draw(_records(profile, cell)))
    else:
        content = _json_file(
            profile, draw(_records(profile, json_value)) + draw(st.lists(json_value, max_size=2))
        )
    if shape == "cut":
        # A file cut short in the middle of sending, or with a byte changed.
        cut = draw(st.integers(0, len(content)))
        content = content[:cut] + draw(st.binary(max_size=3))
    return fmt, content


def _check_reasons(profile: MappingProfile, outcome: Any) -> list[str]:
    problems = []
    for problem in outcome.problems:
        if problem.field and problem.field not in FIELD_LABELS:
            problems.append(f"{problem.message!r} is about {problem.field!r}, not a field the user knows")
        elif problem.field and not problem.message.startswith(
            ("The record", profile.describe(problem.field))
        ):
            problems.append(f"{problem.message!r} does not name {profile.describe(problem.field)}")
        elif not problem.message:
            problems.append("a problem without a message")
    return problems


@pytest.mark.parametrize("code", PROFILE_CODES)
@guard_settings
@given(data=st.data())
def test_any_file_is_refused_with_a_reason_or_read_row_by_row_with_named_reasons(code, data):
    profile = PROFILES[code]
    fmt, content = data.draw(partner_file(profile), label="file")
    try:
        rows = read_rows(content, fmt, profile)
    except FileProblemError as refused:
        reason = str(refused)
        rows = []
    else:
        reason = "read"
    assert reason, "a refusal says why"
    seen: dict[str, int] = {}
    for row in rows:
        kept = storable_values(row.values)
        # What is kept of a row goes into a JSON column and is fingerprinted; neither may fail.
        json.dumps(kept)
        row_fingerprint(kept)
        outcome = validate(row.values, profile, today=TODAY, seen_ids=seen)
        assert outcome.ok or outcome.problems, "a row that is not taken says why"
        assert not _check_reasons(profile, outcome), _check_reasons(profile, outcome)
        if outcome.record is not None:
            seen.setdefault(outcome.record.source_record_id, row.number)


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("code", PROFILE_CODES)
@settings(guard_settings, max_examples=max(3, GUARD_EXAMPLES // 5))
@given(data=st.data())
def test_any_file_sent_through_the_worker_ends_finished_or_refused(code, data, cast):
    profile = PROFILES[code]
    fmt, content = data.draw(partner_file(profile), label="file")
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
    if started.is_new and started.batch.status == BatchStatus.CHECKING:
        # Every column the profile does not know is left out on purpose, as an importer would choose.
        columns = unknown_columns(started.batch.file_columns, started.batch.base_profile)
        begin_import(cast["analyst"], started.batch, dict.fromkeys(columns, IGNORED))
        run_pending()
    batch = ImportBatch.objects.get(pk=started.batch.pk)
    assert batch.status in {BatchStatus.FINISHED, BatchStatus.REFUSED}, (
        f"{batch.status}: {batch.refusal_reason}"
    )
