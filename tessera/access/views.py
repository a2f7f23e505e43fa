"""Emergency (break-glass) access, its supervisor review, and who has looked at a record."""

from __future__ import annotations

from django.apps import apps
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from tessera.access import refusals, services
from tessera.access.emergency import target_for_path
from tessera.access.forms import EmergencyAccessForm, LiftRestrictionForm, RestrictForm, ReviewForm
from tessera.access.models import BreakGlassGrant, RestrictedRecord, ReviewOutcome
from tessera.access.policy import (
    get_visible_or_404,
    label_of,
    registered_models,
    within_scope_without_grant,
)
from tessera.access.reads import log_list, log_opened
from tessera.access.scope import scope_of
from tessera.accounts.models import User
from tessera.accounts.roles import CASEWORK_ROLES, Role
from tessera.accounts.signed_in import signed_in
from tessera.audit.models import AccessLog, AuditAction
from tessera.audit.selectors import looks_at


def emergency_access(request: HttpRequest) -> HttpResponse:
    user = signed_in(request)
    if not scope_of(user).may_break_glass:
        raise PermissionDenied("Your role does not allow emergency access")
    path = request.POST.get("path") or request.GET.get("path", "")
    if not url_has_allowed_host_and_scheme(path, {request.get_host()}) or not path.startswith("/"):
        raise Http404("No record page at that address")
    target = target_for_path(path)
    if target is None:
        raise Http404("No record page at that address")
    form = EmergencyAccessForm(request.POST or None, initial={"path": path})
    if request.method == "POST" and form.is_valid():
        model, target_id = target
        try:
            grant = services.open_with_emergency_access(
                user,
                model=model,
                target_id=target_id,
                path=path,
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except services.EmergencyAccessRefusedError as refused:
            form.add_error("reason", str(refused))
        else:
            messages.warning(
                request,
                f"You have emergency access until {timezone.localtime(grant.expires_at):%H:%M}. Your reason "
                "has been recorded for a supervisor to review.",
            )
            return redirect(path)
    return render(request, "access/emergency_access.html", {"form": form})


def _require_supervisor(request: HttpRequest) -> User:
    user = signed_in(request)
    if not user.has_role(Role.SUPERVISOR):
        raise PermissionDenied("Only supervisors review emergency access")
    return user


def _reviewed_by(supervisor: User) -> Q:
    scope = scope_of(supervisor)
    return refusals.people_reviewed_by(
        supervisor, force_wide=scope.force_wide, district_ids=frozenset(scope.district_ids)
    )


def review_list(request: HttpRequest) -> HttpResponse:
    supervisor = _require_supervisor(request)
    grants = services.grants_to_review(supervisor)
    refused = refusals.refused_people(_reviewed_by(supervisor) & ~Q(pk=supervisor.pk))
    # The reasons on this list say which child and what happened: reading them is logged like any list.
    log_list(
        supervisor,
        request,
        list_name="emergency access to review",
        target_type="access.breakglassgrant",
        ids=[g.pk for g in grants],
        details={"refused_people": [person.user.pk for person in refused]},
    )
    return render(
        request,
        "access/review_list.html",
        {"grants": grants, "refused": refused, "days": refusals.REVIEW_DAYS},
    )


def refused_requests(request: HttpRequest, user_id: int) -> HttpResponse:
    """One person's refused requests: what they asked for, when, and why it was refused."""
    supervisor = _require_supervisor(request)
    person = User.objects.filter(_reviewed_by(supervisor), pk=user_id).exclude(pk=supervisor.pk).first()
    if person is None:
        raise Http404("No one of yours by that id")
    entries = refusals.refusals_of(person)
    log_list(
        supervisor,
        request,
        list_name="refused requests",
        target_type="audit.accesslog",
        ids=[entry.pk for entry in entries],
        details={"user": person.pk},
    )
    return render(
        request,
        "access/refused_requests.html",
        {"person": person, "entries": entries, "days": refusals.REVIEW_DAYS},
    )


def review_grant(request: HttpRequest, pk: int) -> HttpResponse:
    supervisor = _require_supervisor(request)
    grant = next((g for g in services.grants_to_review(supervisor) if g.pk == pk), None)
    if grant is None:
        raise Http404("No emergency access to review")
    form = ReviewForm(request.POST or None)
    if request.method == "GET":
        log_opened(supervisor, grant, via=request, grant=None)
    if request.method == "POST" and form.is_valid():
        services.review_grant(
            supervisor,
            grant,
            outcome=ReviewOutcome(form.cleaned_data["outcome"]),
            note=form.cleaned_data["note"],
            request=request,
        )
        messages.success(request, f"Emergency access by {grant.user} reviewed.")
        return redirect("access:review_list")
    return render(
        request,
        "access/review_grant.html",
        {"grant": grant, "form": form, "why": services.review_reason(supervisor, grant)},
    )


SHOWN_AT_MOST = 500


def _record_model(target_type: str) -> type[Model]:
    """The model a record address names; 404 for anything not under the access policy."""
    try:
        model = apps.get_model(target_type.lower())  # app labels are lower case; any spelling finds the model
    except (LookupError, ValueError):
        raise Http404("No record found") from None
    if model not in registered_models():
        raise Http404("No record found")
    return model


# Pages about another record that name this one (the case page names its child).
_PAGES_ABOUT = {
    "cases.case": "a case page",
    "referrals.referral": "a referral",
    "risk.riskassessment": "a risk assessment",
    "linkage.reviewpair": "records to compare",
    "imports.importbatch": "an import",
    "people.person": "another person's page",
}


def _what(entry: AccessLog, target_type: str, pk: str) -> str:
    """What the user did with the record, in words: "Viewed", "Seen in a list: triage queue", or
    "Seen on a case page"."""
    if entry.action == AuditAction.REFUSED:
        return f"Asked for it and was refused ({entry.details.get('outcome', 'refused')})"
    if entry.target_type == target_type and entry.target_id == pk:
        return entry.get_action_display()
    if entry.details.get("list"):
        return f"Seen in a list: {entry.details['list']}"
    if entry.action == AuditAction.SEARCH:
        return f"Seen in a search: {entry.details.get('purpose') or 'search results'}"
    page = _PAGES_ABOUT.get(entry.target_type, "another record")
    return f"Seen on {page}" + (f" ({entry.get_action_display().lower()})" if entry.action != "view" else "")


def record_viewers(request: HttpRequest, target_type: str, pk: int) -> HttpResponse:
    """Who has looked at a record: for the people responsible for it (DPA 2018 s62 consultation log)."""
    user = signed_in(request)
    if not scope_of(user).roles & CASEWORK_ROLES:
        raise Http404("No record found")
    model = _record_model(target_type)
    obj = get_visible_or_404(user, model, pk=pk)
    if not within_scope_without_grant(user, obj):
        # Emergency access opens a record to act for a child, not to read who else has looked at it.
        raise Http404("No record found")
    # The log stores the model's label as written by record_access; the address may spell it any way.
    label = label_of(model)
    entries = [(entry, _what(entry, label, str(pk))) for entry in looks_at(label, pk, limit=SHOWN_AT_MOST)]
    emergency = BreakGlassGrant.objects.filter(target_type=label, target_id=pk).select_related(
        "user", "reviewed_by"
    )
    # Logged after the rows are read, so the page does not list its own visit.
    log_opened(user, obj, via=request, details={"page": "who has looked"}, grant=None)
    return render(
        request, "access/record_viewers.html", {"record": obj, "entries": entries, "emergency": emergency}
    )


def _restrict_page(
    request: HttpRequest, target_type: str, pk: int
) -> tuple[User, type[Model], Model, RestrictedRecord | None, list[User]]:
    """The supervisor, the record, the restriction in force on it (if any) and the people it names."""
    user = signed_in(request)
    if not services.may_restrict(user):
        raise PermissionDenied("Only supervisors restrict records")
    model = _record_model(target_type)
    obj = get_visible_or_404(user, model, pk=pk)
    restriction = services.restriction_on(obj)
    named = list(restriction.named_users.select_related("agency")) if restriction else []
    return user, model, obj, restriction, named


def _render_restrict(
    request: HttpRequest,
    obj: Model,
    restriction: RestrictedRecord | None,
    named: list[User],
    form: RestrictForm,
    lift_form: LiftRestrictionForm,
) -> HttpResponse:
    log_opened(request.user, obj, via=request, details={"page": "restrict"}, grant=None)
    return render(
        request,
        "access/restrict.html",
        {"record": obj, "restriction": restriction, "named": named, "form": form, "lift_form": lift_form},
    )


def _back_to(obj: Model) -> str:
    return obj.get_absolute_url() if hasattr(obj, "get_absolute_url") else "/"


def restrict(request: HttpRequest, target_type: str, pk: int) -> HttpResponse:
    """A supervisor restricts a record they can see to named people (a staff member's child, say)."""
    user, model, obj, restriction, named = _restrict_page(request, target_type, pk)
    form = RestrictForm(request.POST or None, scope=scope_of(user), already={u.pk for u in named})
    if request.method == "POST" and form.is_valid():
        try:
            services.restrict_record(
                user,
                model=model,
                target_id=obj.pk,
                reason=form.cleaned_data["reason"],
                named_users=list(form.cleaned_data["named_users"]),
                request=request,
            )
        except PermissionDenied as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, "Restricted. Only the people named can now see this record.")
            return redirect(_back_to(obj))
    return _render_restrict(request, obj, restriction, named, form, LiftRestrictionForm())


def lift_restriction(request: HttpRequest, target_type: str, pk: int) -> HttpResponse:
    """A supervisor named on a restriction ends it; the record returns to the ordinary rules."""
    user, _model, obj, restriction, named = _restrict_page(request, target_type, pk)
    if restriction is None or request.method != "POST":
        raise Http404("No restriction in force on this record")
    lift_form = LiftRestrictionForm(request.POST)
    if lift_form.is_valid():
        try:
            services.lift_restriction(
                user, restriction, reason=lift_form.cleaned_data["lift_reason"], request=request
            )
        except PermissionDenied as refused:
            lift_form.add_error(None, str(refused))
        else:
            messages.success(
                request, "Restriction lifted. The record is seen under the ordinary rules again."
            )
            return redirect(_back_to(obj))
    form = RestrictForm(scope=scope_of(user), already={u.pk for u in named})
    return _render_restrict(request, obj, restriction, named, form, lift_form)
