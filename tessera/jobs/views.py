from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tessera.jobs.models import Job


def job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """A job's progress, for the person who started it. Polled in place by htmx until it finishes."""
    job = Job.objects.filter(pk=pk, created_by_id=request.user.pk).first()
    if job is None:
        raise Http404("No such job")
    template = "jobs/_progress.html" if request.htmx else "jobs/job_progress.html"  # type: ignore[attr-defined]
    return render(request, template, {"job": job})
