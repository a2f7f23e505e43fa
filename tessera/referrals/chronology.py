"""Referrals and triage decisions in a case's chronology, as far as the viewer may see them."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Q
from django.urls import reverse

from tessera.access.policy import visible_to
from tessera.cases.models import Case
from tessera.cases.registry import ChronologyEntry
from tessera.referrals.models import Referral
from tessera.referrals.warning_signs import WarningSign

PERSON_COLUMNS = ("first_name", "last_name", "username")
KINDS = {"referral": "Referrals", "decision": "Triage decisions"}


def referral_entries(user: Any, case: Case) -> Iterable[ChronologyEntry]:
    """Referrals linked to the case, and any other referral about the same child the viewer may see."""
    about = Q(case_id=case.pk)
    if case.child_id is not None:
        about |= Q(child_id=case.child_id)
    referrals = (
        visible_to(user, Referral)
        .filter(about)
        .select_related("referred_by", "referrer_agency", "decided_by", "decided_agency")
        .only(
            "reference",
            "warning_signs",
            "where",
            "what_was_seen",
            "received_at",
            "from_partner_scheme",
            "decision",
            "decision_reason",
            "decision_late_reason",
            "decided_at",
            "referrer_agency__name",
            "decided_agency__name",
            *[f"{who}__{column}" for who in ("referred_by", "decided_by") for column in PERSON_COLUMNS],
        )
    )
    labels = dict(WarningSign.choices)
    # One reverse() for the pattern rather than one per referral.
    pattern = reverse("referrals:referral_detail", kwargs={"pk": 0}).replace("/0/", "/{}/")
    for referral in referrals:
        href = pattern.format(referral.pk)
        signs = ", ".join(labels.get(sign, sign) for sign in referral.warning_signs)
        facts = [("Reference", referral.reference)]
        if signs:
            facts.append(("Warning signs", signs))
        if referral.where:
            facts.append(("Where", referral.where))
        yield ChronologyEntry(
            at=referral.received_at,
            kind="referral",
            title="Concern reported" + (" through a partner scheme" if referral.from_partner_scheme else ""),
            agency=str(referral.referrer_agency or "Agency not recorded"),
            by=str(referral.referred_by),
            detail=referral.what_was_seen,
            href=href,
            facts=tuple(facts),
        )
        if referral.decided_at:
            facts = [("Reference", referral.reference)]
            if referral.decision_late_reason:
                facts.append(("Why it was late", referral.decision_late_reason))
            yield ChronologyEntry(
                at=referral.decided_at,
                kind="decision",
                title=f"Triage decision: {referral.get_decision_display()}",
                agency=str(referral.decided_agency or "Agency not recorded"),
                by=str(referral.decided_by),
                detail=referral.decision_reason,
                href=href,
                facts=tuple(facts),
            )
