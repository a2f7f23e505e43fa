"""The service navigation: which sections each role sees."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from tessera.access.scope import Scope
from tessera.accounts.roles import CASEWORK_ROLES, Role


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # Shown when the user holds any of these roles; empty means every signed-in user.
    roles: frozenset[Role]
    # URL prefix that marks the item as the current section.
    section: str


# Everyone who reports concerns through the staff form: all staff except administrators and partners.
STAFF_REPORTERS = frozenset(Role) - {Role.SYSTEM_ADMINISTRATOR, Role.PARTNER_REPORTER}
CASE_WORKERS = frozenset(
    {
        Role.CSE_TEAM_MEMBER,
        Role.SUPERVISOR,
        Role.MISSING_PERSON_COORDINATOR,
        Role.INTELLIGENCE_ANALYST,
        Role.HITECH_INVESTIGATOR,
        Role.FRONTLINE_OFFICER,
        Role.CALL_HANDLER,
    }
)

NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Home", "web:home", frozenset(), "/"),
    NavItem("Report a concern", "referrals:report_concern", STAFF_REPORTERS, "/referrals/new/"),
    NavItem(
        "Report a concern",
        "referrals:partner_report",
        frozenset({Role.PARTNER_REPORTER}),
        "/referrals/partner/",
    ),
    NavItem(
        "Triage",
        "referrals:triage_queue",
        frozenset({Role.CSE_TEAM_MEMBER, Role.SUPERVISOR}),
        "/referrals/triage/",
    ),
    NavItem("Cases", "cases:case_list", CASE_WORKERS, "/cases/"),
    NavItem("Actions", "cases:action_lists", CASE_WORKERS, "/cases/actions/"),
    NavItem("Figures", "cases:figures", frozenset({Role.CHIEF_OFFICER, Role.SUPERVISOR}), "/cases/figures/"),
    NavItem(
        "Search people",
        "people:person_search",
        frozenset(CASEWORK_ROLES | {Role.FRONTLINE_OFFICER, Role.CALL_HANDLER}),
        "/people/",
    ),
    NavItem(
        "Emergency access reviews",
        "access:review_list",
        frozenset({Role.SUPERVISOR}),
        "/access/emergency-access/review/",
    ),
    NavItem(
        "Reassessments",
        "risk:reassessments",
        frozenset(CASEWORK_ROLES),
        "/risk/reassessments/",
    ),
    NavItem(
        "Risk instrument",
        "risk:version_list",
        frozenset({Role.SUPERVISOR, Role.CHIEF_OFFICER}),
        "/risk/instrument/",
    ),
    NavItem(
        "Overrides",
        "risk:overrides",
        frozenset({Role.SUPERVISOR, Role.CHIEF_OFFICER}),
        "/risk/overrides/",
    ),
    NavItem(
        "Calibration",
        "risk:calibration",
        frozenset({Role.SUPERVISOR, Role.CHIEF_OFFICER}),
        "/risk/calibration/",
    ),
    NavItem(
        "Partner imports",
        "imports:batch_list",
        frozenset({Role.CSE_TEAM_MEMBER, Role.SUPERVISOR, Role.INTELLIGENCE_ANALYST}),
        "/imports/",
    ),
    NavItem(
        "Records to review",
        "linkage:review_queue",
        frozenset({Role.CSE_TEAM_MEMBER, Role.SUPERVISOR, Role.INTELLIGENCE_ANALYST}),
        "/linkage/",
    ),
    NavItem(
        "Users", "administration:user_list", frozenset({Role.SYSTEM_ADMINISTRATOR}), "/administration/users/"
    ),
    NavItem(
        "Organisation",
        "administration:organisation",
        frozenset({Role.SYSTEM_ADMINISTRATOR}),
        "/administration/organisation/",
    ),
    NavItem(
        "Audit", "administration:audit", frozenset({Role.SYSTEM_ADMINISTRATOR}), "/administration/audit/"
    ),
)


def items_for(scope: Scope, path: str) -> list[dict[str, object]]:
    shown = [item for item in NAV_ITEMS if not item.roles or scope.has(*item.roles)]
    # The most specific matching section is current ("/cases/actions/" is Actions, not Cases).
    matching = [
        item
        for item in shown
        if (path == item.section if item.section == "/" else path.startswith(item.section))
    ]
    current = max(matching, key=lambda item: len(item.section), default=None)
    return [
        {"label": item.label, "href": reverse(item.url_name), "current": item is current} for item in shown
    ]
