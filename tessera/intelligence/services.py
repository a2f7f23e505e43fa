"""Writing intelligence: submitting a report, grading it, naming its subjects, releasing it to partners.

Each change is one transaction with its access-log row; a change made from a form carries the version
the form was opened at, so a stale save is refused (``tessera.audit.versioning``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, time

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, models, transaction
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.policy import Action, require
from tessera.access.scope import scope_of
from tessera.accounts.models import User
from tessera.audit.log import record_access, target_type_of
from tessera.audit.models import AuditAction
from tessera.audit.versioning import save_changes
from tessera.cases.models import Case
from tessera.core.models import District
from tessera.intelligence.exploitation import GroupMarker, flag_problem, group_based, suspect_detail_problems
from tessera.intelligence.extraction import MentionKind
from tessera.intelligence.grading import PARTNER_DEFAULT, Grade
from tessera.intelligence.models import (
    Crime,
    CrimeSuspect,
    IntelligencePackage,
    IntelligenceReport,
    PackageItem,
    PartnerRelease,
    ReleaseOutcome,
    ReleaseSubject,
    ReportStatus,
    ReportSubject,
    SubjectRole,
)
from tessera.intelligence.rules import may_confirm_subjects, may_evaluate, may_submit
from tessera.people.models import (
    INTELLIGENCE_SOURCE_SYSTEM,
    EntityKind,
    Link,
    Location,
    OnlineAccount,
    Person,
    Phone,
    PoleEntity,
    Vehicle,
)
from tessera.people.pole_services import find_or_record_phone, find_or_record_vehicle
from tessera.people.services import NewIdentity, create_person
from tessera.people.things import age_on

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
    occurred_time: time | None = None,
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
                occurred_time=occurred_time if occurred_on else None,
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


@transaction.atomic
def evaluate_report(
    user: User,
    report: IntelligenceReport,
    *,
    grade: Grade,
    expected_version: int,
    request: HttpRequest | None = None,
) -> IntelligenceReport:
    """An analyst's grade for a report (confirming or changing the default a disclosure came with)."""
    require(user, Action.CHANGE, report)
    save_changes(
        report,
        expected_version=expected_version,
        changes={
            "source_evaluation": grade.source_evaluation,
            "intelligence_assessment": grade.intelligence_assessment,
            "handling_code": grade.handling_code,
            "status": ReportStatus.EVALUATED,
            "evaluated_by": user,
            "evaluated_at": timezone.now(),
        },
        actor=user,
        request=request,
        reason="graded",
    )
    report.refresh_from_db()
    return report


def _check_may_confirm(user: User, report: IntelligenceReport) -> None:
    require(user, Action.VIEW, report)
    if not may_confirm_subjects(scope_of(user)):
        raise PermissionDenied("Your role does not record the people and things a report names")


@transaction.atomic
def add_subject(
    user: User,
    report: IntelligenceReport,
    *,
    thing: PoleThing,
    role: SubjectRole = SubjectRole.MENTIONED,
    request: HttpRequest | None = None,
) -> ReportSubject:
    """Name an existing person or thing as a subject of the report (once; a second time changes nothing)."""
    _check_may_confirm(user, report)
    if isinstance(thing, Person):
        require(user, Action.VIEW, thing)
    shown = {"people.person": [thing.pk] if isinstance(thing, Person) else []}
    return _name_as_subject(user, report, _entity_of(thing), role, request, shown=shown)


def _name_as_subject(
    user: User,
    report: IntelligenceReport,
    entity: PoleEntity,
    role: SubjectRole,
    request: HttpRequest | None,
    *,
    shown: dict[str, list[int]] | None = None,
) -> ReportSubject:
    """The entity as a subject of the report, logged on the report the first time only. The caller has
    checked that the user may (``_check_may_confirm``, and may see a person named)."""
    subject, created = ReportSubject.objects.get_or_create(
        report=report, entity=entity, defaults={"role": role, "added_by": user}
    )
    if created:
        record_access(
            actor=user,
            action=AuditAction.CHANGE,
            target=report,
            request=request,
            details={"subject_added": entity.pk, "role": role},
            shown=shown,
        )
    return subject


