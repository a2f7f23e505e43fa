"""What each role sees first: their own work."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.urls import NoReverseMatch, reverse

from tessera.access.policy import registered_models, visible_to
from tessera.access.scope import scope_of
from tessera.access.services import grants_to_review
from tessera.accounts.models import User
from tessera.accounts.roles import CASEWORK_ROLES, Role
from tessera.audit.selectors import recent_views_by
from tessera.cases.rules import is_district_team
from tessera.cases.selectors import my_actions, overdue_actions
from tessera.earlywarning.rules import is_district_team as is_alerted_team
from tessera.earlywarning.selectors import open_alert_count
from tessera.missing.selectors import closures_waiting_count
from tessera.referrals.selectors import my_referrals, queue_counts
from tessera.referrals.services import may_report
from tessera.risk.selectors import due_counts


@dataclass
class RecentRecord:
    label: str
    href: str
    viewed_at: Any
    target_type: str = ""
    target_id: int = 0


@dataclass
class HomePage:
    greeting: str
    role_summary: str
    recent: list[RecentRecord] = field(default_factory=list)
    reviews_waiting: int | None = None
    # Case work: the user's own actions, the team's queue and what is overdue.
    my_actions: list[Any] = field(default_factory=list)
    overdue_actions: int | None = None
    queue_waiting: int | None = None
    queue_overdue: int | None = None
    # Concerns graded immediate (or said to be happening now and not yet graded) waiting for a decision.
    queue_immediate: int | None = None
    my_concerns: list[Any] = field(default_factory=list)
    shows_concerns: bool = False
    # Partner reporters' only work: sending a concern.
    partner_reporter: bool = False
    # Risk reassessments due for the children the user's teams work with (None: not their work).
    reassessments_overdue: int | None = None
    reassessments_due_soon: int | None = None
    # Open network alerts (a count) for the district team of the children they are about.
    network_alerts: int | None = None
    # Requests to end a repeatedly missing child's monitoring, waiting for this supervisor's approval.
    monitoring_closures_waiting: int | None = None

    def records_shown(self) -> dict[str, list[int]]:
        """The named records on the page, by kind, for the access log (empty when it names no one)."""
        shown: dict[str, list[int]] = {}
        for item in self.recent:
            shown.setdefault(item.target_type, []).append(item.target_id)
        if self.my_actions:
            shown.setdefault("cases.action", []).extend(action.pk for action in self.my_actions)
        if self.my_concerns:
            shown.setdefault("referrals.referral", []).extend(referral.pk for referral in self.my_concerns)
        return shown

    def people_named(self) -> list[int]:
        """The children the page names: each of my actions says whose case it is on."""
        return [action.case.child_id for action in self.my_actions if action.case.child_id]


_DETAIL_URLS = {
    "people.person": "people:person_detail",
    "cases.case": "cases:case_detail",
    "referrals.referral": "referrals:referral_detail",
    "risk.riskassessment": "risk:assessment_detail",
}


def recently_viewed(user: User, limit: int = 8) -> list[RecentRecord]:
    """Records the user viewed lately that they may still see, newest first, from the access log."""
    rows = recent_views_by(user, limit=100)
    latest: dict[tuple[str, str], Any] = {}
    for target_type, target_id, at in rows:
        latest.setdefault((target_type, target_id), at)
    by_type: dict[str, list[int]] = {}
    for target_type, target_id in latest:
        if target_type in _DETAIL_URLS and target_id.isdigit():
            by_type.setdefault(target_type, []).append(int(target_id))
    visible: dict[tuple[str, str], str] = {}
    registered = set(registered_models())
    for target_type, ids in by_type.items():
        model = apps.get_model(target_type)
        if model not in registered:
            continue
        for obj in visible_to(user, model).filter(pk__in=ids):
            visible[(target_type, str(obj.pk))] = str(obj)
    recent = []
    for key, at in latest.items():
        if key in visible:
            try:
                href = reverse(_DETAIL_URLS[key[0]], kwargs={"pk": int(key[1])})
            except NoReverseMatch:
                continue
            recent.append(RecentRecord(visible[key], href, at, key[0], int(key[1])))
        if len(recent) >= limit:
            break
    return recent


def home_for(user: User) -> HomePage:
    scope = scope_of(user)
    page = HomePage(
        greeting=f"Hello, {user.first_name or user.username}",
        role_summary=", ".join(user.role_labels),
    )
    if scope.works_with_named_children:
        page.recent = recently_viewed(user)
    _add_case_work(user, page)
    if scope.roles & CASEWORK_ROLES:
        counts = due_counts(user)
        page.reassessments_overdue = counts.overdue
        page.reassessments_due_soon = counts.due_soon
    if is_alerted_team(scope):
        page.network_alerts = open_alert_count(user)
    if scope.has(Role.SUPERVISOR):
        page.reviews_waiting = len(grants_to_review(user))
        page.monitoring_closures_waiting = closures_waiting_count(user)
    return page


def _add_case_work(user: User, page: HomePage) -> None:
    """My actions, the triage queue, overdue actions and the outcomes of concerns the user reported."""

    scope = scope_of(user)
    if scope.works_with_named_children:
        page.my_actions = my_actions(user)[:5]
    if is_district_team(scope):
        counts = queue_counts(user)
        page.queue_waiting, page.queue_overdue = counts.waiting, counts.overdue
        page.queue_immediate = counts.immediate
        page.overdue_actions = len(overdue_actions(user))
    page.partner_reporter = scope.has(Role.PARTNER_REPORTER)
    if may_report(user) and not page.partner_reporter:
        page.shows_concerns = True
        page.my_concerns = my_referrals(user, limit=5)
