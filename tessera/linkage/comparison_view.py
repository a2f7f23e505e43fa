"""Two source records side by side, field by field, with each field's agreement under the model."""

from __future__ import annotations

from dataclasses import dataclass

from tessera.linkage.features import record_features
from tessera.linkage.scoring import FieldVerdict, score
from tessera.linkage.search import active_weights
from tessera.people.match_index import identity_record
from tessera.people.models import SourceIdentity


@dataclass(frozen=True)
class Row:
    label: str
    left: str
    right: str
    verdict: FieldVerdict | None


def _latest_address(identity: SourceIdentity):  # type: ignore[no-untyped-def]
    addresses = list(identity.addresses.all())
    return addresses[0] if addresses else None


def side_by_side(left: SourceIdentity, right: SourceIdentity) -> list[Row]:
    left_address, right_address = _latest_address(left), _latest_address(right)
    result = score(
        record_features(identity_record(left, left_address)),
        record_features(identity_record(right, right_address)),
        active_weights(),
    )
    verdicts = {v.comparison: v for v in result.fields}

    def names(identity: SourceIdentity) -> str:
        return ", ".join(identity.other_names or []) or "None recorded"

    def dob(identity: SourceIdentity) -> str:
        return identity.date_of_birth.strftime("%d %B %Y") if identity.date_of_birth else "Not recorded"

    def address(identity_address) -> str:  # type: ignore[no-untyped-def]
        return str(identity_address.location) if identity_address else "Not recorded"

    def identifiers(identity: SourceIdentity) -> str:
        parts = [
            f"{label} {value}"
            for label, value in (
                ("NHS", identity.nhs_number),
                ("UPN", identity.pupil_number),
                ("Police", identity.police_person_id),
                ("LA", identity.la_person_id),
            )
            if value
        ]
        return "; ".join(parts) or "None recorded"

    return [
        Row("Recorded by", f"{left.agency.name} ({left.source_system} {left.source_record_id})",
            f"{right.agency.name} ({right.source_system} {right.source_record_id})", None),
        Row("First name", left.given_name or "Not recorded", right.given_name or "Not recorded", verdicts["given_name"]),
        Row("Last name", left.family_name or "Not recorded", right.family_name or "Not recorded", verdicts["family_name"]),
        Row("Other names", names(left), names(right), None),
        Row("Date of birth", dob(left), dob(right), verdicts["dob"]),
        Row("Sex", left.get_sex_display(), right.get_sex_display(), verdicts["sex"]),
        Row("Address", address(left_address), address(right_address), verdicts["address"]),
        Row("Identifiers", identifiers(left), identifiers(right), verdicts["identifiers"]),
    ]  # fmt: skip
