"""The access log: one row per act, in the act's transaction, append-only and tamper-evident."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from tessera.audit.chain import GENESIS_HASH, row_hash, verify_chain
from tessera.audit.log import record_access
from tessera.audit.models import AccessLog, AppendOnlyError, AuditAction
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
    return _write_rows(cast["cse.rotherham"])


def test_an_intact_log_verifies(rows):
    assert "intact" in _verify_output()
    assert rows[0].seq + 4 == rows[-1].seq


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
    with pytest.raises(CommandError, match=rf"row {victim.pk} \(sequence {victim.seq}\).*altered"):
        _verify_output()


def test_removing_a_row_is_detected(rows):
    _tamper("DELETE FROM audit_accesslog WHERE id = %s", [rows[1].pk])
    with pytest.raises(CommandError, match=f"sequence {rows[2].seq}"):
        _verify_output()


def test_removing_the_last_row_is_detected(rows):
    _tamper("DELETE FROM audit_accesslog WHERE id = %s", [rows[-1].pk])
    problem, _ = verify_stored_chain()
    assert problem is not None
    assert "rows removed" in str(problem)


def test_swapping_two_rows_is_detected(rows):
    a, b = rows[1], rows[2]
    _tamper("UPDATE audit_accesslog SET seq = seq + 1000000 WHERE id = %s", [a.pk])
    _tamper("UPDATE audit_accesslog SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _tamper("UPDATE audit_accesslog SET seq = %s WHERE id = %s", [b.seq, a.pk])
    problem, _ = verify_stored_chain()
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
    assert verify_stored_chain()[0] is None


def test_pure_chain_verification_names_the_first_bad_row():
    rows = []
    prev = GENESIS_HASH
    for seq in range(1, 4):
        row: dict[str, object] = {
            "id": seq * 10,
            "seq": seq,
            "at": "2026-01-01T00:00:00+00:00",
            "action": "view",
            "details": {},
        }
        row["prev_hash"] = prev
        row["hash"] = row_hash(row, prev)
        prev = str(row["hash"])
        rows.append(row)
    assert verify_chain(rows, head_seq=3, head_hash=prev) is None
    rows[1]["action"] = "export"
    broken = verify_chain(rows)
    assert broken is not None
    assert broken.row_id == 20
