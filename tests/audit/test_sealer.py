"""The sealer: rows wait unsealed after their act, the worker seals them and writes a signed checkpoint,
and an installation without an audit key says so instead of sealing with a key nobody kept."""

from __future__ import annotations

import json
import stat
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tessera.audit.keys import master_key
from tessera.audit.log import record_access
from tessera.audit.models import AccessLog, AuditAction, AuditSeal


def _acts(user, n=3):
    return [
        record_access(actor=user, action=AuditAction.VIEW, target_type="people.person", target_id=i)
        for i in range(n)
    ]


def _out(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_rows_wait_unsealed_until_the_worker_seals_them_and_checkpoints_the_head(cast, audit_checkpoints):
    rows = _acts(cast["cse.rotherham"])
    assert "3 rows not yet sealed" in _out("verify_audit_chain", "--no-seal")
    assert not AuditSeal.objects.exists()

    _out("run_worker", "--once")

    seals = list(AuditSeal.objects.order_by("seq"))
    assert [seal.entry_id for seal in seals] == [row.pk for row in rows]
    [line] = audit_checkpoints.read_text().splitlines()
    checkpoint = json.loads(line)
    assert (checkpoint["seq"], checkpoint["rows"], checkpoint["hash"]) == (3, 3, seals[-1].hash)
    assert checkpoint["at"]
    assert len(checkpoint["signature"]) == 64
    assert "intact: 3 rows verified" in _out("verify_audit_chain", "--no-seal")


def test_verification_seals_first_unless_told_not_to(cast, audit_checkpoints):
    _acts(cast["cse.rotherham"], 2)
    assert "intact: 2 rows verified" in _out("verify_audit_chain")
    assert AuditSeal.objects.count() == 2
    assert "not yet sealed" not in _out("seal_audit_log") + _out("verify_audit_chain", "--no-seal")


def test_without_an_audit_key_production_refuses_to_seal_but_acts_are_still_logged(
    cast, settings, tmp_path, client_for
):
    settings.AUDIT_KEY = ""
    settings.AUDIT_KEY_GENERATE = False
    settings.AUDIT_KEY_FILE = tmp_path / "no-key-here"
    _acts(cast["cse.rotherham"], 1)
    assert AccessLog.objects.filter(actor_username="cse.rotherham").count() == 1
    for command in ("verify_audit_chain", "seal_audit_log"):
        with pytest.raises(CommandError, match="audit key is not set: set TESSERA_AUDIT_KEY"):
            _out(command)
    page = client_for("sysadmin").get("/administration/audit/")
    assert page.status_code == 200
    assert "cannot be sealed or verified" in page.content.decode()
    assert not settings.AUDIT_KEY_FILE.exists()


def test_demo_and_tests_make_a_key_readable_only_by_the_service(settings, tmp_path):
    settings.AUDIT_KEY = ""
    settings.AUDIT_KEY_GENERATE = True
    settings.AUDIT_KEY_FILE = tmp_path / "audit-chain.key"
    key = master_key()
    assert len(key) >= 32
    assert master_key() == key  # made once, then read
    assert stat.S_IMODE(settings.AUDIT_KEY_FILE.stat().st_mode) == 0o600


def test_a_short_key_is_refused(settings):
    settings.AUDIT_KEY = "too short"
    with pytest.raises(Exception, match="at least 32 characters"):
        master_key()