@transaction.atomic
def add_subject_entity(
    user: User,
    report: IntelligenceReport,
    *,
    entity_id: int,
    role: SubjectRole = SubjectRole.MENTIONED,
    request: HttpRequest | None = None,
) -> ReportSubject:
    """``add_subject`` for a record chosen on a page by its entity id (the page offered only records the
    user may see; a person is checked again here)."""
    entity = PoleEntity.objects.get(pk=entity_id)
    if entity.kind == EntityKind.PERSON:
        return add_subject(user, report, thing=entity.person, role=role, request=request)
    _check_may_confirm(user, report)
    return _name_as_subject(user, report, entity, role, request)


def _split_name(name: str) -> tuple[str, str]:
    words = name.split()
    if len(words) < 2:
        return name.strip(), ""
    return " ".join(words[:-1]), words[-1]


@transaction.atomic
def record_named_person(
    user: User,
    report: IntelligenceReport,
    *,
    name: str,
    nickname: str = "",
    role: SubjectRole = SubjectRole.MENTIONED,
    request: HttpRequest | None = None,
) -> Person:
    """A person Tessera does not know yet, named in the report: recorded as known only from police
    intelligence (seen by intelligence roles, and by partners once a release names them)."""
    _check_may_confirm(user, report)
    if user.agency is None:
        raise PermissionDenied("Your account belongs to no agency")
    given, family = _split_name(name or nickname)
    if not given:
        raise ValidationError("Give the name (or nickname) the report uses for the person.")
    count = report.subjects.count() + 1
    person, _identity = create_person(
        user,
        district=report.district,
        given_name=given,
        family_name=family,
        date_of_birth=None,
        identity=NewIdentity(
            agency=user.agency,
            source_system=INTELLIGENCE_SOURCE_SYSTEM,
            source_record_id=f"{report.reference}/{count}",
            received_at=timezone.now(),
            fields={
                "given_name": given,
                "family_name": family,
                "other_names": [nickname] if nickname else [],
            },
        ),
        details={"named_in": report.reference},
        request=request,
    )
    add_subject(user, report, thing=person, role=role, request=request)
    return person


@transaction.atomic
def record_named_thing(
    user: User,
    report: IntelligenceReport,
    *,
    kind: MentionKind,
    value: str,
    role: SubjectRole = SubjectRole.MENTIONED,
    request: HttpRequest | None = None,
) -> Vehicle | Phone:
    """The vehicle or phone a report names, found by its registration or number or else recorded."""
    _check_may_confirm(user, report)
    thing: Vehicle | Phone
    if kind == MentionKind.REGISTRATION:
        thing = find_or_record_vehicle(user, registration=value, request=request).thing
    elif kind == MentionKind.PHONE:
        thing = find_or_record_phone(user, number=value, request=request).thing
    else:
        raise ValueError(f"Not a vehicle or phone: {kind}")
    add_subject(user, report, thing=thing, role=role, request=request)
    return thing


def _entities_of_report(report: IntelligenceReport) -> set[int]:
    return set(report.subjects.values_list("entity_id", flat=True))


def _release(
    user: User,
    *,
    report: IntelligenceReport | None,
    package: IntelligencePackage | None,
    district: District,
    sanitised_text: str,
    handling_conditions: str,
    reason: str,
    naming: Sequence[int],
    released_with: PartnerRelease | None,
    request: HttpRequest | None,
) -> PartnerRelease:
    release = PartnerRelease.objects.create(
        report=report,
        package=package,
        outcome=ReleaseOutcome.RELEASED,
        district=district,
        sanitised_text=sanitised_text,
        handling_conditions=handling_conditions,
        reason=reason,
        decided_by=user,
        decided_at=timezone.now(),
        released_with=released_with,
    )
    ReleaseSubject.objects.bulk_create(
        [ReleaseSubject(release=release, entity_id=pk) for pk in sorted(set(naming))]
    )
    record_access(
        actor=user,
        action=AuditAction.DISCLOSE,
        target=release.of,
        request=request,
        reason=reason,
        details={"release": release.pk, "district": district.code, "naming": sorted(set(naming))},
    )
    return release


