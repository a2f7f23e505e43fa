"""The case page's tabs, the team's case list and the action lists."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from tessera.access.policy import Action, require
from tessera.access.reads import log_export, log_list
from tessera.access.scope import scope_of
from tessera.accounts.roles import Role
from tessera.audit.selectors import record_log
from tessera.cases import selectors
from tessera.cases.chronology import build_chronology, filter_entries
from tessera.cases.figures import district_figures
from tessera.cases.models import ActionStatus
from tessera.cases.page import open_case_page
from tessera.cases.pdf import chronology_pdf as render_pdf
from tessera.cases.registry import chronology_kinds
from tessera.cases.rules import is_district_team
from tessera.people.selectors import links_of


def case_list(request: HttpRequest) -> HttpResponse:
    """The team's cases with the statutory clock each has running next."""
    user = request.user
    if not scope_of(user).works_with_named_children:
        raise PermissionDenied("Case lists are for people who work with children's records")
    status = request.GET.get("status", "open")
    if status not in {"open", "closed", "all"}:
        status = "open"
    rows = selectors.case_list(user, status=status)
    log_list(
        user,
        request,
        list_name="cases",
        target_type="cases.case",
        ids=[row.case.pk for row in rows],
        people=[row.case.child_id for row in rows],
        details={"status": status},
    )
    return render(
        request,
        "cases/case_list.html",
        {"rows": rows, "status": status, "today": timezone.localdate()},
    )


def action_lists(request: HttpRequest) -> HttpResponse:
    """My actions, and (for the district team) every overdue action on the team's cases."""
    user = request.user
    if not scope_of(user).works_with_named_children:
        raise PermissionDenied("Action lists are for people who work with children's records")
    mine = selectors.my_actions(user)
    overdue = selectors.overdue_actions(user) if is_district_team(scope_of(user)) else None
    shown = [*mine, *(overdue or [])]
    log_list(
        user,
        request,
        list_name="actions",
        target_type="cases.action",
        ids=[action.pk for action in shown],
        people=[action.case.child_id for action in shown],
        details={"cases": sorted({action.case_id for action in shown})},
    )
    return render(
        request,
        "cases/action_lists.html",
        {"mine": mine, "overdue": overdue, "today": timezone.localdate()},
    )


def case_detail(request: HttpRequest, pk: int) -> HttpResponse:
    page = open_case_page(request, pk, "summary", count_support=True)
    case = page.case
    # The meetings are read once, for the clocks and the standards alike.
    discussions = selectors.strategy_discussions_of(case)
    conferences = selectors.conferences_of(case)
    today = timezone.localdate()
    clocks = selectors.clocks_for(case, discussions, conferences)
    return render(
        request,
        "cases/case_detail.html",
        page.context(
            clocks=[(clock, clock.label(today), clock.tag(today)) for clock in clocks],
            standards=selectors.compliance_of(case, discussions, conferences),
            team=selectors.case_team(case),
            open_actions=selectors.actions_of(case, status=ActionStatus.OPEN),
            discussions=discussions,
            today=today,
        ),
    )


def chronology(request: HttpRequest, pk: int) -> HttpResponse:
    page = open_case_page(request, pk, "chronology")
    entries = build_chronology(request.user, page.case)
    kinds = chronology_kinds()
    agencies = sorted({entry.agency for entry in entries})
    chosen_kinds = {k for k in request.GET.getlist("kind") if k in kinds}
    chosen_agencies = {a for a in request.GET.getlist("agency") if a in agencies}
    shown = filter_entries(entries, kinds=chosen_kinds, agencies=chosen_agencies)
    return render(
        request,
        "cases/chronology.html",
        page.context(
            entries=shown,
            total=len(entries),
            kinds=list(kinds.items()),
            agencies=agencies,
            chosen_kinds=chosen_kinds,
            chosen_agencies=chosen_agencies,
            query=request.GET.urlencode(),
        ),
    )


def people(request: HttpRequest, pk: int) -> HttpResponse:
    page = open_case_page(request, pk, "people")
    case = page.case
    links = links_of(request.user, case.child) if case.child_id is not None and case.child else []
    return render(
        request,
        "cases/people.html",
        page.context(
            team=selectors.case_team(case),
            links=links,
        ),
    )


def actions(request: HttpRequest, pk: int) -> HttpResponse:
    page = open_case_page(request, pk, "actions")
    return render(
        request,
        "cases/actions.html",
        page.context(actions=selectors.actions_of(page.case), today=timezone.localdate()),
    )


def meetings(request: HttpRequest, pk: int) -> HttpResponse:
    page = open_case_page(request, pk, "meetings")
    case = page.case
    return render(
        request,
        "cases/meetings.html",
        page.context(
            discussions=selectors.strategy_discussions_of(case),
            conferences=selectors.conferences_of(case),
        ),
    )


def support(request: HttpRequest, pk: int) -> HttpResponse:
    page = open_case_page(request, pk, "support")
    return render(
        request,
        "cases/support.html",
        page.context(support=selectors.support_of(page.case)),
    )


def sharing_log(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has viewed, exported, changed or shared this case: the s62 log, for the people responsible."""
    page = open_case_page(request, pk, "sharing", log_view=False)
    if not page.may_see_sharing_log:
        raise PermissionDenied(
            "The sharing log is for the child's district team, the case team and supervisors. "
            "Emergency access lets you read the case, not who else has looked at it."
        )
    page.log_view(request, "sharing")
    entries = record_log("cases.case", page.case.pk, limit=300)
    return render(request, "cases/sharing_log.html", page.context(entries=entries))


def chronology_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The chronology as a PDF, with the same filters; the export is logged with what it held."""
    page = open_case_page(request, pk, "chronology", log_view=False)
    require(request.user, Action.EXPORT, page.case)
    kinds = chronology_kinds()
    entries = build_chronology(request.user, page.case)
    agencies = {entry.agency for entry in entries}
    chosen_kinds = {k for k in request.GET.getlist("kind") if k in kinds}
    chosen_agencies = {a for a in request.GET.getlist("agency") if a in agencies}
    shown = filter_entries(entries, kinds=chosen_kinds, agencies=chosen_agencies)
    described = []
    if chosen_kinds:
        described.append("Kinds: " + ", ".join(sorted(kinds[k] for k in chosen_kinds)) + ".")
    if chosen_agencies:
        described.append("Agencies: " + ", ".join(sorted(chosen_agencies)) + ".")
    content = render_pdf(
        page.case,
        shown,
        printed_by=str(request.user),
        filters=" ".join(described) or "All entries you may see.",
    )
    log_export(
        request.user,
        page.case,
        via=request,
        reason="Chronology exported to PDF",
        details={"entries": len(shown), "kinds": sorted(chosen_kinds), "agencies": sorted(chosen_agencies)},
    )
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="chronology-{page.case.reference}.pdf"'
    return response


def figures(request: HttpRequest) -> HttpResponse:
    """Each district's case work in numbers, without names: for chief officers and supervisors."""

    if not scope_of(request.user).has(Role.CHIEF_OFFICER, Role.SUPERVISOR):
        raise PermissionDenied("Figures are for chief officers and supervisors")
    return render(request, "cases/figures.html", {"rows": district_figures()})
