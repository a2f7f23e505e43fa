"""The roles a Tessera user can hold, and which may be combined."""

from __future__ import annotations

from django.db import models


class Role(models.TextChoices):
    FRONTLINE_OFFICER = "frontline_officer", "Frontline officer"
    CALL_HANDLER = "call_handler", "Call handler"
    CSE_TEAM_MEMBER = "cse_team_member", "CSE team member"
    MISSING_PERSON_COORDINATOR = "missing_person_coordinator", "Missing person coordinator"
    INTELLIGENCE_ANALYST = "intelligence_analyst", "Intelligence analyst"
    HITECH_INVESTIGATOR = "hitech_investigator", "Hi-tech crime investigator"
    SUPERVISOR = "supervisor", "Supervisor or manager"
    CHIEF_OFFICER = "chief_officer", "Chief officer or commissioner"
    PARTNER_REPORTER = "partner_reporter", "Partner reporter"
    SYSTEM_ADMINISTRATOR = "system_administrator", "System administrator"
    # Retention review, erasure and subject access requests (issue 17, build 6).
    DATA_PROTECTION_OFFICER = "data_protection_officer", "Data protection officer"


# Roles that must be held alone: each one promises a limit (no case data, aggregates only, submit only)
# that any other role would break.
EXCLUSIVE_ROLES = frozenset({Role.SYSTEM_ADMINISTRATOR, Role.CHIEF_OFFICER, Role.PARTNER_REPORTER})

# Roles that work with named children's records.
CASEWORK_ROLES = frozenset(
    {
        Role.CSE_TEAM_MEMBER,
        Role.MISSING_PERSON_COORDINATOR,
        Role.INTELLIGENCE_ANALYST,
        Role.HITECH_INVESTIGATOR,
        Role.SUPERVISOR,
    }
)

# Roles that read case data (named children's records): granting one needs a second key, a supervisor of
# the person's agency (tessera.accounts.grants). The others read no case data: administrators manage
# users, chief officers see aggregates, partner reporters submit and read nothing back.
CASE_DATA_ROLES = frozenset(Role) - {Role.SYSTEM_ADMINISTRATOR, Role.CHIEF_OFFICER, Role.PARTNER_REPORTER}

# Roles whose holders are police and only police.
POLICE_ONLY_ROLES = frozenset(
    {Role.FRONTLINE_OFFICER, Role.CALL_HANDLER, Role.INTELLIGENCE_ANALYST, Role.HITECH_INVESTIGATOR}
)


def combination_problem(roles: set[str], agency_kind: str) -> str | None:
    """Why this set of roles cannot be held together by someone of this agency kind, or None."""
    if not roles:
        return "Choose at least one role."
    exclusive = roles & EXCLUSIVE_ROLES
    if exclusive and len(roles) > 1:
        label = Role(next(iter(exclusive))).label
        return f"{label} must be the only role: it limits what the person can see."
    if agency_kind == "partner_business" and roles != {Role.PARTNER_REPORTER}:
        return "People from partner businesses can only be partner reporters."
    if Role.PARTNER_REPORTER in roles and agency_kind != "partner_business":
        return "Partner reporter is only for people from partner businesses (hotels, taxi firms, takeaways)."
    police_only = roles & POLICE_ONLY_ROLES
    if police_only and agency_kind != "police":
        label = Role(next(iter(police_only))).label
        return f"{label} is a police role; this person's agency is not the police."
    return None
