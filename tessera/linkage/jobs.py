"""The background linkage run: plan once, then apply merges in committed, checkpointed chunks."""

from __future__ import annotations

import json
from typing import Any

from django.db import transaction
from django.db.models import F

from tessera.access.policy import Action, can
from tessera.jobs.queue import JobContext, job_handler
from tessera.linkage.models import LinkageModel, LinkageRun, PairStatus, ReviewPair, RunStatus
from tessera.linkage.review_words import NOT_YOURS_TO_MERGE_RULE
from tessera.linkage.runs import plan_path, plan_run
from tessera.linkage.services import RUN_JOB, _current_person, record_run_finished
from tessera.people.services import merge_persons

CHUNK = 200
NOT_YOURS_TO_MERGE = (
    "Linked by the model, but the person who started the run may not merge one of these people (restricted, "
    "or outside their districts): someone who may see both decides"
)


@job_handler(RUN_JOB)
def run_linkage(ctx: JobContext) -> dict[str, Any]:
    run = LinkageRun.objects.select_related("started_by").get(pk=ctx.job.params["run_id"])
    path = plan_path(run)
    if ctx.checkpoint.get("phase") != "apply" or not path.exists():
        LinkageRun.objects.filter(pk=run.pk).update(status=RunStatus.RUNNING)
        ctx.progress(0, None, message="Scoring every pair of records")
        plan = plan_run(run)
        path.write_text(json.dumps(plan))
        ctx.progress(0, len(plan["merges"]), checkpoint={"phase": "apply", "next": 0})
    plan = json.loads(path.read_text())
    run.refresh_from_db()
    model = LinkageModel.objects.get(pk=plan["model"])
    merges = plan["merges"]
    start = int(ctx.checkpoint.get("next", 0))
    for first in range(start, len(merges), CHUNK):
        last = min(first + CHUNK, len(merges))
        with transaction.atomic():
            made = sum(
                _apply_merge(run, model, survivor, absorbed, evidence)
                for survivor, absorbed, evidence in merges[first:last]
            )
            LinkageRun.objects.filter(pk=run.pk).update(merges_made=F("merges_made") + made)
            ctx.progress(
                last, len(merges), checkpoint={"phase": "apply", "next": last}, message="Merging people"
            )
    with transaction.atomic():
        waiting = _save_review_pairs(run, model, plan["review"])
        LinkageRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FINISHED,
            pair_count=plan["pairs"],
            review_pairs=waiting,
            pairs_never_offered=plan.get("never_offered", 0),
        )
        run.refresh_from_db()
        record_run_finished(run, merges=run.merges_made, review_pairs=waiting)
    return {"model_version": model.version, "merges": run.merges_made, "review_pairs": waiting}


def _apply_merge(
    run: LinkageRun, model: LinkageModel, survivor_id: int, absorbed_id: int, evidence: list[Any] | None
) -> int:
    survivor = _current_person(survivor_id)
    absorbed = _current_person(absorbed_id)
    if survivor.pk == absorbed.pk:
        return 0  # already one person (a resumed chunk, or merged since the plan was made)
    if not (can(run.started_by, Action.MERGE, survivor) and can(run.started_by, Action.MERGE, absorbed)):
        # A run never fails, nor merges behind a restriction, because of one pair its starter may not
        # merge: the pair waits for a person who may see both.
        if evidence is not None:
            _hold_back(run, model, evidence)
        return 0
    if absorbed.pk < survivor.pk:
        survivor, absorbed = absorbed, survivor
    merge_persons(
        run.started_by,
        survivor=survivor,
        absorbed=absorbed,
        reason=f"Linked automatically by linkage run {run.pk}, model v{model.version} (match probability "
        f"at least {model.auto_link_threshold})",
        context={"linkage_run": run.pk, "model_version": model.version, "automatic": True},
    )
    return 1


def _waiting_pair_fields(
    run: LinkageRun, model: LinkageModel, probability: float, weight: float, held_back: str, rule: str
) -> dict[str, Any]:
    """What a run writes on a pair it leaves waiting (new, or still undecided from an earlier run)."""
    return {
        "match_probability": probability,
        "match_weight": weight,
        "model": model,
        "run": run,
        "held_back_because": held_back,
        "held_back_rule": rule,
    }


def _hold_back(run: LinkageRun, model: LinkageModel, evidence: list[Any]) -> None:
    left, right, probability, weight = evidence
    fields = _waiting_pair_fields(
        run, model, probability, weight, NOT_YOURS_TO_MERGE, NOT_YOURS_TO_MERGE_RULE
    )
    pair, created = ReviewPair.objects.get_or_create(
        left_id=min(left, right), right_id=max(left, right), defaults=fields
    )
    if not created and pair.status == PairStatus.WAITING:
        ReviewPair.objects.filter(pk=pair.pk).update(**fields)


def _save_review_pairs(run: LinkageRun, model: LinkageModel, review: list[list[Any]]) -> int:
    existing = {
        (left, right): (pk, status)
        for pk, left, right, status in ReviewPair.objects.values_list("pk", "left_id", "right_id", "status")
    }
    new = []
    for left, right, probability, weight, held_back, *rule in review:
        # A plan written before rules were named has no sixth column.
        fields = _waiting_pair_fields(run, model, probability, weight, held_back, rule[0] if rule else "")
        found = existing.get((left, right))
        if found is None:
            new.append(ReviewPair(left_id=left, right_id=right, **fields))
        elif found[1] == PairStatus.WAITING:
            ReviewPair.objects.filter(pk=found[0]).update(**fields)
    ReviewPair.objects.bulk_create(new, batch_size=2000)
    return ReviewPair.objects.filter(status=PairStatus.WAITING).count()
