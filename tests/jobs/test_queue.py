"""Background jobs: claimed once, progress recorded, resumed after a worker dies."""

from datetime import timedelta

import pytest
from django.utils import timezone

from tessera.jobs.models import Job, JobStatus
from tessera.jobs.queue import claim_next, enqueue, job_handler, run_job, run_pending

processed: list[int] = []


@job_handler("count_to")
def count_to(ctx):
    start = ctx.checkpoint.get("next", 0)
    target = ctx.job.params["n"]
    for i in range(start, target):
        if ctx.job.params.get("die_at") == i and ctx.job.attempts == 1:
            raise SystemExit("worker killed")  # stands in for SIGKILL: nothing after this line runs
        processed.append(i)
        ctx.progress(i + 1, target, checkpoint={"next": i + 1})
    return {"counted": target}


@pytest.fixture(autouse=True)
def _clear():
    processed.clear()


def test_a_job_runs_to_completion_with_progress(db):
    job = enqueue("count_to", title="Count", params={"n": 5})
    assert run_pending() == 1
    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"counted": 5}
    assert job.percent == 100
    assert processed == [0, 1, 2, 3, 4]


def test_two_workers_never_claim_the_same_job(db):
    enqueue("count_to", title="Count", params={"n": 1})
    first = claim_next("worker-a")
    second = claim_next("worker-b")
    assert first is not None
    assert second is None


def test_a_killed_worker_s_job_is_resumed_from_its_checkpoint_without_repeating_work(db):
    job = enqueue("count_to", title="Count", params={"n": 6, "die_at": 3})
    claimed = claim_next("worker-a")
    assert claimed is not None
    with pytest.raises(SystemExit):
        run_job(claimed)
    assert processed == [0, 1, 2]
    # The worker is gone: no heartbeat. A fresh worker does not take the job until it looks dead.
    assert claim_next("worker-b") is None
    Job.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now() - timedelta(minutes=5))
    resumed = claim_next("worker-b")
    assert resumed is not None
    assert resumed.attempts == 2
    run_job(resumed)
    assert processed == [0, 1, 2, 3, 4, 5], "each step ran exactly once"
    resumed.refresh_from_db()
    assert resumed.status == JobStatus.SUCCEEDED


def test_a_failing_job_records_its_error(db):
    @job_handler("always_fails")
    def always_fails(ctx):
        raise ValueError("bad input file")

    job = enqueue("always_fails", title="Fails")
    run_pending()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert "bad input file" in job.error


def test_progress_page_is_only_for_the_person_who_asked(cast, client_for):
    job = enqueue(
        "count_to", title="Import of police records", params={"n": 3}, created_by=cast["cse.rotherham"]
    )
    page = client_for("cse.rotherham").get(f"/jobs/{job.pk}/")
    assert page.status_code == 200
    assert "Import of police records" in page.content.decode()
    assert client_for("sw.sheffield").get(f"/jobs/{job.pk}/").status_code == 404
    partial = client_for("cse.rotherham").get(f"/jobs/{job.pk}/", headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode()
    assert "hx-trigger" in partial.content.decode()
