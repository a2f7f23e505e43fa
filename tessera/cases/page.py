"""What every tab of the case page shares: the case, the identity bar, the sub-navigation, the log row."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from tessera.access.models import BreakGlassGrant
from tessera.access.policy import Action, active_grant, can
from tessera.access.reads import log_opened
from tessera.access.scope import scope_of
from tessera.cases.models import Case
from tessera.cases.registry import case_tabs
from tessera.cases.rules import may_see_sharing_log
from tessera.cases.selectors import case_for_page


@dataclass(frozen=True)
class Tab:
    label: str
    href: str
    current: bool


@dataclass
class CasePage:
    case: Case
    tabs: list[Tab]
    grant: BreakGlassGrant | None
    may_change: bool
    may_close: bool
    # Who has looked at the case: for the district team and the case team, not emergency access.
    may_see_sharing_log: bool = False

    def log_view(self, request: HttpRequest, tab: str) -> None:
        """One VIEW row naming the tab (or form) shown, with the emergency-access reason if one applies."""
        # The identity bar names the child: the row shows the child too, so the child's "who has looked"
        # finds every look at their case.
        child = {"people.person": [self.case.child_id]} if self.case.child_id else None
        log_opened(request.user, self.case, via=request, details={"tab": tab}, grant=self.grant, shown=child)

    def context(self, **extra: Any) -> dict[str, Any]:
        return {
            "case": self.case,
            "tabs": self.tabs,
            "grant": self.grant,
            "may_change": self.may_change,
            "may_close": self.may_close,
            **extra,
        }


def open_case_page(
    request: HttpRequest, pk: int, current: str, *, log_view: bool = True, count_support: bool = False
) -> CasePage:
    """The case for one tab, or 404: the case kind's open-and-log read. Logs the view (DPA 2018 s62)
    naming the tab that was opened.

    A page that may not show the case after all (a form posted, a tab refused) passes ``log_view=False``
    and calls ``CasePage.log_view`` when, and only when, it renders the case.
    """
    user = request.user
    case = case_for_page(user, pk, count_support=count_support)
    grant = active_grant(user, case)
    sharing = may_see_sharing_log(scope_of(user), case)
    tabs = [
        Tab(tab.label, reverse(tab.url_name, kwargs={"pk": case.pk}), tab.key == current)
        for tab in case_tabs()
        if tab.key != "sharing" or sharing
    ]
    page = CasePage(
        case=case,
        tabs=tabs,
        grant=grant,
        may_change=not case.is_closed and can(user, Action.CHANGE, case),
        may_close=not case.is_closed and can(user, Action.CLOSE, case),
        may_see_sharing_log=sharing,
    )
    if log_view:
        page.log_view(request, current)
    return page