def release_problems(
    *, sanitised_text: str, handling_conditions: str, reason: str, handling_code: str
) -> dict[str, str]:
    """What is missing from a release, by field, in words (a pure check, shared with the form)."""
    problems = {}
    if not sanitised_text.strip():
        problems["sanitised_text"] = "Write the sanitised version partners will read."
    if not reason.strip():
        problems["reason"] = "Say why this is released: the purpose it serves for the partners."
    if handling_code == "C" and not handling_conditions.strip():
        problems["handling_conditions"] = (
            "This intelligence is graded for sharing with conditions: write the conditions."
        )
    return problems


@transaction.atomic
def release_report(
    user: User,
    report: IntelligenceReport,
    *,
    district: District,
    sanitised_text: str,
    handling_conditions: str,
    reason: str,
    naming: Sequence[int] = (),
    request: HttpRequest | None = None,
) -> PartnerRelease:
    """A sanitised version of the report for partners in ``district``, naming the subjects chosen."""
    require(user, Action.SHARE, report)
    problems = release_problems(
        sanitised_text=sanitised_text,
        handling_conditions=handling_conditions,
        reason=reason,
        handling_code=report.handling_code,
    )
    if problems:
        raise ValidationError(problems)
    if not set(naming) <= _entities_of_report(report):
        raise ValidationError({"naming": "A release can name only the report's own subjects."})
    return _release(
        user,
        report=report,
        package=None,
        district=district,
        sanitised_text=sanitised_text.strip(),
        handling_conditions=handling_conditions.strip(),
        reason=reason.strip(),
        naming=naming,
        released_with=None,
        request=request,
    )


@transaction.atomic
def refuse_release(
    user: User,
    report: IntelligenceReport,
    *,
    district: District,
    reason: str,
    request: HttpRequest | None = None,
) -> PartnerRelease:
    """A decision not to release the report to partners in ``district``, with the reason."""
    require(user, Action.SHARE, report)
    if not reason.strip():
        raise ValidationError(
            {"reason": "Say why it is not released: the refusal is recorded with its reason."}
        )
    refusal = PartnerRelease.objects.create(
        report=report,
        outcome=ReleaseOutcome.REFUSED,
        district=district,
        reason=reason.strip(),
        decided_by=user,
        decided_at=timezone.now(),
    )
    record_access(
        actor=user,
        action=AuditAction.CHANGE,
        target=report,
        request=request,
        reason=reason.strip(),
        details={"release_refused": refusal.pk, "district": district.code},
    )
    return refusal


@transaction.atomic
def withdraw_release(
    user: User, release: PartnerRelease, *, reason: str, request: HttpRequest | None = None
) -> PartnerRelease:
    """Partners stop reading a release (it stays on record, with who withdrew it and why).

    A package's release takes with it the releases of its reports made with it: partners read those at
    their own pages too, and the people they name, so they are withdrawn in the same act (each logged).
    """
    require(user, Action.CHANGE, release)
    if release.outcome != ReleaseOutcome.RELEASED or release.withdrawn_at is not None:
        raise ValidationError("Only a release that stands can be withdrawn.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why the release is withdrawn."})
    now = timezone.now()
    parts = list(
        PartnerRelease.objects.select_for_update().filter(released_with=release, withdrawn_at__isnull=True)
    )
    for row, why in [
        (release, reason.strip()),
        *((part, f"Withdrawn with {release.reference}: {reason.strip()}") for part in parts),
    ]:
        row.withdrawn_at = now
        row.withdrawn_by = user
        row.withdrawn_reason = why[:2000]
        row.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason", "updated_at"])
        record_access(
            actor=user,
            action=AuditAction.CHANGE,
            target=row,
            request=request,
            reason=why,
            details={"withdrawn": True, **({"with": release.pk} if row is not release else {})},
        )
    return release


