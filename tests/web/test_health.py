"""The health endpoint (issue 17, build item 2): no sign-in, no personal data, says what is wrong."""

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from tessera.audit.models import AccessLog, AuditAction
from tessera.audit.sealer import seal_pending
from tessera.jobs.models import Job


def test_health_answers_without_signing_in_and_says_each_part_is_ok(db):
    response = Client().get("/health/?format=json")
    assert response.status_code == 200
    assert response.json() == {
        "Database(alias='default')": "OK",
        "Migrations()": "OK",
        "Worker()": "OK",
        "AuditSealing()": "OK",
    }
    assert "no-store" in response["Cache-Control"]


def test_health_fails_when_no_worker_takes_jobs(db):
    job = Job.objects.create(kind="imports.import_file", title="An import")
    Job.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=10))
    response = Client().get("/health/?format=json")
    assert response.status_code == 500
    assert "is manage.py run_worker running?" in response.json()["Worker()"]


def test_the_health_page_is_plain_html_for_a_person(db):
    body = Client().get("/health/", HTTP_ACCEPT="text/html").content.decode()
    assert "Tessera: working" in body
    assert "<style" not in body, "no inline style: the CSP forbids it"


def test_health_fails_when_access_log_rows_stay_unsealed(db):
    # A row appended twenty minutes ago and never sealed: the sealer (in run_worker) has stopped, and such
    # rows could be removed without the chain noticing.
    old = AccessLog.objects.create(
        at=timezone.now() - timedelta(minutes=20),
        action=AuditAction.VIEW,
        target_type="people.person",
        target_id="1",
    )
    response = Client().get("/health/?format=json")
    assert response.status_code == 500
    assert "not sealed: is manage.py run_worker running?" in response.json()["AuditSealing()"]
    seal_pending(everything=True)
    assert AccessLog.objects.get(pk=old.pk).seal is not None
    assert Client().get("/health/?format=json").status_code == 200
