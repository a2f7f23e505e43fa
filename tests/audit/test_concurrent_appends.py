"""Issue 17, Found 2 and 12: an act that is still open after writing its audit row (an import chunk, a
linkage run, a long save) does not make anyone else's audited page view wait.

Before, ``record_access`` locked one chain-head row until the surrounding transaction committed, so every
audited act in the service queued behind it.
"""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connection, transaction

from tessera.accounts.models import User
from tessera.audit.log import record_access
from tessera.audit.models import AccessLog, AuditAction
from tessera.audit.verify import verify_stored_chain
from tests.conftest import make_person, verified_client

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason=(
        "SQLite admits one writer at a time for the whole file, so on SQLite an audited read waits (up to "
        "the busy timeout) for any open write transaction whatever the audit log does; the lock this test "
        "is about is PostgreSQL's row lock"
    ),
)


@pytest.mark.django_db(transaction=True)
def test_an_open_transaction_that_wrote_an_audit_row_does_not_block_another_audited_read(reseed):
    importer = User.objects.get(username="cse.rotherham")
    reader = User.objects.get(username="officer.rotherham")
    child = make_person("rotherham")
    written = threading.Event()
    release = threading.Event()

    def long_act() -> None:
        try:
            with transaction.atomic():
                record_access(
                    actor=importer, action=AuditAction.IMPORT, target_type="imports.batch", target_id=1
                )
                written.set()
                release.wait(30)
        finally:
            connection.close()

    act = threading.Thread(target=long_act)
    act.start()
    assert written.wait(10)
    result: dict[str, object] = {}

    def audited_read() -> None:
        try:
            with connection.cursor() as cursor:
                # Were the read to queue on a lock, fail after 5 s rather than wait for the act.
                cursor.execute("SET lock_timeout = '5s'")
            client = verified_client(reader)
            started = time.monotonic()
            response = client.get(f"/people/{child.pk}/")
            result["status"] = response.status_code
            result["seconds"] = time.monotonic() - started
        except Exception as error:  # reported in the assertion below
            result["error"] = repr(error)
        finally:
            connection.close()

    page = threading.Thread(target=audited_read)
    page.start()
    page.join(20)
    finished_while_act_open = not page.is_alive() and not release.is_set()
    release.set()
    act.join(10)
    page.join(10)

    assert finished_while_act_open, result
    assert result.get("status") == 200, result
    assert float(result["seconds"]) < 5  # type: ignore[arg-type]
    assert AccessLog.objects.filter(actor=reader, action=AuditAction.VIEW, target_id=str(child.pk)).exists()
    assert AccessLog.objects.filter(actor=importer, action=AuditAction.IMPORT).exists()
    report = verify_stored_chain()
    assert report.problem is None
    assert report.unsealed == 0
