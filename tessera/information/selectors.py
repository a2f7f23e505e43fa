"""Reads for retention review and subject access: the person through the access policy, then everything
recorded about them.

A subject access request covers everything Tessera holds about a person, whoever recorded it, so once the
person is reached through the policy (``visible_to``: the data protection officer sees every person not
restricted from them), their cases, referrals, assessments and log entries are read here directly.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest

from tessera.access.policy import get_visible_or_404, visible_to
from tessera.access.reads import log_opened
from tessera.access.scope import scope_of
from tessera.accounts.roles import Role
from tessera.audit.log import record_access, record_list_view
from tessera.audit.models import AuditAction
from tessera.cases.models import Case
from tessera.information import retention
from tessera.information.models import Erasure, RetentionDecision
from tessera.people.models import Link, Person
from tessera.referrals.models import Referral
from tessera.risk.models import RiskAssessment


def is_data_protection_officer(user: Any) -> bool:
    return scope_of(user).has(Role.DATA_PROTECTION_OFFICER)


def person_for_information_rights(user: Any, pk: int) -> Person:
    return get_visible_or_404(
        user, Person.objects.select_related("district").filter(merged_into__isnull=True), pk=pk
    )


def dated_records(person: Person) -> list[retention.DatedRecord]:
    """Each record about the person, with the date its retention period runs from."""
    records = [
        retention.DatedRecord("referral", received.date())
        for received in Referral.objects.filter(child=person).values_list("received_at", flat=True)
    ]
    for opened, closed in Case.objects.filter(child=person).values_list("opened_at", "closed_at"):
        records.append(retention.DatedRecord("case", (closed or opened).date()))
    records += [
        retention.DatedRecord("risk_assessment", assessed)
        for assessed in RiskAssessment.objects.filter(child=person).values_list("assessed_on", flat=True)
    ]
    intelligence = Link.objects.filter(Q(source_id=person.entity_id) | Q(target_id=person.entity_id)).filter(
        Q(from_intelligence=True) | ~Q(source_evaluation="") | ~Q(legacy_grade="")
    )
    records += [
        retention.DatedRecord("police_intelligence", created.date())
        for created in intelligence.values_list("created_at", flat=True)
    ]
    return records


@dataclass(frozen=True)
class RetentionPosition:
    person: Person
    records: list[retention.DatedRecord]
    schedule_date: datetime.date
    rule: retention.RetentionRule
    decision: RetentionDecision | None
    erasure: Erasure | None

    @property
    def review_on(self) -> datetime.date:
        """A reviewed decision, where there is one, says otherwise than the schedule."""
        return self.decision.review_on if self.decision else self.schedule_date

    def is_due(self, today: datetime.date) -> bool:
        return self.erasure is None and self.review_on <= today

    def counts(self) -> list[tuple[str, int]]:
        by_kind: dict[str, int] = {}
        for record in self.records:
            by_kind[record.kind] = by_kind.get(record.kind, 0) + 1
        return [(retention.SCHEDULE[kind].label, count) for kind, count in by_kind.items()]


def retention_position(person: Person) -> RetentionPosition:
    records = dated_records(person)
    first_recorded = person.identities.order_by("received_at").values_list("received_at", flat=True).first()
    latest = person.identities.order_by("-received_at").values_list("received_at", flat=True).first()
    fallback = (latest or first_recorded or person.created_at).date()
    return RetentionPosition(
        person=person,
        records=records,
        schedule_date=retention.review_date_of_person(records, fallback=fallback),
        rule=retention.governing_rule(records),
        decision=RetentionDecision.objects.filter(person=person).select_related("decided_by").first(),
        erasure=Erasure.objects.filter(person=person).select_related("erased_by").first(),
    )


def decisions_of(person: Person) -> QuerySet[RetentionDecision]:
    return RetentionDecision.objects.filter(person=person).select_related("decided_by")


def _has_exploitation_record() -> Q:
    return Q(referrals__isnull=False) | Q(cases__isnull=False) | Q(risk_assessments__isnull=False)


def due_for_review(user: Any, today: datetime.date, limit: int = 100) -> list[RetentionPosition]:
    """People whose records are due for review today: by a reviewed decision's date, or by the schedule
    (partner records only, six years after the latest arrived; exploitation records, 75 years)."""
    people = visible_to(user, Person.objects.filter(merged_into__isnull=True)).exclude(
        pk__in=Erasure.objects.values("person")
    )
    decided_due = RetentionDecision.objects.filter(review_on__lte=today).values("person")
    partner_cutoff = retention.add_years(today, -retention.SCHEDULE["partner_record"].years)
    exploitation_cutoff = retention.add_years(today, -retention.SCHEDULE["referral"].years)
    candidates = (
        people.filter(
            Q(pk__in=decided_due)
            | (~_has_exploitation_record() & Q(identities__received_at__date__lte=partner_cutoff))
            | Q(cases__opened_at__date__lte=exploitation_cutoff)
        )
        .distinct()
        .order_by("pk")[: limit * 3]
    )
    due = []
    for person in candidates:
        position = retention_position(person)
        if position.is_due(today):
            due.append(position)
        if len(due) == limit:
            break
    return due


def find_people(user: Any, *, family_name: str, date_of_birth: datetime.date | None) -> QuerySet[Person]:
    """The people a subject access request could be about: family name (current or in any source record)
    and, when given, date of birth."""
    people = visible_to(user, Person.objects.filter(merged_into__isnull=True))
    found = people.filter(
        Q(family_name__iexact=family_name) | Q(identities__family_name__iexact=family_name)
    ).distinct()
    if date_of_birth:
        found = found.filter(
            Q(date_of_birth=date_of_birth) | Q(identities__date_of_birth=date_of_birth)
        ).distinct()
    return found.select_related("district").order_by("family_name", "given_name", "pk")[:50]


def show_person(user: Any, person: Person, *, via: HttpRequest | None) -> RetentionPosition:
    """The person's retention position, put in front of the user: logged as a view of the person."""
    log_opened(user, person, via=via)
    return retention_position(person)


def list_due(user: Any, today: datetime.date, *, via: HttpRequest | None) -> list[RetentionPosition]:
    """The review list, logged as a list naming the people on it."""
    due = due_for_review(user, today)
    ids = [position.person.pk for position in due]
    record_list_view(
        user, via, list_name="retention reviews due", target_type="people.person", ids=ids, people=ids
    )
    return due


def search_for_request(
    user: Any, *, family_name: str, date_of_birth: datetime.date | None, via: HttpRequest | None
) -> list[Person]:
    """The people a subject access request could be about, logged as a search showing them."""
    found = list(find_people(user, family_name=family_name, date_of_birth=date_of_birth))
    record_access(
        actor=user,
        action=AuditAction.SEARCH,
        target_type="people.person",
        request=via,
        details={"purpose": "subject access", "found": len(found)},
        shown={"people.person": [p.pk for p in found]},
    )
    return found
