"""Facts from the record on an assessment: which are offered to a user, and confirming or rejecting one.

The offer is worked out afresh for whoever looks (``facts_offered``), from every registered source, so
each user is offered only what they may see, and a fact recorded after the assessment started is offered
too. A decision names the fact by its key and is checked against what that user is offered, so nobody
can confirm a fact they could not see.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from tessera.accounts.models import Actor, User
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.core.models import Agency
from tessera.people.models import Person
from tessera.risk.facts import OfferedIndicator, RecordFact, fact_sources, offered_indicators
from tessera.risk.models import FactDecision, RecordFactDecision, RiskAssessment
from tessera.risk.services import _require_editable, add_observation


def child_ids(assessment: RiskAssessment) -> list[int]:
    """The child's record and any merged into it: facts recorded against either are the child's."""
    absorbed = Person.objects.filter(merged_into_id=assessment.child_id).values_list("pk", flat=True)
    return [assessment.child_id, *absorbed]


def facts_offered(user: Actor, assessment: RiskAssessment) -> list[OfferedIndicator]:
    """Facts the user may see about the child, not yet decided on this assessment, newest first."""
    ids = child_ids(assessment)
    facts: list[RecordFact] = []
    for source in fact_sources().values():
        facts.extend(source(user, ids))
    definition = assessment.instrument_version.instrument
    return offered_indicators(
        facts,
        indicators=[i.code for i in definition.indicators],
        assessed_on=assessment.assessed_on,
        decided=assessment.fact_decisions.values_list("fact_key", flat=True),
    )


def _offered(user: User, assessment: RiskAssessment, key: str) -> OfferedIndicator:
    for offer in facts_offered(user, assessment):
        if offer.fact.key == key:
            return offer
    raise ValidationError("This fact is no longer offered: it has been decided, or you cannot see it")


def _decide(
    user: User, assessment: RiskAssessment, offer: OfferedIndicator, decision: FactDecision
) -> RecordFactDecision:
    fact = offer.fact
    try:
        with transaction.atomic():
            return RecordFactDecision.objects.create(
                assessment=assessment,
                fact_key=fact.key,
                indicator=offer.indicator,
                fact_on=fact.on,
                source_label=fact.source_label[:300],
                source_url=fact.source_url[:300],
                summary=fact.summary,
                decision=decision,
                decided_by=user,
                decided_at=timezone.now(),
            )
    except IntegrityError:
        # Someone decided the same fact a moment before: theirs stands.
        raise ValidationError("This fact has just been decided by someone else") from None


@transaction.atomic
def confirm_fact(
    user: User, assessment: RiskAssessment, key: str, *, request: HttpRequest | None = None
) -> RecordFactDecision:
    """The assessor confirms a fact: it is recorded as an observation, with the record as its evidence."""
    _require_editable(user, assessment)
    offer = _offered(user, assessment, key)
    fact = offer.fact
    decision = _decide(user, assessment, offer, FactDecision.CONFIRMED)
    agency = Agency.objects.filter(pk=fact.agency_id).first() if fact.agency_id else user.agency
    if agency is None:
        raise ValidationError("The record names no agency, and your account has none to record it under")
    decision.observation = add_observation(
        user,
        assessment,
        indicator=offer.indicator,
        observed_on=fact.on,
        evidence=f"From the record: {fact.summary} ({fact.source_label})",
        source_agency=agency,
        request=request,
    )
    decision.save(update_fields=["observation", "updated_at"])
    return decision


@transaction.atomic
def reject_fact(
    user: User, assessment: RiskAssessment, key: str, *, request: HttpRequest | None = None
) -> RecordFactDecision:
    """The assessor rejects a fact: it is not offered again on this assessment, and the rejection is kept."""
    _require_editable(user, assessment)
    offer = _offered(user, assessment, key)
    decision = _decide(user, assessment, offer, FactDecision.REJECTED)
    record_access(
        actor=user,
        action=AuditAction.CHANGE,
        target=assessment,
        request=request,
        details={"fact": key, "indicator": offer.indicator, "decision": "rejected"},
    )
    return decision