@transaction.atomic
def build_package(
    user: User,
    *,
    title: str,
    summary: str,
    district: District,
    reports: Sequence[IntelligenceReport],
    case: Case | None = None,
    request: HttpRequest | None = None,
) -> IntelligencePackage:
    """Chosen reports put together for a case team, in the order given."""
    scope = scope_of(user)
    if not may_evaluate(scope):
        raise PermissionDenied("Packages are built by intelligence analysts and supervisors")
    for report in reports:
        require(user, Action.VIEW, report)
    problems = {}
    if not title.strip():
        problems["title"] = "Give the package a title."
    if not summary.strip():
        problems["summary"] = "Write the summary: what the reports together show."
    if not reports:
        problems["reports"] = "Choose at least one report."
    if problems:
        raise ValidationError(problems)
    package = IntelligencePackage.objects.create(
        title=title.strip()[:200], summary=summary.strip(), district=district, case=case, created_by=user
    )
    PackageItem.objects.bulk_create(
        [PackageItem(package=package, report=r, position=n) for n, r in enumerate(reports, start=1)]
    )
    record_access(
        actor=user,
        action=AuditAction.CREATE,
        target=package,
        request=request,
        details={"reports": [r.pk for r in reports], "case": case.reference if case else ""},
    )
    return package


@dataclass(frozen=True)
class ItemDecision:
    """For one report of a package being released: its sanitised version, or why it is withheld."""

    report: IntelligenceReport
    sanitised_text: str = ""
    withheld_reason: str = ""
    naming: Sequence[int] = ()


@transaction.atomic
def release_package(
    user: User,
    package: IntelligencePackage,
    *,
    sanitised_summary: str,
    handling_conditions: str,
    reason: str,
    items: Sequence[ItemDecision],
    request: HttpRequest | None = None,
) -> PartnerRelease:
    """The partner version of a package, for its district: a sanitised summary, and for each report
    either a release (made with the package's) or a refusal, each with its reason."""
    require(user, Action.SHARE, package)
    in_package = {item.report_id for item in package.items.all()}
    decided = {item.report.pk for item in items}
    if decided != in_package:
        raise ValidationError(
            "Decide on every report of the package: release a sanitised version or withhold it."
        )
    conditions_needed = (
        "C" if any(d.report.handling_code == "C" for d in items if d.sanitised_text.strip()) else ""
    )
    problems = release_problems(
        sanitised_text=sanitised_summary,
        handling_conditions=handling_conditions,
        reason=reason,
        handling_code=conditions_needed,
    )
    for decision in items:
        if not decision.sanitised_text.strip() and not decision.withheld_reason.strip():
            problems[f"text_{decision.report.pk}"] = (
                f"{decision.report.reference}: write its sanitised version, or say why it is withheld."
            )
        if not set(decision.naming) <= _entities_of_report(decision.report):
            problems[f"text_{decision.report.pk}"] = (
                f"{decision.report.reference}: name only its own subjects."
            )
    if problems:
        raise ValidationError(problems)
    release = _release(
        user,
        report=None,
        package=package,
        district=package.district,
        sanitised_text=sanitised_summary.strip(),
        handling_conditions=handling_conditions.strip(),
        reason=reason.strip(),
        naming=[],
        released_with=None,
        request=request,
    )
    for decision in items:
        if decision.sanitised_text.strip():
            _release(
                user,
                report=decision.report,
                package=None,
                district=package.district,
                sanitised_text=decision.sanitised_text.strip(),
                handling_conditions=handling_conditions.strip(),
                reason=f"Released with {package.reference}: {reason.strip()}",
                naming=decision.naming,
                released_with=release,
                request=request,
            )
        else:
            refuse_release(
                user,
                decision.report,
                district=package.district,
                reason=f"Withheld from {package.reference}: {decision.withheld_reason.strip()}",
                request=request,
            )
    return release


@dataclass(frozen=True)
class SuspectDetails:
    """A suspect of a crime with what is known of them; each "not known" needs its reason."""

    person: Person
    age: int | None = None
    sex: str = "unknown"
    ethnicity: str = "not_stated"
    nationality: str = ""
    reasons: Mapping[str, str] = field(default_factory=dict)

    def values(self) -> dict[str, object]:
        return {
            "age": self.age,
            "sex": self.sex,
            "ethnicity": self.ethnicity,
            "nationality": self.nationality,
        }


