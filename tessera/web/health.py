"""The health endpoint a load balancer or monitor polls: /health/ (django-health-check).

It answers without signing in and shows no personal data: only whether the database answers, whether
every migration has been applied, whether background jobs are being picked up by a worker and whether the
access log is being sealed into its keyed chain (an unsealed row is not yet protected against quiet
removal, so rows left unsealed for long are an operational fault, not a detail).
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone
from health_check.base import HealthCheck
from health_check.checks import Database
from health_check.exceptions import ServiceUnavailable
from health_check.views import HealthCheckView

from tessera.audit.selectors import has_unsealed_rows_before
from tessera.jobs.models import Job, JobStatus

# A job queued longer than this means no worker is running (imports would say "Waiting to start").
JOBS_WAIT_AT_MOST = timedelta(minutes=5)


# The sealer runs every AUDIT_SEAL_SECONDS inside run_worker; a row older than this many passes (and at
# least five minutes) means sealing has stopped.
SEALING_PASSES_AT_MOST = 30


def _unsealed_too_long() -> timedelta | None:
    limit = max(timedelta(minutes=5), timedelta(seconds=SEALING_PASSES_AT_MOST * settings.AUDIT_SEAL_SECONDS))
    if has_unsealed_rows_before(timezone.now() - limit):
        return limit
    return None


# The checks run on the request's own thread (and so its database connection), not in a thread pool
# whose connections Django would never close.


def _unapplied_migrations() -> bool:
    executor = MigrationExecutor(connection)
    return bool(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def _jobs_waiting_too_long() -> bool:
    waiting_since = timezone.now() - JOBS_WAIT_AT_MOST
    return Job.objects.filter(status=JobStatus.QUEUED, created_at__lt=waiting_since).exists()


@dataclasses.dataclass
class Migrations(HealthCheck):
    """Every migration in the code has been applied to the database."""

    async def run(self) -> None:
        if await sync_to_async(_unapplied_migrations, thread_sensitive=True)():
            raise ServiceUnavailable("Migrations not applied: run manage.py migrate")


@dataclasses.dataclass
class Worker(HealthCheck):
    """Background jobs are being taken: none has waited long for a worker."""

    async def run(self) -> None:
        if await sync_to_async(_jobs_waiting_too_long, thread_sensitive=True)():
            raise ServiceUnavailable("A job has waited more than 5 minutes: is manage.py run_worker running?")


@dataclasses.dataclass
class AuditSealing(HealthCheck):
    """Access-log rows are being sealed into the keyed chain: none has waited long for the sealer."""

    async def run(self) -> None:
        limit = await sync_to_async(_unsealed_too_long, thread_sensitive=True)()
        if limit is not None:
            minutes = int(limit.total_seconds() // 60)
            raise ServiceUnavailable(
                f"Access-log rows older than {minutes} minutes are not sealed: is manage.py run_worker running?"
            )


class TesseraHealthView(HealthCheckView):
    checks = (Database, Migrations, Worker, AuditSealing)


health = login_not_required(TesseraHealthView.as_view())
