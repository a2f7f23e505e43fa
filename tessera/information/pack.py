"""The subject access pack: everything Tessera holds about a person, with every redaction and its reason.

``gather`` reads the records (through ``selectors``' person); ``redact_link`` and friends decide what the
requester may not see, as pure functions over plain values, so each rule is tested without a database.
The pack is plain data (sections of rows) that becomes both the JSON file and the PDF.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from django.db.models import Q
from django.utils import timezone

from tessera.audit.selectors import looks_at
from tessera.cases.models import Case
from tessera.people.models import Link, Person, PersonMerge
from tessera.referrals.models import Referral
from tessera.risk.models import RiskAssessment

# Reasons, in the words a disclosure letter uses.
THIRD_PARTY = (
    "Another person's personal data: withheld to protect the rights and freedoms of others "
    "(DPA 2018 s45(4)(e); UK GDPR art. 15(4))"
)
POLICE_INTELLIGENCE = (
    "Police intelligence: withheld to avoid prejudicing the prevention, investigation or detection of "
    "crime (DPA 2018 s45(4)(b))"
)
STAFF_IN_LOG = (
    "Names of staff who opened the record are withheld; the agency is given as the recipient "
    "(DPA 2018 s45(2)(e): recipients or categories of recipient)"
)
PARTNER_REPORTER = (
    "The name of the member of the public or partner business who reported the concern: withheld to "
    "protect the rights and freedoms of others (DPA 2018 s45(4)(e))"
)
WITHHELD = "[withheld]"


@dataclass
class Redaction:
    section: str
    item: str
    what: str
    reason: str


@dataclass
class Section:
    title: str
    rows: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Pack:
    person_id: int
    produced_at: str
    produced_by: str
    sections: list[Section]
    redactions: list[Redaction]

    def as_json(self) -> dict[str, Any]:
        return asdict(self)


def _day(value: Any) -> str:
    if value is None:
        return ""
    if hasattr(value, "tzinfo"):
        return timezone.localtime(value).strftime("%-d %B %Y %H:%M")
    return str(value.strftime("%-d %B %Y"))


def is_police_intelligence(*, from_intelligence: bool, source_evaluation: str, legacy_grade: str) -> bool:
    return from_intelligence or bool(source_evaluation) or bool(legacy_grade)


def redact_link(
    row: dict[str, str], *, intelligence: bool, other_is_person: bool
) -> tuple[dict[str, str] | None, list[tuple[str, str]]]:
    """A link as the requester may see it: police intelligence is withheld whole; the other person in an
    ordinary link is not named. Returns the row (None when withheld) and (what, reason) pairs."""
    if intelligence:
        return None, [("a link recorded from police intelligence", POLICE_INTELLIGENCE)]
    if other_is_person:
        return {**row, "with": WITHHELD}, [("the other person's name", THIRD_PARTY)]
    return row, []


def redact_referral(
    row: dict[str, str], *, from_partner_scheme: bool
) -> tuple[dict[str, str], list[tuple[str, str]]]:
    if from_partner_scheme:
        return {**row, "reported by": WITHHELD}, [("the reporter's name", PARTNER_REPORTER)]
    return row, []


def redact_log_entry(row: dict[str, str]) -> dict[str, str]:
    return {**row, "who": WITHHELD}


def _person_section(person: Person) -> Section:
    rows = [
        {
            "name": person.full_name,
            "date of birth": _day(person.date_of_birth),
            "sex": person.get_sex_display(),
            "district": str(person.district or ""),
            "Tessera person number": str(person.pk),
        }
    ]
    return Section("Person", rows)


def _identities_section(person: Person) -> Section:
    rows = []
    for identity in person.identities.select_related("agency").prefetch_related("addresses__location"):
        addresses = "; ".join(str(a.location) for a in identity.addresses.all())
        rows.append(
            {
                "from": f"{identity.agency} ({identity.source_system}, record {identity.source_record_id})",
                "received": _day(identity.received_at),
                "name": " ".join(
                    p for p in (identity.given_name, identity.middle_names, identity.family_name) if p
                ),
                "other names": ", ".join(identity.other_names),
                "date of birth": _day(identity.date_of_birth),
                "sex": identity.get_sex_display(),
                "ethnicity": identity.get_ethnicity_display(),
                "identifiers": ", ".join(
                    f"{label} {value}"
                    for label, value in (
                        ("NHS number", identity.nhs_number),
                        ("police ID", identity.police_person_id),
                        ("pupil number", identity.pupil_number),
                        ("local authority ID", identity.la_person_id),
                    )
                    if value
                ),
                "addresses": addresses,
            }
        )
    return Section("What each agency's system says", rows)


def _links_section(person: Person, redactions: list[Redaction]) -> Section:
    section = Section("Links to people, places and things")
    links = Link.objects.filter(Q(source_id=person.entity_id) | Q(target_id=person.entity_id)).select_related(
        "agency", "source", "target"
    )
    for link in links.order_by("created_at", "pk"):
        other = link.target if link.source_id == person.entity_id else link.source
        row = {
            "kind": link.get_kind_display(),
            "with": other.get_kind_display(),
            "from": _day(link.started_on),
            "to": _day(link.ended_on),
            "recorded by": str(link.agency),
        }
        intelligence = is_police_intelligence(
            from_intelligence=link.from_intelligence,
            source_evaluation=link.source_evaluation,
            legacy_grade=link.legacy_grade,
        )
        shown, withheld = redact_link(row, intelligence=intelligence, other_is_person=other.kind == "person")
        if shown is not None and other.kind != "person":
            shown["with"] = f"{other.get_kind_display()}: {other}"
        if shown is not None:
            section.rows.append(shown)
        redactions += [Redaction(section.title, f"link {link.pk}", what, why) for what, why in withheld]
    return section


def _referrals_section(person: Person, redactions: list[Redaction]) -> Section:
    section = Section("Concerns reported (referrals)")
    for referral in Referral.objects.filter(child=person).select_related("referred_by", "referrer_agency"):
        row = {
            "reference": referral.reference,
            "received": _day(referral.received_at),
            "what was seen or heard": referral.what_was_seen,
            "where": referral.where,
            "reported by": referral.referred_by.get_full_name(),
            "agency": str(referral.referrer_agency or ""),
            "decision": referral.get_decision_display() if referral.decision else "",
            "why": referral.decision_reason,
        }
        shown, withheld = redact_referral(row, from_partner_scheme=referral.from_partner_scheme)
        section.rows.append(shown)
        redactions += [Redaction(section.title, referral.reference, what, why) for what, why in withheld]
    return section


def _cases_section(person: Person) -> list[Section]:
    cases, actions, meetings, support = (
        Section("Cases"),
        Section("Actions"),
        Section("Strategy discussions and conferences"),
        Section("Support given"),
    )
    for case in Case.objects.filter(child=person).select_related("district", "lead_professional"):
        cases.rows.append(
            {
                "reference": case.reference,
                "district": str(case.district),
                "opened": _day(case.opened_at),
                "closed": _day(case.closed_at),
                "status": case.get_status_display(),
                "track": case.get_track_display(),
                "lead professional": case.lead_professional.get_full_name(),
                "outcome": case.outcome_detail,
            }
        )
        for action in case.actions.select_related("owner").order_by("due_on"):
            actions.rows.append(
                {
                    "case": case.reference,
                    "what needs doing": action.description,
                    "owner": action.owner.get_full_name(),
                    "due": _day(action.due_on),
                    "status": action.get_status_display(),
                }
            )
        for discussion in case.strategy_discussions.order_by("held_on"):
            meetings.rows.append(
                {
                    "case": case.reference,
                    "meeting": "Strategy discussion",
                    "held on": _day(discussion.held_on),
                    "information shared": discussion.information_shared,
                    "immediate safety actions": discussion.immediate_safety_actions,
                }
            )
        for conference in case.conferences.order_by("held_on"):
            meetings.rows.append(
                {
                    "case": case.reference,
                    "meeting": "Initial conference" if conference.initial else "Review conference",
                    "held on": _day(conference.held_on),
                    "decisions": conference.notes,
                }
            )
        for record in case.support_records.select_related("agency").order_by("started_on"):
            support.rows.append(
                {
                    "case": case.reference,
                    "agency": str(record.agency),
                    "what was received": record.description,
                    "how often": record.frequency,
                    "started": _day(record.started_on),
                    "in the child's own words": record.child_words,
                }
            )
    return [cases, actions, meetings, support]


def _assessments_section(person: Person) -> Section:
    section = Section("Risk assessments")
    for assessment in RiskAssessment.objects.filter(child=person).order_by("assessed_on"):
        section.rows.append(
            {
                "assessed on": _day(assessment.assessed_on),
                "status": assessment.get_status_display(),
                "level": str(assessment.final_level or assessment.computed_level or ""),
                "reasons": "; ".join(str(r) for r in assessment.reasons),
            }
        )
    return section


def _merges_section(person: Person) -> Section:
    section = Section("Records joined or separated")
    for merge in PersonMerge.objects.filter(Q(survivor=person) | Q(absorbed=person)).order_by("decided_at"):
        section.rows.append(
            {
                "decided": _day(merge.decided_at),
                "reason": merge.reason,
                "undone": _day(merge.undone_at),
            }
        )
    return section


def _access_log_section(person: Person, redactions: list[Redaction]) -> Section:
    section = Section("Who has opened or shown this record")
    entries = reversed(looks_at("people.person", person.pk, limit=5000))
    for entry in entries:
        section.rows.append(
            redact_log_entry(
                {
                    "when": _day(entry.at),
                    "what": entry.get_action_display(),
                    "who": entry.actor_username,
                    "agency": entry.actor_agency,
                }
            )
        )
    if section.rows:
        redactions.append(
            Redaction(section.title, f"{len(section.rows)} entries", "staff names", STAFF_IN_LOG)
        )
    return section


def gather(person: Person, *, produced_by: str) -> Pack:
    redactions: list[Redaction] = []
    sections = [
        _person_section(person),
        _identities_section(person),
        _links_section(person, redactions),
        _referrals_section(person, redactions),
        *_cases_section(person),
        _assessments_section(person),
        _merges_section(person),
        _access_log_section(person, redactions),
    ]
    return Pack(
        person_id=person.pk,
        produced_at=_day(timezone.now()),
        produced_by=produced_by,
        sections=sections,
        redactions=redactions,
    )