def refresh_group_marker(crime: Crime) -> GroupMarker:
    """Derive the crime's group-based marker again from every crime against the same child and the links
    recorded between suspects (all of them: the marker is a fact about the crimes, counted by analysts)."""
    suspects = set(crime.suspects.values_list("person__entity_id", flat=True))
    others = set(
        CrimeSuspect.objects.filter(crime__victim_id=crime.victim_id).values_list(
            "person__entity_id", flat=True
        )
    )
    every_suspect = set(CrimeSuspect.objects.values_list("person__entity_id", flat=True).distinct())
    links = Link.objects.filter(source_id__in=suspects, target_id__in=every_suspect) | Link.objects.filter(
        target_id__in=suspects, source_id__in=every_suspect
    )
    marker = group_based(
        victim=crime.victim.entity_id,
        suspects=suspects,
        suspects_by_victim={crime.victim.entity_id: others},
        links_between_suspects=links.values_list("source_id", "target_id"),
    )
    crime.group_based, crime.group_based_why = marker.group_based, marker.why[:200]
    crime.save(update_fields=["group_based", "group_based_why", "updated_at"])
    return marker


@transaction.atomic
def record_crime(
    user: User,
    *,
    offence: str,
    committed_on: date,
    victim: Person,
    district: District,
    suspects: Sequence[SuspectDetails] = (),
    place: Location | None = None,
    exploitation_flag: str = "",
    flag_basis: Sequence[str] = (),
    committed_time: time | None = None,
    request: HttpRequest | None = None,
) -> Crime:
    """A crime linked to the victim, the suspects and the place, flagged (or not) as exploitation."""
    scope = scope_of(user)
    if not may_confirm_subjects(scope):
        raise PermissionDenied("Crime records are kept by police intelligence and exploitation roles")
    require(user, Action.VIEW, victim)
    for suspect in suspects:
        require(user, Action.VIEW, suspect.person)
    problems: dict[str, str] = {}
    if not offence.strip():
        problems["offence"] = "Give the offence, as recorded."
    if exploitation_flag:
        problem = flag_problem(exploitation_flag, flag_basis, age_on(victim.date_of_birth, committed_on))
        if problem:
            problems["flag_basis"] = problem
    elif flag_basis:
        problems["flag_basis"] = "A basis is recorded only for a crime flagged as exploitation."
    for number, suspect in enumerate(suspects, start=1):
        for name, message in suspect_detail_problems(suspect.values(), suspect.reasons).items():
            problems[f"suspect_{number}_{name}"] = f"Suspect {number} ({suspect.person}): {message}"
    if len({s.person.pk for s in suspects}) != len(suspects):
        problems["suspects"] = "Each suspect once."
    if problems:
        raise ValidationError(problems)
    crime = Crime.objects.create(
        offence=offence.strip()[:200],
        committed_on=committed_on,
        committed_time=committed_time,
        place=place,
        victim=victim,
        district=district,
        exploitation_flag=exploitation_flag,
        flag_basis=sorted(set(flag_basis)),
        recorded_by=user,
    )
    for suspect in suspects:
        CrimeSuspect.objects.create(
            crime=crime,
            person=suspect.person,
            age=suspect.age,
            sex=suspect.sex,
            ethnicity=suspect.ethnicity,
            nationality=suspect.nationality.strip()[:60],
            **{
                f"{name}_not_known_reason": str(suspect.reasons.get(name, "")).strip()[:200]
                for name in ("age", "sex", "ethnicity", "nationality")
            },
        )
    marker = refresh_group_marker(crime)
    # Crimes against the same child already recorded may have become group-based with this one.
    for earlier in Crime.objects.filter(victim=victim).exclude(pk=crime.pk):
        refresh_group_marker(earlier)
    record_access(
        actor=user,
        action=AuditAction.CREATE,
        target=crime,
        request=request,
        details={"flag": exploitation_flag, "group_based": marker.group_based, "suspects": len(suspects)},
        shown={"people.person": [victim.pk, *(s.person.pk for s in suspects)]},
    )
    return crime


