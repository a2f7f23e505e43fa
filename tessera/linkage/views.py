"""The clerical review queue, linkage runs, undoing links and the search-before-create fragment."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from tessera.access.reads import log_list, log_search
from tessera.access.scope import scope_of
from tessera.accounts.signed_in import signed_in
from tessera.linkage import selectors, services
from tessera.linkage.comparison_view import side_by_side
from tessera.linkage.features import BAD_VALUES
from tessera.linkage.forms import CandidateQueryForm, DecisionForm, RunForm, UndoForm
from tessera.linkage.models import PairStatus, ReviewPair
from tessera.linkage.search import Candidate, candidates_for
from tessera.people.rules import may_record_links, may_search_people
from tessera.people.services import MergeRefusedError


def _require_reviewer(request: HttpRequest) -> None:
    scope = scope_of(request.user)
    if not may_record_links(scope) or not scope.district_ids:
        raise PermissionDenied("The review queue is for CSE team members, supervisors and analysts")


def review_queue(request: HttpRequest) -> HttpResponse:
    _require_reviewer(request)
    pairs = list(selectors.waiting_pairs(request.user)[:200])
    log_list(
        request.user,
        request,
        list_name="records to review",
        target_type="linkage.reviewpair",
        ids=[pair.pk for pair in pairs],
        people=[pk for pair in pairs for pk in (pair.left.person_id, pair.right.person_id)],
        details={
            "identities": sorted({pk for pair in pairs for pk in (pair.left_id, pair.right_id)}),
        },
    )
    return render(
        request,
        "linkage/review_queue.html",
        {
            "held": [pair for pair in pairs if pair.held_back],
            "possible": [pair for pair in pairs if not pair.held_back],
            "runs": list(selectors.visible_runs(request.user)[:5]),
            "may_run": services.may_run(signed_in(request)),
            "run_form": RunForm(),
        },
    )


def pair_review(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        pair = selectors.open_pair(request.user, pk, via=request)
        return _pair_page(request, pair, DecisionForm())
    pair = selectors.pair_for_decision(request.user, pk)
    # A pair already decided draws no form, so a late second sending is not shown errors for it.
    form = DecisionForm(request.POST if pair.status == PairStatus.WAITING else None)
    if pair.status == PairStatus.WAITING and form.is_valid():
        same = form.cleaned_data["decision"] == "same"
        services.decide_pair(
            signed_in(request), pair, same_person=same, reason=form.cleaned_data["reason"], request=request
        )
        messages.success(
            request,
            "Linked: the two records are now one person."
            if same
            else "Kept apart. Your decision is recorded.",
        )
        return redirect("linkage:review_queue")
    # Shown again when a decision is refused: it names the two records again.
    selectors.log_pair_shown(request.user, pair, via=request)
    return _pair_page(request, pair, form)


def _pair_page(request: HttpRequest, pair: ReviewPair, form: DecisionForm) -> HttpResponse:
    return render(
        request,
        "linkage/pair_review.html",
        {"pair": pair, "rows": side_by_side(pair.left, pair.right), "form": form},
    )


@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    form = RunForm(request.POST)
    form.is_valid()
    run = services.start_run(signed_in(request), retrain=bool(form.cleaned_data.get("retrain")))
    messages.success(request, "Linkage run started.")
    return redirect("linkage:run_detail", pk=run.pk)


def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.open_run(request.user, pk, via=request)
    job = run.job if run.job and run.job.created_by_id == request.user.pk else None
    bad_values = [(BAD_VALUES[kind], count) for kind, count in run.bad_values.items() if count]
    return render(request, "linkage/run_detail.html", {"run": run, "job": job, "bad_values": bad_values})


def merge_undo(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method != "POST":
        merge = selectors.open_merge(request.user, pk, via=request)
        return render(request, "linkage/merge_undo.html", {"merge": merge, "form": UndoForm()})
    merge = selectors.merge_for_undo(request.user, pk)
    # A link already undone draws no form, so a late second sending is not shown errors for it.
    form = UndoForm(request.POST if merge.undone_at is None else None)
    if merge.undone_at is None and form.is_valid():
        try:
            restored = services.undo_merge(
                signed_in(request), merge, reason=form.cleaned_data["reason"], request=request
            )
        except MergeRefusedError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(
                request,
                "Link undone. The records are two people again, and will not be linked again automatically.",
            )
            return redirect("people:person_detail", pk=restored.pk)
    # The undo was refused: the page names both people again.
    selectors.log_merge_shown(request.user, merge, via=request)
    return render(request, "linkage/merge_undo.html", {"merge": merge, "form": form})


def candidates(request: HttpRequest) -> HttpResponse:
    """The fragment any person-entry form loads (htmx) to show existing people the record may be."""
    _require_reviewer_or_caseworker(request)
    form = CandidateQueryForm(request.GET)
    found: list[Candidate] = []
    narrowed = False
    if form.is_valid():
        result = candidates_for(request.user, form.typed_record())
        found, narrowed = result.candidates, result.narrowed
        if found:
            log_search(
                request.user,
                request,
                people_shown=[c.person.pk for c in found],
                details={"purpose": "search before create"},
            )
    # htmx asks for the fragment; without JavaScript the same address is a page of its own.
    template = "linkage/_candidates.html" if request.htmx else "linkage/candidates.html"  # type: ignore[attr-defined]
    return render(request, template, {"candidates": found, "narrowed": narrowed, "searched": form.is_valid()})


def _require_reviewer_or_caseworker(request: HttpRequest) -> None:
    if not may_search_people(scope_of(request.user)):
        raise PermissionDenied("Search before create is for people who record named children")
