"""The access log: one row per act, in the act's transaction, append-only and tamper-evident.

The cases of issue 17 "Found 6" (an emptied log, a cut tail, a rewritten chain, who-has-looked emptied)
are in test_tampering.py.
"""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tessera.audit.chain import GENESIS_HASH, SealedRow, seal_hash, verify_seals
from tessera.audit.log import record_access
from tessera.audit.models import AccessLog, AppendOnlyError, AuditAction, AuditSeal
from tessera.audit.sealer import seal_pending
from tessera.audit.verify import verify_stored_chain


def _write_rows(user, n=5):
    return [
        record_access(actor=user, action=AuditAction.VIEW, target_type="people.person", target_id=i)
        for i in range(n)
    ]


def _verify_output() -> str:
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    return out.getvalue()


@pytest.fixture
def rows(cast):
    written = _write_rows(cast["cse.rotherham"])
    seal_pending()
    return [AccessLog.objects.select_related("seal").get(pk=row.pk) for row in written]


def test_an_intact_log_verifies(rows):
    assert "intact: 5 rows verified" in _verify_output()
    assert [row.seal.seq for row in rows] == list(range(rows[0].seal.seq, rows[0].seal.seq + 5))


def test_each_row_records_who_what_when_why(rows, cast):
    row = rows[0]
    assert row.actor == cast["cse.rotherham"]
    assert row.actor_agency == "South Yorkshire Police"
    assert row.action == AuditAction.VIEW
    assert row.target_type == "people.person"
    assert row.at is not None


def _tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # A database superuser going round the application: triggers must be switched off first.
            cursor.execute("SET session_replication_role = replica")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


def test_altering_a_row_is_detected_and_the_row_named(rows):
    victim = rows[2]
    _tamper("UPDATE audit_accesslog SET reason = %s WHERE id = %s", ["nothing to see", victim.pk])
    with pytest.raises(CommandError, match=rf"row {victim.pk} \(sequence {victim.seal.seq}\).*altered"):
        _verify_output()


def test_removing_a_row_is_detected(rows):
    _tamper("DELETE FROM audit_auditseal WHERE entry_id = %s", [rows[1].pk])
    _tamper("DELETE FROM audit_accesslog WHERE id = %s", [rows[1].pk])
    with pytest.raises(CommandError, match=f"sequence {rows[2].seal.seq}.*missing"):
        _verify_output()


def test_removing_the_last_row_is_detected(rows):
    _tamper("DELETE FROM audit_auditseal WHERE entry_id = %s", [rows[-1].pk])
    _tamper("DELETE FROM audit_accesslog WHERE id = %s", [rows[-1].pk])
    problem = verify_stored_chain().problem
    assert problem is not None
    assert "rows removed" in str(problem)


def test_swapping_two_rows_is_detected(rows):
    a, b = rows[1], rows[2]
    _tamper("UPDATE audit_auditseal SET seq = seq + 1000000 WHERE entry_id = %s", [a.pk])
    _tamper("UPDATE audit_auditseal SET seq = %s WHERE entry_id = %s", [a.seal.seq, b.pk])
    _tamper("UPDATE audit_auditseal SET seq = %s WHERE entry_id = %s", [b.seal.seq, a.pk])
    problem = verify_stored_chain().problem
    assert problem is not None
    assert problem.row_id == b.pk


def test_the_model_refuses_updates_and_deletes(rows):
    row = rows[0]
    row.reason = "changed"
    with pytest.raises(AppendOnlyError):
        row.save()
    with pytest.raises(AppendOnlyError):
        row.delete()
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=row.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        AccessLog.objects.filter(pk=row.pk).delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL")
def test_the_database_refuses_updates_and_deletes_on_postgresql(rows):
    from django.db.utils import DatabaseError

    for sql in (
        "UPDATE audit_accesslog SET reason = 'x' WHERE id = %s",
        "DELETE FROM audit_accesslog WHERE id = %s",
        "UPDATE audit_auditseal SET hash = 'x' WHERE entry_id = %s",
        "DELETE FROM audit_auditseal WHERE entry_id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [rows[0].pk])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the database trigger exists on PostgreSQL")
def test_the_database_refuses_changes_to_the_records_a_row_showed_on_postgresql(cast):
    from django.db.utils import DatabaseError

    entry = record_access(
        actor=cast["cse.rotherham"],
        action=AuditAction.SEARCH,
        target_type="people.person",
        shown={"people.person": [1]},
    )
    shown_id = entry.records_shown.get().pk
    for sql in (
        "UPDATE audit_recordshown SET target_id = '2' WHERE id = %s",
        "DELETE FROM audit_recordshown WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [shown_id])


def test_a_rolled_back_act_leaves_no_log_row(cast):
    before = AccessLog.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        record_access(actor=cast["cse.rotherham"], action=AuditAction.CHANGE, target_type="x", target_id=1)
        raise RuntimeError("the act failed")
    assert AccessLog.objects.count() == before
    assert verify_stored_chain().problem is None
    assert not AuditSeal.objects.exists()


def _pure_chain(key: bytes) -> list[SealedRow]:
    sealed = []
    prev = GENESIS_HASH
    for seq in range(1, 4):
        row = {"id": seq * 10, "at": "2026-01-01T00:00:00+00:00", "action": "view", "details": {}}
        shown = [("people.person", str(seq))]
        digest = seal_hash(key, prev, seq, row, shown)
        sealed.append(SealedRow(seq, prev, digest, 1, row, shown))
        prev = digest
    return sealed


def test_pure_chain_verification_names_the_first_bad_row():
    key = b"k" * 32
    sealed = _pure_chain(key)
    problem, summary = verify_seals(sealed, key)
    assert problem is None
    assert (summary.last_seq, summary.shown) == (3, 3)
    altered = SealedRow(
        2, sealed[1].prev_hash, sealed[1].hash, 1, {**sealed[1].row, "action": "export"}, sealed[1].shown
    )
    broken, _ = verify_seals([sealed[0], altered, sealed[2]], key)
    assert broken is not None
    assert broken.row_id == 20


def test_pure_chain_made_with_another_key_does_not_verify():
    problem, _ = verify_seals(_pure_chain(b"a guess at the key, 32 characters"), b"k" * 32)
    assert problem is not None
    assert (problem.seq, "altered" in problem.problem) == (1, True)


def test_appending_is_inserts_only_with_no_shared_row_read_or_locked(cast):
    with CaptureQueriesContext(connection) as queries:
        record_access(
            actor=cast["cse.rotherham"],
            action=AuditAction.SEARCH,
            target_type="people.person",
            shown={"people.person": [1, 2]},
        )
    statements = [q["sql"].lstrip().split()[0].upper() for q in queries.captured_queries]
    # Savepoint bookkeeping aside, the append is two INSERTs: the row and the records it showed.
    assert [s for s in statements if s not in {"SAVEPOINT", "RELEASE"}] == ["INSERT", "INSERT"]
    assert not any("FOR UPDATE" in q["sql"].upper() for q in queries.captured_queries)


def test_sqlite_files_are_opened_in_wal_mode_with_a_busy_timeout(tmp_path):
    import sqlite3

    from tessera.env import sqlite_config

    config = sqlite_config(str(tmp_path / "tessera.sqlite3"))
    assert config["OPTIONS"]["timeout"] >= 5
    db = sqlite3.connect(config["NAME"])
    db.executescript(config["OPTIONS"]["init_command"])
    assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    db.close()
