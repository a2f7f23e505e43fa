"""The force-wide network job: read every link, compute communities and centrality
(``tessera.network.force``), store each linked person's standing in a new run. Run nightly by the
worker (job kind ``network.force_wide``) or by hand (``manage.py network_force_job``).

The early warning reads the latest finished run to know which adults are in a community of suspected
exploiters; the network page shows each ranked adult's force-wide rank. Time and peak memory (the
process's peak resident size, which includes igraph's C allocations) are stored on the run.
"""

from __future__ import annotations

import io
import resource
import time
from array import array
from collections import Counter
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from tessera.jobs.queue import JobContext, job_handler
from tessera.network.force import LIBRARY, force_measures
from tessera.network.models import ForceNetworkRun, NetworkStanding
from tessera.network.warning import COMMUNITY_SUSPECTS
from tessera.people.models import Link, LinkKind, Person

JOB_KIND = "network.force_wide"
_CHUNK = 100_000


def _links() -> tuple[array[int], array[int]]:
    sources, targets = array("q"), array("q")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT source_id, target_id FROM {Link._meta.db_table}")  # noqa: S608
        while rows := cursor.fetchmany(_CHUNK):
            for source, target in rows:
                sources.append(source)
                targets.append(target)
    return sources, targets


def peak_memory_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _write(run: ForceNetworkRun, rows: list[tuple[int, int, int, int, float, int]]) -> None:
    if connection.vendor == "postgresql":
        table = NetworkStanding._meta.db_table
        columns = "run_id, entity_id, community, community_size, community_suspects, centrality, rank"
        with (
            connection.cursor() as cursor,
            cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            buffer = io.StringIO()
            for row in rows:
                buffer.write("\t".join((str(run.pk), *map(str, row))) + "\n")
                if buffer.tell() > 1 << 20:
                    copy.write(buffer.getvalue())
                    buffer = io.StringIO()
            copy.write(buffer.getvalue())
        return
    NetworkStanding.objects.bulk_create(
        (
            NetworkStanding(
                run=run,
                entity_id=entity,
                community=group,
                community_size=size,
                community_suspects=suspects,
                centrality=centrality,
                rank=rank,
            )
            for entity, group, size, suspects, centrality, rank in rows
        ),
        batch_size=5000,
    )


def run_force_job(*, seed: int = 2013) -> ForceNetworkRun:
    started = time.perf_counter()
    run = ForceNetworkRun.objects.create(started_at=timezone.now(), library=LIBRARY)
    sources, targets = _links()
    measures = force_measures(sources, targets, seed=seed)
    del sources, targets
    community, centrality = measures.community, measures.centrality
    people = [
        e
        for e in Person.objects.filter(merged_into__isnull=True)
        .values_list("entity_id", flat=True)
        .iterator(_CHUNK)
        if e < len(community) and community[e] >= 0
    ]
    suspects = set(Link.objects.filter(kind=LinkKind.SUSPECTED_EXPLOITER).values_list("source_id", flat=True))
    suspects_in = Counter(community[e] for e in suspects if e < len(community) and community[e] >= 0)
    people.sort(key=lambda e: (-centrality[e], e))
    rows = [
        (e, community[e], measures.sizes[community[e]], suspects_in.get(community[e], 0), centrality[e], rank)
        for rank, e in enumerate(people, start=1)
    ]
    with transaction.atomic():
        _write(run, rows)
        run.entities = len(community)
        run.links = measures.links
        run.communities = len(measures.sizes)
        run.flagged_communities = sum(1 for n in suspects_in.values() if n >= COMMUNITY_SUSPECTS)
        run.seconds = time.perf_counter() - started
        run.peak_memory_mb = peak_memory_mb()
        run.finished_at = timezone.now()
        run.save()
    return run


def _job(context: JobContext) -> dict[str, Any]:
    context.progress(0, 1, "Reading every link and computing communities and centrality")
    run = run_force_job(seed=int(context.job.params.get("seed", 2013)))
    return {"run": run.pk, "seconds": round(run.seconds, 1), "peak_memory_mb": round(run.peak_memory_mb)}


def register_job() -> None:
    job_handler(JOB_KIND)(_job)


def latest_finished_run() -> ForceNetworkRun | None:
    return ForceNetworkRun.objects.filter(finished_at__isnull=False).order_by("-finished_at", "-pk").first()
