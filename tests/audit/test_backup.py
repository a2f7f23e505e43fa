"""Issue 17, build 5: `manage.py backup` and `manage.py restore` round-trip the whole database with zero
differences, and the access log still verifies against its checkpoints after the restore. On both
databases (the suite runs on SQLite and on PostgreSQL)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from tessera.accounts.models import User
from tessera.audit.log import record_access
from tessera.audit.models import AccessLog, AuditAction
from tessera.audit.sealer import seal_pending
from tessera.audit.verify import verify_stored_chain
from tests.conftest import make_person

Snapshot = dict[str, list[tuple[object, ...]]]


def _snapshot() -> Snapshot:
    """Every row of every table, so any difference at all shows."""
    tables = sorted(connection.introspection.table_names())
    contents: Snapshot = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            contents[table] = sorted((tuple(row) for row in cursor.fetchall()), key=repr)
    return contents


def _acts(user: User, n: int, offset: int = 0) -> None:
    for i in range(n):
        person = make_person("rotherham", given=f"Kayleigh{offset + i}")
        record_access(actor=user, action=AuditAction.VIEW, target=person)
    record_access(
        actor=user,
        action=AuditAction.SEARCH,
        target_type="people.person",
        shown={"people.person": [offset, offset + 1]},
    )


@pytest.fixture
def world(reseed):
    user = User.objects.get(username="cse.rotherham")
    _acts(user, 4)
    seal_pending()
    return user


def _out(command: str, *args: str) -> str:
    out = StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db(transaction=True)
def test_a_restored_backup_has_zero_differences_and_its_chain_verifies(world, tmp_path, audit_checkpoints):
    before = _snapshot()
    sealed = verify_stored_chain().sealed
    assert sealed >= 5
    backup = tmp_path / "backup"
    assert f"sealed to sequence {sealed}" in _out("backup", str(backup))

    # Work goes on after the backup; then the database is lost. The newer checkpoint file is moved
    # aside, as docs/operations.md says, and kept.
    _acts(world, 2, offset=100)
    seal_pending()
    assert _snapshot() != before
    audit_checkpoints.rename(tmp_path / "checkpoints-kept-aside.jsonl")

    output = _out("restore", str(backup))
    assert f"Access log intact: {sealed} rows verified" in output
    assert _snapshot() == before
    report = verify_stored_chain()
    assert (report.problem, report.sealed, report.unsealed) == (None, sealed, 0)
    assert audit_checkpoints.read_bytes() == (backup / "audit-checkpoints.jsonl").read_bytes()


@pytest.mark.django_db(transaction=True)
def test_a_restore_never_overwrites_a_newer_checkpoint_file(world, tmp_path, audit_checkpoints):
    backup = tmp_path / "backup"
    _out("backup", str(backup))
    record_access(actor=world, action=AuditAction.VIEW, target_type="people.person", target_id=1)
    seal_pending()
    rows = AccessLog.objects.count()
    with pytest.raises(CommandError, match=r"checkpoint file already exists.*Move it aside"):
        _out("restore", str(backup))
    assert AccessLog.objects.count() == rows  # nothing was touched


@pytest.mark.django_db(transaction=True)
def test_a_damaged_backup_is_refused_before_anything_is_touched(world, tmp_path, audit_checkpoints):
    backup = tmp_path / "backup"
    _out("backup", str(backup))
    dump = next(p for p in backup.iterdir() if p.name.startswith("database."))
    dump.write_bytes(dump.read_bytes()[:-10])
    audit_checkpoints.unlink()
    rows = AccessLog.objects.count()
    with pytest.raises(CommandError, match="does not match its checksum"):
        _out("restore", str(backup))
    assert AccessLog.objects.count() == rows


@pytest.mark.django_db(transaction=True)
def test_a_backup_sealed_with_another_key_is_refused(world, tmp_path, audit_checkpoints, settings):
    backup = tmp_path / "backup"
    _out("backup", str(backup))
    settings.AUDIT_KEY = "another installation's audit key, 32+ characters"
    with pytest.raises(CommandError, match="another audit key"):
        _out("restore", str(backup))


@pytest.mark.django_db(transaction=True)
def test_a_backup_goes_into_a_new_directory_and_names_its_files(world, tmp_path):
    backup = tmp_path / "backup"
    _out("backup", str(backup))
    manifest = json.loads((backup / "manifest.json").read_text())
    assert manifest["engine"] == connection.vendor
    assert set(manifest["files"]) == {p.name for p in backup.iterdir()} - {"manifest.json"}
    assert "key" not in json.dumps(manifest).replace("audit_key_id", "")
    with pytest.raises(CommandError, match="not empty"):
        _out("backup", str(backup))


def test_restore_of_something_that_is_not_a_backup_says_so(tmp_path: Path, db):
    with pytest.raises(CommandError, match="not a Tessera backup"):
        _out("restore", str(tmp_path))
