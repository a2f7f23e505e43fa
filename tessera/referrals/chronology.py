"""Referrals and triage decisions in a case's chronology, as far as the viewer may see them."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse

from tessera.access.policy import visible_to
from tessera.accounts.models import Actor
from tessera.cases.chronology import person_name
from tessera.cases.models import Case
from tessera.cases.registry import ChronologyEntry
from tessera.referrals.models import Decision, Referral
from tessera.referrals.warning_signs import WarningSign

PERSON_COLUMNS = ("first_name", "last_name", "username")
KINDS = {"referral": "Referrals", "decision": "Triage decisions"}


def referral_entries(user: Actor, case: Case) -> Iterable[ChronologyEntry]:
    """Referrals linked to the case, and any other referral about the same child the viewer may see."""
    about = Q(case_id=case.pk)
    if case.child_id is not None:
        about |= Q(child_id=case.child_id)
    rows = (
        visible_to(user, Referral)
        .filter(about)
        .values(
            "pk",
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
    decisions = dict(Decision.choices)
    # One reverse() for the pattern rather than one per referral.
    pattern = reverse("referrals:referral_detail", kwargs={"pk": 0}).replace("/0/", "/{}/")
    for row in rows:
        href = pattern.format(row["pk"])
        signs = ", ".join(labels.get(sign, sign) for sign in row["warning_signs"] or [])
        facts = [("Reference", row["reference"])]
        if signs:
            facts.append(("Warning signs", signs))
        if row["where"]:
            facts.append(("Where", row["where"]))
        yield ChronologyEntry(
            at=row["received_at"],
            kind="referral",
            title="Concern reported" + (" through a partner scheme" if row["from_partner_scheme"] else ""),
            agency=row["referrer_agency__name"] or "Agency not recorded",
            by=person_name(row, "referred_by"),
            detail=row["what_was_seen"],
            href=href,
            facts=tuple(facts),
        )
        if row["decided_at"]:
            facts = [("Reference", row["reference"])]
            if row["decision_late_reason"]:
                facts.append(("Why it was late", row["decision_late_reason"]))
            yield ChronologyEntry(
                at=row["decided_at"],
                kind="decision",
                title=f"Triage decision: {decisions.get(row['decision'], row['decision'])}",
                agency=row["decided_agency__name"] or "Agency not recorded",
                by=person_name(row, "decided_by"),
                detail=row["decision_reason"],
                href=href,
                facts=tuple(facts),
            )
