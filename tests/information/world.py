"""A child with something of every kind on record, and a partner-only person long past review."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from tessera.core.models import Agency
from tessera.people.models import LinkKind, SourceIdentity
from tessera.people.services import IntelligenceGrade, record_link
from tests.cases.world import rotherham_case_world
from tests.conftest import make_person
from tests.risk.world import assess


def information_world(cast: dict[str, Any]) -> SimpleNamespace:
    child = make_person("rotherham", given="Kayleigh", family="Thornley")
    casework = rotherham_case_world(cast, child=child)
    adult = make_person("rotherham", given="Darren", family="Coldwell")
    friend = make_person("rotherham", given="Ellie", family="Marr")
    police = Agency.objects.get(code="police")
    record_link(
        cast["cse.rotherham"],
        source=child,
        target=adult,
        kind=LinkKind.SUSPECTED_EXPLOITER,
        agency=police,
        grade=IntelligenceGrade("2", "B", "C"),
    )
    record_link(cast["cse.rotherham"], source=child, target=friend, kind=LinkKind.ASSOCIATE, agency=police)
    assessment = assess(cast["cse.rotherham"], child, [("staying_out_late", 20)])
    old = make_person("sheffield", given="Jodie", family="Pennock")
    SourceIdentity.objects.filter(person=old).update(received_at=timezone.now() - timedelta(days=365 * 7))
    return SimpleNamespace(
        child=child,
        adult=adult,
        friend=friend,
        case=casework.case,
        referral=casework.referral,
        action=casework.action,
        assessment=assessment,
        old=old,
    )
