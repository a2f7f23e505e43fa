"""Reads for the review queue and linkage runs, each starting from the user's scope."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch, QuerySet
from django.http import Http404, HttpRequest

from tessera.access.policy import Action, get_visible_or_404, require, visible_to
from tessera.access.reads import log_opened, open_record
from tessera.accounts.models import Actor
from tessera.linkage.models import LinkageRun, PairStatus, ReviewPair
from tessera.people.models import IdentityAddress, PersonMerge, SourceIdentity


def waiting_pairs(user: Actor) -> QuerySet[ReviewPair]:
    return (
        visible_to(user, ReviewPair)
        .filter(status=PairStatus.WAITING)
        .select_related("left__agency", "right__agency", "model")
        .order_by("-match_probability", "pk")
    )


def _pairs_for_page() -> QuerySet[ReviewPair]:
    addresses = Prefetch(
        "addresses", queryset=IdentityAddress.objects.select_related("location").order_by("-from_date", "-pk")
    )
    identities = SourceIdentity.objects.select_related("agency", "person").prefetch_related(addresses)
    queryset = ReviewPair.objects.select_related(
        "model", "decision__decided_by", "decision__merge"
    ).prefetch_related(Prefetch("left", queryset=identities), Prefetch("right", queryset=identities))
    return queryset


def pair_for_decision(user: Actor, pk: int) -> ReviewPair:
    """The pair a decision is posted about (the decision is logged by ``services.decide_pair``); not logged."""
    return get_visible_or_404(user, _pairs_for_page(), pk=pk)


def open_pair(user: Actor, pk: int, *, via: HttpRequest | None) -> ReviewPair:
    """The pair page's two records side by side, logged as viewed with the people they belong to."""
    with transaction.atomic():
        pair = pair_for_decision(user, pk)
        log_pair_shown(user, pair, via=via)
    return pair


def log_pair_shown(user: Actor, pair: ReviewPair, *, via: HttpRequest | None) -> None:
    """The pair page names both records: logged against the pair and shown to each person's log."""
    log_opened(user, pair, via=via, shown={"people.person": [pair.left.person_id, pair.right.person_id]})


def visible_runs(user: Actor) -> QuerySet[LinkageRun]:
    return visible_to(user, LinkageRun).select_related("model", "started_by", "job").order_by("-created_at")


def open_run(user: Actor, pk: int, *, via: HttpRequest | None) -> LinkageRun:
    """A linkage run's page (what it merged and left for review, in numbers), logged as viewed."""
    return open_record(user, visible_runs(user), pk, via=via)


def merge_for_undo(user: Actor, pk: int) -> PersonMerge:
    """A merge the user may undo: 404 unless they see the surviving person, 403 unless they may merge.

    Not logged: for the undo being posted (logged by ``services.undo_merge``). Pages use ``open_merge``.
    """
    merge = PersonMerge.objects.select_related("survivor", "absorbed", "decided_by").filter(pk=pk).first()
    if merge is None:
        raise Http404("No record found")
    require(user, Action.MERGE, merge.survivor)
    return merge


def open_merge(user: Actor, pk: int, *, via: HttpRequest | None) -> PersonMerge:
    """The undo-a-link page's merge, logged as viewed."""
    with transaction.atomic():
        merge = merge_for_undo(user, pk)
        log_merge_shown(user, merge, via=via)
    return merge


def log_merge_shown(user: Actor, merge: PersonMerge, *, via: HttpRequest | None) -> None:
    """The page names both people: logged against the person the other was linked into, so it shows among
    who has looked at that child, and shown to the other's log too."""
    log_opened(
        user,
        merge.survivor,
        via=via,
        details={
            "page": "undo a link",
            "merge": merge.pk,
            "people_shown": [merge.absorbed_id, merge.survivor_id],
        },
        shown={"people.person": [merge.absorbed_id]},
    )
