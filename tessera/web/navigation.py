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


NAV_ITEMS: tuple[NavItem, ...] = (
    NavItem("Home", "web:home", frozenset(), "/"),
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
    items = []
    for item in NAV_ITEMS:
        if item.roles and not scope.has(*item.roles):
            continue
        current = path == item.section if item.section == "/" else path.startswith(item.section)
        items.append({"label": item.label, "href": reverse(item.url_name), "current": current})
    return items
