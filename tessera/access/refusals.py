"""Refused access goes into the access log (issue 17, Found 5).

Every 403 and 404 answered to a signed-in user writes one ``refused`` row: who, the kind and id of record
asked for, and why it was refused (no such record, outside their scope, a restricted record, or a 403).
The policy notes what it refused (``note_refusal``) as it raises; ``RefusalLogMiddleware`` writes the
row once the response is made, after the view's own transaction has ended, so the row survives the
view's rollback and the response is exactly what it would have been: a record the user may not see
still answers the same 404 as a missing one. Only the log, which the user never sees, tells them apart.
Supervisors see whose requests were refused, and how many different records they asked for, on their
review page: someone walking ids 1..N shows up there as one line with N records.
"""

from __future__ import annotations

from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import models
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from tessera.accounts.models import User
from tessera.audit.log import record_access
from tessera.audit.models import AccessLog, AuditAction
from tessera.audit.selectors import refusal_counts, refusals_by


class Outcome:
    """Why a request was refused, in the words the log and the supervisor's page use."""

    NO_SUCH_RECORD = "no such record"
    OUTSIDE_SCOPE = "outside their access"
    RESTRICTED = "restricted record"
    NOT_ALLOWED = "may see the record but not do that"
    FORBIDDEN = "not allowed for their role"
    NOT_FOUND = "page not found"


@dataclass(frozen=True)
class Refusal:
    target_type: str
    target_id: str
    outcome: str


_noted: ContextVar[Refusal | None] = ContextVar("tessera_refusal", default=None)


def note_refusal(model: type[models.Model], target_id: Any, outcome: str) -> None:
    """Remember, for this request's refused row, what the policy refused and why."""
    _noted.set(Refusal(model._meta.label_lower, str(target_id)[:64], outcome))


def _asked_for(request: HttpRequest) -> tuple[str, str]:
    """The record a refused address named, when the policy did not say: the URL's name and its id."""
    match = request.resolver_match
    if match is None:
        return "", ""
    kwargs = match.kwargs
    target_id = next(
        (str(kwargs[name]) for name in ("pk", "id", "number", "reference") if name in kwargs), ""
    )
    return match.view_name, target_id[:64]


def log_refusal(request: HttpRequest, status: int, refusal: Refusal | None) -> None:
    view_name, url_id = _asked_for(request)
    if refusal is None:
        outcome = Outcome.NOT_FOUND if status == 404 else Outcome.FORBIDDEN
        refusal = Refusal("", url_id, outcome)
    record_access(
        actor=request.user,
        action=AuditAction.REFUSED,
        target_type=refusal.target_type,
        target_id=refusal.target_id,
        request=request,
        details={"status": status, "outcome": refusal.outcome, "view": view_name, "method": request.method},
    )


class RefusalLogMiddleware:
    """Writes the refused row for every 403 and 404 a signed-in user is given."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _noted.set(None)
        try:
            response = self.get_response(request)
            if response.status_code in (403, 404) and request.user.is_authenticated:
                log_refusal(request, response.status_code, _noted.get())
            return response
        finally:
            _noted.reset(token)


@dataclass(frozen=True)
class RefusedPerson:
    """One person's refused requests over a period, as a supervisor reviews them."""

    user: User
    refusals: int
    records: int
    first_at: datetime
    last_at: datetime

    @property
    def looks_like_a_search(self) -> bool:
        return self.records >= PROBING_RECORDS


# Ten different records refused in a week is far beyond a mistyped address: the page flags it.
PROBING_RECORDS = 10
REVIEW_DAYS = 7


def people_reviewed_by(supervisor: User, *, force_wide: bool, district_ids: frozenset[int]) -> Q:
    """Whose refusals a supervisor reviews: people sharing a team with them or working in their
    districts, as for emergency access; everyone, for a force-wide supervisor."""
    if force_wide:
        return Q()
    team_ids = list(supervisor.memberships.values_list("team_id", flat=True))
    return Q(memberships__team_id__in=team_ids) | Q(memberships__team__district_id__in=district_ids)


def refused_people(reviewed: Q, *, since: datetime | None = None) -> list[RefusedPerson]:
    """The people among ``reviewed`` whose requests were refused since ``since``, most records first."""
    since = since or timezone.now() - timedelta(days=REVIEW_DAYS)
    user_ids = list(User.objects.filter(reviewed).values_list("pk", flat=True).distinct())
    rows = refusal_counts(user_ids, since=since)
    users = User.objects.select_related("agency").in_bulk([row["actor_id"] for row in rows])
    people = [
        RefusedPerson(
            users[row["actor_id"]], row["refusals"], row["records"], row["first_at"], row["last_at"]
        )
        for row in rows
    ]
    return sorted(people, key=lambda person: (-person.records, -person.refusals, person.user.username))


def refusals_of(user: User, *, since: datetime | None = None) -> list[AccessLog]:
    since = since or timezone.now() - timedelta(days=REVIEW_DAYS)
    return refusals_by(user.pk, since=since)
