"""Who may see and change person records."""

from __future__ import annotations

from typing import Any

from django.db.models import Exists, OuterRef, Q

from tessera.access.policy import NOTHING, Action
from tessera.access.scope import Scope
from tessera.accounts.roles import Role
from tessera.people.models import NOT_POLICE_INTELLIGENCE, IdentityAddress, Link, LocationKind

# Places that are someone's home: seen, like the people who live there, only in the districts one works in.
HOMES = (LocationKind.HOME, LocationKind.CHILDRENS_HOME)


def may_record_links(scope: Scope) -> bool:
    """Roles that build the picture of who is connected to whom: CSE teams, supervisors, analysts."""
    return scope.has(Role.CSE_TEAM_MEMBER, Role.SUPERVISOR, Role.INTELLIGENCE_ANALYST)


def may_record_sightings(scope: Scope) -> bool:
    """Who may link a child they can see to a place, person or vehicle they were found or seen with, and
    record the place or vehicle first: those who record links, and missing person coordinators (where a
    missing child was found). Coordinators do not import files, review pairs or merge people."""
    return may_record_links(scope) or scope.has(Role.MISSING_PERSON_COORDINATOR)


def may_search_people(scope: Scope) -> bool:
    """Everyone whose work involves named children; not partner reporters, administrators or chief officers."""
    return scope.works_with_named_children


class PersonRule:
    """People are seen by those who work with named children in the district where the person is known.

    Force-wide teams (intelligence, Hi-Tech Crime Unit, communications room) cover every district.
    System administrators, chief officers and partner reporters see no one. A person known only from
    police intelligence (``Person.known_only_from_intelligence``) is seen only by those whose scope sees
    police intelligence: to anyone else their very existence would say what intelligence holds. The
    intelligence app widens this (``extend_visibility``) for partners once a release names the person.
    """

    def condition(self, scope: Scope) -> Q:
        if not scope.works_with_named_children or not scope.district_ids:
            return NOTHING
        if scope.sees_police_intelligence:
            return Q(district_id__in=scope.district_ids)
        return Q(district_id__in=scope.district_ids, known_only_from_intelligence=False)

    def emergency_limit(self, scope: Scope) -> Q:
        """Emergency access never opens a person known only from police intelligence to someone whose
        scope does not see it (the grant is made and reviewed as ever; the record stays not found)."""
        if scope.sees_police_intelligence:
            return Q()
        return Q(known_only_from_intelligence=False)

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        if action == Action.CHANGE:
            return may_record_sightings(scope)
        if action in {Action.MERGE, Action.EXPORT}:
            return may_record_links(scope)
        return False


class LinkRule:
    """Links are seen by those who work with named children; police intelligence only by those whose
    scope sees it (``Scope.sees_police_intelligence``).

    A link is police intelligence when it is flagged as coming from intelligence or carries a grade
    (3x5x2, or an older 5x5x5 grade). Those who may not see it get nothing of it: not the link, its
    grade, what is at the other end, nor a count. Who is at either end is the person rule's business:
    the pages that show links show only people the user may see.
    """

    def condition(self, scope: Scope) -> Q:
        if not scope.works_with_named_children:
            return NOTHING
        if scope.sees_police_intelligence:
            # Every link. Not an empty Q: the policy ORs conditions, and an empty Q would vanish.
            return Q(pk__isnull=False)
        return NOT_POLICE_INTELLIGENCE

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        # Links are changed only through the people at either end (people.services.record_link).
        return False


def _known_outside_intelligence() -> Q:
    """Things at one end of a link that is not police intelligence."""
    ordinary = Link.objects.filter(NOT_POLICE_INTELLIGENCE)
    return Q(Exists(ordinary.filter(source_id=OuterRef("entity_id")))) | Q(
        Exists(ordinary.filter(target_id=OuterRef("entity_id")))
    )


class ThingRule:
    """Vehicles, phones and online accounts are seen by those who work with named children, as the links
    to them are; one known only from police intelligence only by those whose scope sees intelligence
    (its very existence would tell the rest what intelligence holds).

    Who is linked to a thing is the person and link rules' business: a thing's page lists only the
    links and people the viewer may see.
    """

    def condition(self, scope: Scope) -> Q:
        if not scope.works_with_named_children:
            return NOTHING
        if scope.sees_police_intelligence:
            return Q(pk__isnull=False)
        return _known_outside_intelligence()

    def allows(self, scope: Scope, action: Action, obj: Any) -> bool:
        # Things change only through the links made to them (people.services.record_link).
        return False


class PlaceRule(ThingRule):
    """Places as things (hotels, takeaways, parks...), except that a home is seen, like the people who live
    there, only in the districts the user works in. A place is also known outside intelligence when an
    agency's record gives it as someone's address."""

    def condition(self, scope: Scope) -> Q:
        if not scope.works_with_named_children:
            return NOTHING
        where = ~Q(kind__in=HOMES) | Q(district_id__in=scope.district_ids)
        if scope.sees_police_intelligence:
            return where
        an_address = Q(Exists(IdentityAddress.objects.filter(location_id=OuterRef("pk"))))
        return where & (_known_outside_intelligence() | an_address)
