"""Enqueue, claim and run background jobs.

A worker claims a job with a compare-and-set UPDATE (status and claim token in the WHERE clause), so two
workers can never run the same job. Running jobs send a heartbeat; a job whose heartbeat stops (the
worker was killed) is claimed again and its handler resumes from the job's checkpoint.
"""

from __future__ import annotations

import logging
import os
import socket
import traceback
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from tessera.jobs.models import Job, JobStatus

logger = logging.getLogger(__name__)

STALE_AFTER = timedelta(seconds=60)
MAX_ATTEMPTS = 5


class JobContext:
    """What a handler uses to report progress and keep its place."""

    def __init__(self, job: Job, token: str) -> None:
        self.job = job
        self.token = token

    @property
    def checkpoint(self) -> dict[str, Any]:
        return dict(self.job.checkpoint)

    def progress(
        self, done: int, total: int | None = None, message: str = "", checkpoint: dict[str, Any] | None = None
    ) -> None:
        """Record progress (and optionally a resume point). Also serves as the heartbeat."""
        fields: dict[str, Any] = {"progress_done": done, "heartbeat_at": timezone.now()}
        if total is not None:
            fields["progress_total"] = total
        if message:
            fields["message"] = message[:300]
        if checkpoint is not None:
            fields["checkpoint"] = checkpoint
        updated = Job.objects.filter(pk=self.job.pk, claimed_by=self.token).update(**fields)
        if not updated:
            raise LostClaimError(f"Job {self.job.pk} was claimed by another worker")
        for name, value in fields.items():
            setattr(self.job, name, value)


class LostClaimError(RuntimeError):
    """The job was re-claimed by another worker (this one was presumed dead)."""


Handler = Callable[[JobContext], dict[str, Any] | None]
_handlers: dict[str, Handler] = {}


def job_handler(kind: str) -> Callable[[Handler], Handler]:
    def decorate(func: Handler) -> Handler:
        _handlers[kind] = func
        return func

    return decorate


def enqueue(kind: str, *, title: str, params: dict[str, Any] | None = None, created_by: Any = None) -> Job:
    if kind not in _handlers:
        raise ValueError(f"No handler for job kind {kind!r}")
    job = Job.objects.create(kind=kind, title=title, params=params or {}, created_by=created_by)
    return job


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def claim_next(worker: str) -> Job | None:
    """Claim the oldest queued job, or a running one whose worker has gone silent."""
    stale_before = timezone.now() - STALE_AFTER
    candidates = (
        Job.objects.filter(
            Q(status=JobStatus.QUEUED) | Q(status=JobStatus.RUNNING, heartbeat_at__lt=stale_before),
            kind__in=list(_handlers),
        )
        .order_by("created_at")
        .values_list("pk", "status", "claimed_by")[:10]
    )
    for pk, status, claimed_by in candidates:
        now = timezone.now()
        match = Job.objects.filter(pk=pk, status=status, claimed_by=claimed_by)
        if status == JobStatus.RUNNING:
            match = match.filter(heartbeat_at__lt=stale_before)
        updates: dict[str, Any] = {
            "status": JobStatus.RUNNING,
            "claimed_by": worker,
            "heartbeat_at": now,
            "attempts": F("attempts") + 1,
        }
        if status == JobStatus.QUEUED:
            updates["started_at"] = now
        if match.update(**updates):
            return Job.objects.get(pk=pk)
    return None


def run_job(job: Job) -> None:
    handler = _handlers[job.kind]
    context = JobContext(job, job.claimed_by)
    if job.attempts > MAX_ATTEMPTS:
        _finish(job, JobStatus.FAILED, error=f"Gave up after {MAX_ATTEMPTS} attempts")
        return
    try:
        result = handler(context) or {}
    except LostClaimError:
        logger.warning("Job %s was taken over by another worker; stopping here", job.pk)
        return
    except Exception:
        logger.exception("Job %s failed", job.pk)
        _finish(job, JobStatus.FAILED, error=traceback.format_exc(limit=5))
        return
    _finish(job, JobStatus.SUCCEEDED, result=result)


def _finish(job: Job, status: JobStatus, *, result: dict[str, Any] | None = None, error: str = "") -> None:
    with transaction.atomic():
        fields: dict[str, Any] = {"status": status, "finished_at": timezone.now(), "error": error}
        if result is not None:
            fields["result"] = result
        if status == JobStatus.SUCCEEDED:
            job.refresh_from_db(fields=["progress_total"])
            fields["progress_done"] = job.progress_total
        Job.objects.filter(pk=job.pk, claimed_by=job.claimed_by).update(**fields)


def run_pending(worker: str | None = None, limit: int | None = None) -> int:
    """Run queued jobs until none are left (or ``limit`` ran). Returns how many ran."""
    worker = worker or worker_name()
    ran = 0
    while limit is None or ran < limit:
        job = claim_next(worker)
        if job is None:
            break
        run_job(job)
        ran += 1
    return ran
