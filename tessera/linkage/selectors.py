"""Reads for the review queue and linkage runs, each starting from the user's scope."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404

from tessera.access.policy import Action, get_visible_or_404, require, visible_to
from tessera.linkage.models import LinkageRun, PairStatus, ReviewPair
from tessera.people.models import IdentityAddress, PersonMerge, SourceIdentity


def waiting_pairs(user: Any) -> QuerySet[ReviewPair]:
    return (
        visible_to(user, ReviewPair)
        .filter(status=PairStatus.WAITING)
        .select_related("left__agency", "right__agency", "model")
        .order_by("-match_probability", "pk")
    )


def pair_for_page(user: Any, pk: int) -> ReviewPair:
    addresses = Prefetch(
        "addresses", queryset=IdentityAddress.objects.select_related("location").order_by("-from_date", "-pk")
    )
    identities = SourceIdentity.objects.select_related("agency", "person").prefetch_related(addresses)
    queryset = ReviewPair.objects.select_related(
        "model", "decision__decided_by", "decision__merge"
    ).prefetch_related(Prefetch("left", queryset=identities), Prefetch("right", queryset=identities))
    return get_visible_or_404(user, queryset, pk=pk)


def visible_runs(user: Any) -> QuerySet[LinkageRun]:
    return visible_to(user, LinkageRun).select_related("model", "started_by", "job").order_by("-created_at")


def run_for_page(user: Any, pk: int) -> LinkageRun:
    return get_visible_or_404(user, visible_runs(user), pk=pk)


def merge_for_undo(user: Any, pk: int) -> PersonMerge:
    """A merge the user may undo: 404 unless they see the surviving person, 403 unless they may merge."""
    merge = PersonMerge.objects.select_related("survivor", "absorbed", "decided_by").filter(pk=pk).first()
    if merge is None:
        raise Http404("No record found")
    require(user, Action.MERGE, merge.survivor)
    return merge
