"""Who sees intelligence reports and the versions released to partners (ADR 0026).

- A report, the subjects it names and every release decision on it (refusals included) are police
  intelligence: seen by those whose scope sees police intelligence, and by no one else, the author
  included when the author is not one of them (partners submit and read back only what is released).
- A release is read by those who work with named children in the district it was released to, while it
  stands (not withdrawn). Partner reporters, administrators and chief officers read none.
- Grading, subjects and releases are for intelligence analysts and supervisors (police); CSE team
  members and hi-tech investigators who see intelligence may add subjects and submit reports.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from tessera.access.policy import NOTHING, Action
from tessera.access.scope import Scope
from tessera.accounts.roles import Role
from tessera.intelligence.models import ReleaseOutcome, ReleaseSubject
from tessera.people.rules import may_record_links

EVERYTHING = Q(pk__isnull=False)


def may_submit(scope: Scope) -> bool:
    """Anyone who works with named children, and partner reporters (a hotel's night manager)."""
    return scope.works_with_named_children or scope.has(Role.PARTNER_REPORTER)


def may_evaluate(scope: Scope) -> bool:
    """Grade, confirm subjects, release or refuse: police intelligence analysts and supervisors."""
    return scope.sees_police_intelligence and scope.has(Role.INTELLIGENCE_ANALYST, Role.SUPERVISOR)


def may_add_subjects(scope: Scope) -> bool:
    return scope.sees_police_intelligence


class ReportRule:
    def condition(self, scope: Scope) -> Q:
        return EVERYTHING if scope.sees_police_intelligence else NOTHING

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        if action in {Action.CHANGE, Action.SHARE, Action.DECIDE}:
            return may_evaluate(scope)
        if action == Action.EXPORT:
            return scope.sees_police_intelligence
        return False


class ReportPartRule:
    """Subjects of a report: seen with the report."""

    def condition(self, scope: Scope) -> Q:
        return EVERYTHING if scope.sees_police_intelligence else NOTHING

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        return False


def released_condition(scope: Scope, prefix: str = "") -> Q:
    """Releases (or, with ``prefix`` such as ``"release__"``, rows of one) a partner may read."""
    if not scope.works_with_named_children or not scope.district_ids:
        return NOTHING
    return Q(
        **{
            f"{prefix}outcome": ReleaseOutcome.RELEASED,
            f"{prefix}withdrawn_at__isnull": True,
            f"{prefix}district_id__in": scope.district_ids,
        }
    )


class ReleaseRule:
    def condition(self, scope: Scope) -> Q:
        if scope.sees_police_intelligence:
            return EVERYTHING
        return released_condition(scope)

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        if action == Action.CHANGE:
            return may_evaluate(scope)
        if action == Action.EXPORT:
            return scope.sees_police_intelligence
        return False


class ReleaseSubjectRule:
    def condition(self, scope: Scope) -> Q:
        if scope.sees_police_intelligence:
            return EVERYTHING
        return released_condition(scope, "release__")

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        return False


def may_confirm_subjects(scope: Scope) -> bool:
    """Recording a person or thing a report names: those who see intelligence and record links."""
    return scope.sees_police_intelligence and may_record_links(scope)


def released_entities(scope: Scope) -> Q:
    """People and things named by a release the user may read, for those who do not see intelligence
    (who see them by their ordinary rules, and intelligence-only ones through the rules' own conditions).

    Given to the people app's rules through ``extend_visibility``: a person or thing known only from
    police intelligence becomes visible to a partner once a release to the partner's district names it.
    """
    if scope.sees_police_intelligence or not scope.works_with_named_children or not scope.district_ids:
        return NOTHING
    named = ReleaseSubject.objects.filter(released_condition(scope, "release__")).values("entity_id")
    return Q(entity_id__in=named)


class PackageRule:
    """A package is police intelligence (its released version is a ``PartnerRelease``)."""

    def condition(self, scope: Scope) -> Q:
        return EVERYTHING if scope.sees_police_intelligence else NOTHING

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        if action in {Action.CHANGE, Action.SHARE}:
            return may_evaluate(scope)
        if action == Action.EXPORT:
            return scope.sees_police_intelligence
        return False


class CrimeRule:
    """Crime records flagged for exploitation are police records read with police intelligence."""

    def condition(self, scope: Scope) -> Q:
        return EVERYTHING if scope.sees_police_intelligence else NOTHING

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        return action == Action.CHANGE and may_confirm_subjects(scope)


class ProfileRule:
    """A problem profile names suspects, vehicles and places from police intelligence: read by those who
    see it, written (refreshed, recommendations) by analysts and supervisors, exported by its readers."""

    def condition(self, scope: Scope) -> Q:
        return EVERYTHING if scope.sees_police_intelligence else NOTHING

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        if action == Action.CHANGE:
            return may_evaluate(scope)
        if action == Action.EXPORT:
            return scope.sees_police_intelligence
        return False
