"""Every write of the linkage app: starting runs, deciding pairs, undoing links.

A link a person decides becomes a merge (COMBINE in the access log); undoing it is an unmerge
(SEPARATE) and is itself kept as a "not the same person" decision, so the next run does not merge the
pair again. Decisions are never deleted: a new one supersedes the old.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.policy import Action, require
from tessera.access.scope import scope_of
from tessera.accounts.models import User
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.jobs.queue import enqueue
from tessera.linkage.models import LinkageRun, MatchLabel, PairStatus, ReviewPair
from tessera.linkage.rules import RUN_ROLES
from tessera.people.models import Person, PersonMerge, SourceIdentity
from tessera.people.services import merge_persons, unmerge_persons

RUN_JOB = "linkage.run"


def may_run(user: User) -> bool:
    """Runs merge people in every district, so only force-wide supervisors and analysts start them."""
    scope = scope_of(user)
    return scope.has(*RUN_ROLES) and scope.force_wide


@transaction.atomic
def start_run(user: User, *, retrain: bool) -> LinkageRun:
    if not may_run(user):
        raise PermissionDenied("Only force-wide supervisors and analysts start a linkage run")
    run = LinkageRun.objects.create(started_by=user, retrain=retrain)
    title = "Retrain and run record linkage" if retrain else "Run record linkage"
    run.job = enqueue(RUN_JOB, title=title, params={"run_id": run.pk}, created_by=user)
    run.save(update_fields=["job"])
    # A run merges people force-wide in the name of the person who started it: the start is on record.
    record_access(actor=user, action=AuditAction.CREATE, target=run, details={"retrain": retrain})
    return run


def record_run_finished(run: LinkageRun, *, merges: int, review_pairs: int) -> None:
    """The log row closing a run: what it merged (each merge has its own rows) and left for review."""
    record_access(
        actor=run.started_by,
        action=AuditAction.CHANGE,
        target=run,
        details={"finished": True, "merges": merges, "review_pairs": review_pairs},
    )


def ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


def _label(
    user: User, left_id: int, right_id: int, *, is_match: bool, reason: str, pair: ReviewPair | None = None
) -> MatchLabel:
    left_id, right_id = ordered(left_id, right_id)
    label = MatchLabel.objects.create(
        left_id=left_id,
        right_id=right_id,
        is_match=is_match,
        reason=reason,
        decided_by=user,
        decided_at=timezone.now(),
        model_version=pair.model.version if pair else None,
        match_probability=pair.match_probability if pair else None,
    )
    MatchLabel.objects.filter(left_id=left_id, right_id=right_id, superseded_by__isnull=True).exclude(
        pk=label.pk
    ).update(superseded_by=label)
    return label


@transaction.atomic
def decide_pair(
    user: User, pair: ReviewPair, *, same_person: bool, reason: str, request: HttpRequest | None = None
) -> MatchLabel:
    """A person decides a pair. 'Same person' merges the two people now; either way the decision is kept."""
    require(user, Action.DECIDE, pair)
    pair = ReviewPair.objects.select_for_update().select_related("left", "right", "model").get(pk=pair.pk)
    if pair.status != PairStatus.WAITING:
        raise PermissionDenied("This pair has already been decided")
    label = _label(user, pair.left_id, pair.right_id, is_match=same_person, reason=reason, pair=pair)
    context = {"review_pair": pair.pk, "linkage_run": pair.run_id, "model_version": pair.model.version}
    left_person = _current_person(pair.left.person_id)
    right_person = _current_person(pair.right.person_id)
    if same_person and left_person.pk != right_person.pk:
        survivor, absorbed = sorted((left_person, right_person), key=lambda p: p.pk)
        label.merge = merge_persons(
            user, survivor=survivor, absorbed=absorbed, reason=reason, request=request, context=context
        )
        label.save(update_fields=["merge"])
    pair.status = PairStatus.LINKED if same_person else PairStatus.NOT_LINKED
    pair.decision = label
    pair.save(update_fields=["status", "decision", "updated_at"])
    # The decision itself, on the pair: "kept apart" changes no person, and would otherwise leave no trace.
    people = sorted({left_person.pk, right_person.pk})
    record_access(
        actor=user,
        action=AuditAction.CHANGE,
        target=pair,
        reason=reason,
        request=request,
        details={
            "decision": "same person" if same_person else "kept apart",
            "identities": [pair.left_id, pair.right_id],
            "people": people,
            "merge": label.merge_id,
            **context,
        },
        shown={"people.person": people},
    )
    return label


def _current_person(person_id: int) -> Person:
    person = Person.objects.get(pk=person_id)
    while person.merged_into_id is not None:
        person = Person.objects.get(pk=person.merged_into_id)
    return person


@transaction.atomic
def undo_merge(
    user: User, decision: PersonMerge, *, reason: str, request: HttpRequest | None = None
) -> Person:
    """Unmerge, and record that the records it joined are not one person, so no run re-merges them."""
    survivor = Person.objects.get(pk=decision.survivor_id)
    require(user, Action.MERGE, survivor)
    moved = set(decision.moved_identity_ids)
    stayed = list(
        SourceIdentity.objects.filter(person_id=decision.survivor_id)
        .exclude(pk__in=moved)
        .values_list("pk", flat=True)
    )
    unmerge_persons(user, merge=decision, reason=reason, request=request)
    restored = Person.objects.get(pk=decision.absorbed_id)
    for moved_id in sorted(moved):
        for stayed_id in stayed:
            _label(user, moved_id, stayed_id, is_match=False, reason=f"Link undone: {reason}")
    ReviewPair.objects.filter(
        Q(left_id__in=moved, right_id__in=stayed) | Q(left_id__in=stayed, right_id__in=moved),
        status=PairStatus.LINKED,
    ).update(status=PairStatus.NOT_LINKED, updated_at=timezone.now())
    return restored


def current_labels() -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """People's standing decisions as (must link, cannot link) pairs of source identity ids."""
    must: list[tuple[int, int]] = []
    cannot: list[tuple[int, int]] = []
    for left, right, is_match in MatchLabel.objects.filter(superseded_by__isnull=True).values_list(
        "left_id", "right_id", "is_match"
    ):
        (must if is_match else cannot).append((left, right))
    return must, cannot
