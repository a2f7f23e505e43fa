"""Issue 17, Found 6: someone with the database but not the audit key cannot quietly empty, cut or rewrite
the access log, or empty a record's "who has looked".

Each attack is what a database owner could do going round the application (triggers off on PostgreSQL);
on the old unkeyed chain with its head in the same database, every one of them verified as intact.
"""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tessera.audit.chain import GENESIS_HASH, Checkpoint, checkpoint_signature, seal_hash
from tessera.audit.log import record_access
from tessera.audit.models import AccessLog, AuditAction, AuditSeal, RecordShown
from tessera.audit.sealer import seal_pending

ATTACKERS_KEY = b"whatever the attacker can guess, without the real key"


def _verify() -> str:
    out = StringIO()
    call_command("verify_audit_chain", stdout=out)
    return out.getvalue()


def _as_database_owner(*statements: tuple[str, list]) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = replica")
        for sql, params in statements:
            cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("SET session_replication_role = DEFAULT")


@pytest.fixture
def sealed_log(cast):
    """Six acts, two of them searches that showed people, sealed with a checkpoint written."""
    user = cast["cse.rotherham"]
    for i in range(4):
        record_access(actor=user, action=AuditAction.VIEW, target_type="people.person", target_id=i)
    for ids in ([11, 12, 13], [14]):
        record_access(
            actor=user, action=AuditAction.SEARCH, target_type="people.person", shown={"people.person": ids}
        )
    seal_pending()
    assert "intact: 6 rows verified" in _verify()
    return list(AccessLog.objects.select_related("seal").order_by("seal__seq"))


def _rewrite_chain_from(first_seq: int) -> None:
    """Recompute every seal from ``first_seq`` to the head, as an attacker without the key must."""
    seals = list(AuditSeal.objects.filter(seq__gte=first_seq).select_related("entry").order_by("seq"))
    prev = AuditSeal.objects.get(seq=first_seq - 1).hash if first_seq > 1 else GENESIS_HASH
    for seal in seals:
        shown = list(RecordShown.objects.filter(entry=seal.entry).values_list("target_type", "target_id"))
        digest = seal_hash(ATTACKERS_KEY, prev, seal.seq, seal.entry.as_chain_row(), shown)
        _as_database_owner(
            (
                "UPDATE audit_auditseal SET prev_hash = %s, hash = %s, shown_count = %s WHERE id = %s",
                [prev, digest, len(shown), seal.pk],
            )
        )
        prev = digest


def test_an_emptied_log_with_its_head_reset_is_detected(sealed_log):
    _as_database_owner(
        ("DELETE FROM audit_recordshown", []),
        ("DELETE FROM audit_auditseal", []),
        ("DELETE FROM audit_accesslog", []),
    )
    with pytest.raises(CommandError, match="recorded 6 sealed rows but the chain now ends at 0"):
        _verify()


def test_a_cut_tail_with_the_head_rewritten_is_detected(sealed_log):
    # The newest seal is the head: removing the last two rows with their seals leaves a chain that is
    # consistent on its own, ending at sequence 4.
    cut = [entry.pk for entry in sealed_log[-2:]]
    _as_database_owner(
        ("DELETE FROM audit_recordshown WHERE entry_id IN (%s, %s)", cut),
        ("DELETE FROM audit_auditseal WHERE entry_id IN (%s, %s)", cut),
        ("DELETE FROM audit_accesslog WHERE id IN (%s, %s)", cut),
    )
    with pytest.raises(CommandError, match="recorded 6 sealed rows but the chain now ends at 4"):
        _verify()


def test_an_altered_row_with_every_later_hash_and_the_head_recomputed_is_detected(sealed_log):
    victim = sealed_log[1]
    _as_database_owner(
        ("UPDATE audit_accesslog SET actor_username = %s WHERE id = %s", ["someone.else", victim.pk])
    )
    _rewrite_chain_from(victim.seal.seq)
    with pytest.raises(CommandError, match=rf"row {victim.pk} \(sequence {victim.seal.seq}\).*altered"):
        _verify()


def test_a_forged_checkpoint_for_a_rewritten_chain_is_detected(sealed_log, audit_checkpoints):
    victim = sealed_log[0]
    _as_database_owner(("UPDATE audit_accesslog SET reason = %s WHERE id = %s", ["routine", victim.pk]))
    _rewrite_chain_from(1)
    head = AuditSeal.objects.order_by("-seq").first()
    assert head is not None
    forged = Checkpoint(seq=head.seq, rows=head.seq, shown=4, hash=head.hash, at="2026-12-02T00:00:00")
    with audit_checkpoints.open("a") as file:
        file.write(json.dumps({**forged.payload(), "signature": checkpoint_signature(ATTACKERS_KEY, forged)}))
        file.write("\n")
    with pytest.raises(CommandError, match="not signed with this installation's audit key"):
        _verify()


def test_emptying_who_has_looked_is_detected(sealed_log):
    first_search = next(entry for entry in sealed_log if entry.action == AuditAction.SEARCH)
    _as_database_owner(("DELETE FROM audit_recordshown", []))
    with pytest.raises(
        CommandError, match=rf"row {first_search.pk} .*3 records shown but 0 remain .*who has looked"
    ):
        _verify()


def test_emptying_who_has_looked_and_rewriting_the_chain_is_detected(sealed_log):
    _as_database_owner(("DELETE FROM audit_recordshown", []))
    _rewrite_chain_from(1)
    with pytest.raises(CommandError, match="altered"):
        _verify()


def test_a_missing_checkpoint_file_is_detected(sealed_log, audit_checkpoints):
    audit_checkpoints.unlink()
    with pytest.raises(CommandError, match="no checkpoint of them"):
        _verify()


def test_rows_appended_after_the_last_checkpoint_still_verify(sealed_log, cast):
    record_access(actor=cast["cse.rotherham"], action=AuditAction.VIEW, target_type="x", target_id=1)
    assert "intact: 7 rows verified" in _verify()
