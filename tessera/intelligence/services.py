"""Writing intelligence: submitting a report, grading it, naming its subjects, releasing it to partners.

Each change is one transaction with its access-log row; a change made from a form carries the version
the form was opened at, so a stale save is refused (``tessera.audit.versioning``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.policy import Action, require
from tessera.access.scope import scope_of
from tessera.accounts.models import User
from tessera.audit.log import record_access, target_type_of
from tessera.audit.models import AuditAction
from tessera.core.models import District
from tessera.intelligence.grading import PARTNER_DEFAULT, Grade
from tessera.intelligence.models import IntelligenceReport, ReportStatus, ReportSubject, SubjectRole
from tessera.intelligence.rules import may_evaluate, may_submit
from tessera.people.models import Location, OnlineAccount, Person, Phone, PoleEntity, Vehicle

PoleThing = Person | Vehicle | Phone | OnlineAccount | Location


@dataclass(frozen=True)
class Subject:
    """A person or thing a report names, and in what role."""

    thing: PoleThing
    role: SubjectRole = SubjectRole.MENTIONED


def _entity_of(thing: PoleThing | PoleEntity) -> PoleEntity:
    if isinstance(thing, PoleEntity):
        return thing
    return thing.entity


def _as_subjects(subjects: Sequence[Subject | PoleThing]) -> list[Subject]:
    return [s if isinstance(s, Subject) else Subject(s) for s in subjects]


def _people_named(subjects: Sequence[Subject]) -> list[int]:
    return [s.thing.pk for s in subjects if isinstance(s.thing, Person)]


@transaction.atomic
def submit_intelligence(
    author: User,
    *,
    text: str,
    subjects: Sequence[Subject | PoleThing] = (),
    source: models.Model | None = None,
    source_label: str = "",
    occurred_on: date | None = None,
    district: District | None = None,
    grade: Grade | None = None,
    request: HttpRequest | None = None,
) -> IntelligenceReport:
    """A new intelligence report (or, for a ``source`` already reported, the report made from it).

    The contract with the apps that pass on what partners are told is /work/wt/CONTRACT-intelligence.md:
    a disclosure becomes a report graded ``PARTNER_DEFAULT`` awaiting evaluation; an analyst's own report
    with a grade is evaluated as written.
    """
    scope = scope_of(author)
    if not may_submit(scope):
        raise PermissionDenied("Your role does not submit intelligence")
    if author.agency is None:
        raise PermissionDenied("Intelligence is submitted for an agency, and your account belongs to none")
    text = (text or "").strip()
    if not text:
        raise ValidationError("Write what was seen, heard or said: the report's text is empty.")
    source_type = target_type_of(source) if source is not None else ""
    source_id = source.pk if source is not None else None
    if source is not None and source_id is None:
        raise ValueError("The source record must be saved before a report is made from it")
    if source_id is not None:
        existing = IntelligenceReport.objects.filter(source_type=source_type, source_id=source_id).first()
        if existing is not None:
            return existing
    chosen = _as_subjects(subjects)
    for subject in chosen:
        # A person the author may not see answers 404, as everywhere: their existence is not confirmed.
        if isinstance(subject.thing, Person):
            require(author, Action.VIEW, subject.thing)
    if district is None:
        district = next((s.thing.district for s in chosen if isinstance(s.thing, Person)), None)
    evaluated = grade is not None and may_evaluate(scope)
    grade = grade or PARTNER_DEFAULT
    now = timezone.now()
    try:
        with transaction.atomic():
            report = IntelligenceReport.objects.create(
                author=author,
                agency=author.agency,
                district=district,
                text=text,
                occurred_on=occurred_on,
                source_evaluation=grade.source_evaluation,
                intelligence_assessment=grade.intelligence_assessment,
                handling_code=grade.handling_code,
                status=ReportStatus.EVALUATED if evaluated else ReportStatus.AWAITING_EVALUATION,
                evaluated_by=author if evaluated else None,
                evaluated_at=now if evaluated else None,
                source_type=source_type,
                source_id=source_id,
                source_label=source_label[:200],
            )
    except IntegrityError:
        # Another request made the report from the same source a moment ago: that one stands.
        if source_id is None:
            raise
        return IntelligenceReport.objects.get(source_type=source_type, source_id=source_id)
    seen: set[int] = set()
    for subject in chosen:
        entity = _entity_of(subject.thing)
        if entity.pk in seen:
            continue
        seen.add(entity.pk)
        ReportSubject.objects.create(report=report, entity=entity, role=subject.role, added_by=author)
    record_access(
        actor=author,
        action=AuditAction.CREATE,
        target=report,
        request=request,
        details={
            "grade": report.grade_code,
            "subjects": sorted(seen),
            **({"source": f"{source_type}:{source_id}"} if source_id is not None else {}),
        },
        shown={"people.person": _people_named(chosen)},
    )
    return report