def _check_crime_problems(
    *, offence: str, exploitation_flag: str, flag_basis: Sequence[str], victim: Person, committed_on: date
) -> dict[str, str]:
    problems: dict[str, str] = {}
    if not offence.strip():
        problems["offence"] = "Give the offence, as recorded."
    if exploitation_flag:
        problem = flag_problem(exploitation_flag, flag_basis, age_on(victim.date_of_birth, committed_on))
        if problem:
            problems["flag_basis"] = problem
    elif flag_basis:
        problems["flag_basis"] = "A basis is recorded only for a crime flagged as exploitation."
    return problems


@transaction.atomic
def change_crime(
    user: User,
    crime: Crime,
    *,
    expected_version: int,
    offence: str,
    committed_on: date,
    place: Location | None,
    exploitation_flag: str,
    flag_basis: Sequence[str],
    committed_time: time | None = None,
    request: HttpRequest | None = None,
) -> Crime:
    """Correct a crime's offence, date or place, or its exploitation flag and basis, from the version the
    form was opened at (a stale save raises ``StaleVersionError``); the group marker is derived again."""
    require(user, Action.CHANGE, crime)
    problems = _check_crime_problems(
        offence=offence,
        exploitation_flag=exploitation_flag,
        flag_basis=flag_basis,
        victim=crime.victim,
        committed_on=committed_on,
    )
    if problems:
        raise ValidationError(problems)
    save_changes(
        crime,
        expected_version=expected_version,
        changes={
            "offence": offence.strip()[:200],
            "committed_on": committed_on,
            "committed_time": committed_time,
            "place": place,
            "exploitation_flag": exploitation_flag,
            "flag_basis": sorted(set(flag_basis)) if exploitation_flag else [],
        },
        actor=user,
        request=request,
        reason="crime corrected",
    )
    refresh_group_marker(crime)
    return crime


@transaction.atomic
def add_suspect(
    user: User,
    crime: Crime,
    *,
    suspect: SuspectDetails,
    expected_version: int,
    request: HttpRequest | None = None,
) -> CrimeSuspect:
    """Add a suspect (with age, sex, ethnicity and nationality, each "not known" with its reason) to a
    crime opened at ``expected_version``; the crime's version moves on, and the group-based marker of
    every crime against the same child is derived again."""
    require(user, Action.CHANGE, crime)
    require(user, Action.VIEW, suspect.person)
    problems = dict(suspect_detail_problems(suspect.values(), suspect.reasons))
    if suspect.person.pk == crime.victim_id:
        problems["person"] = "The victim cannot be a suspect of the same crime."
    elif crime.suspects.filter(person=suspect.person).exists():
        problems["person"] = f"{suspect.person} is already a suspect of this crime."
    if problems:
        raise ValidationError(problems)
    save_changes(
        crime,
        expected_version=expected_version,
        changes={},
        extra_changes={"suspects": ("", f"{suspect.person} added")},
        actor=user,
        request=request,
        reason="suspect added",
    )
    row = CrimeSuspect.objects.create(
        crime=crime,
        person=suspect.person,
        age=suspect.age,
        sex=suspect.sex,
        ethnicity=suspect.ethnicity,
        nationality=suspect.nationality.strip()[:60],
        **{
            f"{name}_not_known_reason": str(suspect.reasons.get(name, "")).strip()[:200]
            for name in ("age", "sex", "ethnicity", "nationality")
        },
    )
    for related in Crime.objects.filter(victim_id=crime.victim_id):
        refresh_group_marker(related)
    crime.refresh_from_db()
    record_access(
        actor=user,
        action=AuditAction.CHANGE,
        target=crime,
        request=request,
        details={"suspect_added": suspect.person.pk, "group_based": crime.group_based},
        shown={"people.person": [suspect.person.pk]},
    )
    return row
