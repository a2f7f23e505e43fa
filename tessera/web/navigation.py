"""The service navigation: which sections each role sees."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from tessera.access.scope import Scope
from tessera.accounts.roles import CASEWORK_ROLES, Role


@dataclass(frozen=True)
class Page:
    """A page listed on a section's hub page."""

    label: str
    url_name: str
    roles: frozenset[Role]
    description: str


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    # Shown when the user holds any of these roles; empty means every signed-in user.
    roles: frozenset[Role]
    # URL prefixes that mark the item as the current section (the longest matching prefix wins).
    sections: tuple[str, ...]


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
RECORD_KEEPERS = frozenset({Role.CSE_TEAM_MEMBER, Role.SUPERVISOR, Role.INTELLIGENCE_ANALYST})
OVERSEERS = frozenset({Role.SUPERVISOR, Role.CHIEF_OFFICER})

# Sections with several pages get one navigation item leading to a hub page, so the bar stays one line.
SECTION_PAGES: dict[str, tuple[Page, ...]] = {
    "risk": (
        Page(
            "Reassessments",
            "risk:reassessments",
            frozenset(CASEWORK_ROLES),
            "Children whose risk assessment is due or overdue, and why: three months passed or new information.",
        ),
        Page(
            "Risk instrument",
            "risk:version_list",
            OVERSEERS,
            "The indicators, weights, bands and hard rules in force, and versions drafted for approval.",
        ),
    ),
    "records": (
        Page(
            "Partner imports",
            "imports:batch_list",
            RECORD_KEEPERS,
            "Files from police, social care, health, education and charity systems; rows held back and why.",
        ),
        Page(
            "Records to review",
            "linkage:review_queue",
            RECORD_KEEPERS,
            "Pairs of records that may be the same person, for someone to decide.",
        ),
    ),
    "oversight": (
        Page(
            "Figures by district",
            "cases:figures",
            OVERSEERS,
            "Each district's referrals, cases, clocks and support in numbers, without names.",
        ),
        Page(
            "Access to approve",
            "accounts:access_requests",
            frozenset({Role.SUPERVISOR}),
            "Roles and teams an administrator asked for people of your agency, waiting for your approval.",
        ),
        Page(
            "Emergency access reviews",
            "access:review_list",
            frozenset({Role.SUPERVISOR}),
            "Emergency access by your teams, waiting for you to judge it justified or not.",
        ),
        Page(
            "Professional overrides",
            "risk:overrides",
            OVERSEERS,
            "How often professionals change the computed risk level, which way, and where.",
        ),
        Page(
            "Calibration study",
            "risk:calibration",
            OVERSEERS,
            "Whether the risk instrument catches children later harmed, and a proposed correction.",
        ),
    ),
}

SECTION_TITLES = {"risk": "Risk", "records": "Records", "oversight": "Oversight"}


def _section_roles(section: str) -> frozenset[Role]:
    return frozenset().union(*(page.roles for page in SECTION_PAGES[section]))


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Home", "web:home", frozenset(), ("/",)),
    NavItem("Report a concern", "referrals:report_concern", STAFF_REPORTERS, ("/referrals/new/",)),
    NavItem(
        "Report a concern",
        "referrals:partner_report",
        frozenset({Role.PARTNER_REPORTER}),
        ("/referrals/partner/",),
    ),
    NavItem(
        "Triage",
        "referrals:triage_queue",
        frozenset({Role.CSE_TEAM_MEMBER, Role.SUPERVISOR}),
        ("/referrals/triage/",),
    ),
    NavItem("Cases", "cases:case_list", CASE_WORKERS, ("/cases/",)),
    NavItem("Actions", "cases:action_lists", CASE_WORKERS, ("/cases/actions/",)),
    NavItem("Intelligence", "intelligence:home", CASE_WORKERS, ("/intelligence/",)),
    NavItem(
        "Search people",
        "people:person_search",
        frozenset(CASEWORK_ROLES | {Role.FRONTLINE_OFFICER, Role.CALL_HANDLER}),
        ("/people/",),
    ),
    NavItem("Risk", "web:risk_hub", _section_roles("risk"), ("/risk/",)),
    NavItem("Missing", "missing:overview", frozenset(CASEWORK_ROLES), ("/missing/",)),
    NavItem("Records", "web:records_hub", _section_roles("records"), ("/records/", "/imports/", "/linkage/")),
    NavItem(
        "Oversight",
        "web:oversight_hub",
        _section_roles("oversight"),
        (
            "/oversight/",
            "/cases/figures/",
            "/access/emergency-access/review/",
            "/access-requests/",
            "/risk/overrides/",
            "/risk/calibration/",
        ),
    ),
    NavItem(
        "Information rights",
        "information:hub",
        frozenset({Role.DATA_PROTECTION_OFFICER}),
        ("/information-rights/",),
    ),
    NavItem(
        "Users",
        "administration:user_list",
        frozenset({Role.SYSTEM_ADMINISTRATOR}),
        ("/administration/users/",),
    ),
    NavItem(
        "Organisation",
        "administration:organisation",
        frozenset({Role.SYSTEM_ADMINISTRATOR}),
        ("/administration/organisation/",),
    ),
    NavItem(
        "Audit", "administration:audit", frozenset({Role.SYSTEM_ADMINISTRATOR}), ("/administration/audit/",)
    ),
)


def _matches(prefix: str, path: str) -> bool:
    return path == prefix if prefix == "/" else path.startswith(prefix)


def items_for(scope: Scope, path: str) -> list[dict[str, object]]:
    shown = [item for item in NAV_ITEMS if not item.roles or scope.has(*item.roles)]
    # The most specific matching prefix wins ("/cases/actions/" is Actions, not Cases).
    best: tuple[int, NavItem | None] = (-1, None)
    for item in shown:
        for prefix in item.sections:
            if _matches(prefix, path) and len(prefix) > best[0]:
                best = (len(prefix), item)
    current = best[1]
    return [
        {"label": item.label, "href": reverse(item.url_name), "current": item is current} for item in shown
    ]


def hub_pages(scope: Scope, section: str) -> list[dict[str, str]]:
    """The pages of a section this user may open, for its hub page."""
    return [
        {"label": page.label, "href": reverse(page.url_name), "description": page.description}
        for page in SECTION_PAGES[section]
        if scope.has(*page.roles)
    ]
