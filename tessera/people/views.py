from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from tessera.access.policy import active_grant
from tessera.access.scope import scope_of
from tessera.accounts.roles import CASEWORK_ROLES
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.people.selectors import links_of, person_for_page


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = person_for_page(request.user, pk)
    if person.merged_into_id:
        return redirect("people:person_detail", pk=person.merged_into_id)
    links = links_of(request.user, person)
    grant = active_grant(request.user, person)
    record_access(
        actor=request.user,
        action=AuditAction.VIEW,
        target=person,
        request=request,
        reason=grant.reason if grant else "",
        details={"emergency_access": grant.pk} if grant else None,
    )
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "identities": person.identities.all(),
            "links": links,
            "grant": grant,
            "may_see_viewers": bool(scope_of(request.user).roles & CASEWORK_ROLES),
        },
    )
