"""Reads of referrals, each starting from the user's scope."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Case as Ranked
from django.db.models import Count, IntegerField, Prefetch, Q, QuerySet, Value, When
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.policy import get_visible_or_404, visible_to
from tessera.access.reads import log_opened
from tessera.access.scope import scope_of
from tessera.accounts.models import Actor, User
from tessera.accounts.roles import Role
from tessera.cases.timescales import Clock
from tessera.core.models import District, TeamKind
from tessera.linkage.search import compare_with_people
from tessera.people.models import Location, OnlineAccount, Person, Phone, Vehicle
from tessera.people.search import search_people
from tessera.referrals.models import (
    PERSON_SUBJECTS,
    HappeningNow,
    Referral,
    ReferralAddition,
    ReferralSubject,
    Urgency,
)


@dataclass(frozen=True)
class PossibleMatch:
    person: Person
    # Why the search thinks this could be the child, in words ("Date of birth matches").
    reasons: tuple[str, ...]
    # Which of the typed details agree with the record and which do not (the linkage model's verdicts).
    agreeing: tuple[str, ...] = ()
    disagreeing: tuple[str, ...] = ()


def match_label(match: PossibleMatch) -> str:
    """A person found by search before create, in words: name, birth, why found, what agrees."""
    person = match.person
    born = f"born {person.date_of_birth:%-d %B %Y}" if person.date_of_birth else "date of birth not known"
    why = f" ({'; '.join(match.reasons)})" if match.reasons else ""
    fields = []
    if match.agreeing:
        fields.append(f"Agrees: {', '.join(match.agreeing)}.")
    if match.disagreeing:
        fields.append(f"Differs: {', '.join(match.disagreeing)}.")
    return " ".join([f"{person.full_name}, {born}{why}.", *fields])


def matching_children(
    user: Actor, given: str, family: str, born: date | None, limit: int = 10
) -> list[PossibleMatch]:
    """People the reporter can see who could be the child, best first, each with why it matched.

    Uses the people app's search (sounds-like names, nicknames, dates of birth with day and month
    swapped), which starts from what the reporter may see.
    """

    text = " ".join(
        part for part in (given.strip(), family.strip(), born.isoformat() if born else "") if part
    )
    return matching_people(
        user, text, {"given_name": given, "family_name": family, "date_of_birth": born}, limit
    )


def matching_people(
    user: Actor, text: str, typed: Mapping[str, object], limit: int = 10
) -> list[PossibleMatch]:
    """People ``user`` may see who answer ``text`` (a name, perhaps misspelt, a date of birth...), each
    with why it matched and which of the ``typed`` details agree."""
    if not text.strip():
        return []
    results = search_people(user, text).results[:limit]
    compared = compare_with_people(dict(typed), [result.person for result in results])
    verdicts = compared.scores
    matches = []
    for result in results:
        if result.person.pk in compared.ruled_out:
            continue  # an adult when a child is being recorded (or the other way): never offered
        fields = verdicts[result.person.pk].fields if result.person.pk in verdicts else ()
        matches.append(
            PossibleMatch(
                result.person,
                result.reasons,
                agreeing=tuple(f.field_label for f in fields if f.verdict in {"exact", "close"}),
                disagreeing=tuple(f.field_label for f in fields if f.verdict == "different"),
            )
        )
    return matches


def _for_page() -> QuerySet[Referral]:
    return Referral.objects.select_related(
        "district",
        "child",
        "place",
        "referred_by",
        "referrer_agency",
        "decided_by",
        "decided_agency",
        "graded_by",
        "case",
    ).prefetch_related(
        Prefetch(
            "subjects",
            queryset=ReferralSubject.objects.select_related("person", "entity", "added_by").order_by(
                "kind", "position", "pk"
            ),
        ),
        Prefetch("additions", queryset=ReferralAddition.objects.select_related("added_by", "agency")),
    )


def subject_search_text(subject: ReferralSubject) -> str:
    """What to search for a child or adult the concern names: the name as typed, else the nickname."""
    return subject.name or subject.nickname


def subject_candidates(
    user: Actor, subjects: list[ReferralSubject], searches: dict[int, str]
) -> dict[int, list[PossibleMatch]]:
    """For each unresolved child or adult, the people the triager may see who could be them, found by
    the triager's search text (or the name the reporter gave). Search before create."""
    found: dict[int, list[PossibleMatch]] = {}
    for subject in subjects:
        if subject.is_resolved or subject.kind not in PERSON_SUBJECTS:
            continue
        text = searches.get(subject.pk, subject_search_text(subject))
        typed = {
            "given_name": subject.given_name,
            "family_name": subject.family_name,
            "date_of_birth": subject.date_of_birth,
        }
        found[subject.pk] = matching_people(user, text, typed)
    return found


def referral_for_page(user: Actor, pk: int) -> Referral:
    """The referral for a decision being posted (the decision is logged by its service); not logged."""
    return get_visible_or_404(user, _for_page(), pk=pk)


def open_referral(user: Actor, pk: int, *, via: HttpRequest | None) -> Referral:
    """The referral page's referral, logged as viewed with the people its subjects were resolved to;
    404 for missing and not yours."""
    with transaction.atomic():
        referral = get_visible_or_404(user, _for_page(), pk=pk)
        people = subject_people_visible(user, referral)
        log_opened(user, referral, via=via, shown={"people.person": sorted(people)} if people else None)
    return referral


def subject_people_visible(user: Actor, referral: Referral) -> set[int]:
    """The people the referral's subjects were resolved to that ``user`` may see (one query)."""
    ids = {s.person_id for s in referral.subjects.all() if s.person_id is not None}
    if not ids:
        return set()
    return set(visible_to(user, Person).filter(pk__in=ids).values_list("pk", flat=True))


@dataclass(frozen=True)
class SubjectOnPage:
    subject: ReferralSubject
    # The person page to open, when the subject is a person the viewer may see.
    person: Person | None
    record_label: str


def subjects_for_page(user: Actor, referral: Referral) -> list[SubjectOnPage]:
    """The concern's people, places and things as typed, each with what triage resolved it to."""
    subjects = list(referral.subjects.all())
    people = subject_people_visible(user, referral)
    things = _thing_labels([s.entity_id for s in subjects if s.entity_id and s.person_id is None])
    rows = []
    for subject in subjects:
        person = subject.person if subject.person_id in people else None
        if subject.left_out:
            label = "Left out at triage"
        elif person is not None:
            label = person.full_name
        elif subject.person_id is not None:
            label = "A person you do not have access to"
        elif subject.entity_id is not None:
            label = things.get(subject.entity_id, "Recorded")
        else:
            label = "Not yet recorded"
        rows.append(SubjectOnPage(subject, person, label))
    return rows


def _thing_labels(entity_ids: list[int]) -> dict[int, str]:
    labels: dict[int, str] = {}
    if not entity_ids:
        return labels
    for model in (Vehicle, Phone, OnlineAccount, Location):
        for thing in model.objects.filter(entity_id__in=entity_ids):
            labels[thing.entity_id] = str(thing)
    return labels


def case_subject_choices(referral: Referral) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """The children and places a case from this referral can be about: what its subjects were resolved
    to (and the child the staff reporter chose)."""
    children: dict[str, str] = {}
    if referral.child is not None:
        children[str(referral.child.pk)] = _person_choice(referral.child)
    place_entities = []
    for subject in referral.subjects.all():
        if subject.kind == "child" and subject.person is not None:
            children.setdefault(str(subject.person.pk), _person_choice(subject.person))
        if subject.kind == "place" and subject.entity_id is not None:
            place_entities.append(subject.entity_id)
    places = [
        (str(place.pk), str(place))
        for place in Location.objects.filter(entity_id__in=place_entities).order_by("pk")
    ]
    return list(children.items()), places


def _person_choice(person: Person) -> str:
    born = f", born {person.date_of_birth:%-d %B %Y}" if person.date_of_birth else ""
    return f"{person.full_name}{born}"


def subject_person(referral: Referral, chosen: str) -> Person | None:
    """The child chosen for the case, if it is one the referral's subjects were resolved to."""
    if not chosen.isdigit():
        return None
    if referral.child is not None and str(referral.child.pk) == chosen:
        return referral.child
    return next(
        (s.person for s in referral.subjects.all() if s.person is not None and str(s.person.pk) == chosen),
        None,
    )


def subject_place(referral: Referral, chosen: str) -> Location | None:
    if not chosen.isdigit():
        return None
    entities = [s.entity_id for s in referral.subjects.all() if s.kind == "place" and s.entity_id]
    return Location.objects.filter(pk=int(chosen), entity_id__in=entities).first()


@dataclass(frozen=True)
class QueueRow:
    referral: Referral
    clock: Clock

    @property
    def is_immediate(self) -> bool:
        return self.referral.urgency == Urgency.IMMEDIATE

    @property
    def waits_for_grade_though_happening_now(self) -> bool:
        return not self.referral.urgency and self.referral.happening_now == HappeningNow.YES


def decision_clock(referral: Referral) -> Clock:
    return Clock(
        "Referral decision",
        timezone.localdate(referral.received_at),
        referral.decision_due_on,
        timezone.localdate(referral.decided_at) if referral.decided_at else None,
        referral.decision_late_reason,
        due_at=timezone.localtime(referral.decision_due_at) if referral.decision_due_at else None,
    )


# Queue order: immediate concerns first, then those the reporter says are happening now but nobody has
# graded, then same day, then the rest; within each, the soonest due first.
_QUEUE_RANK = Ranked(
    When(urgency=Urgency.IMMEDIATE, then=Value(0)),
    When(urgency="", happening_now=HappeningNow.YES, then=Value(1)),
    When(urgency=Urgency.SAME_DAY, then=Value(2)),
    default=Value(3),
    output_field=IntegerField(),
)


CLOCK_FILTERS = {"overdue": "Overdue", "due_today": "Due today", "not_yet_due": "Not yet due"}


def triage_queue(
    user: Actor,
    *,
    districts: list[str] | None = None,
    clocks: list[str] | None = None,
    kinds: list[str] | None = None,
) -> list[QueueRow]:
    """Referrals waiting for a decision in the user's districts, oldest first. One query for any number."""
    today = timezone.localdate()
    referrals = (
        visible_to(user, Referral)
        .filter(decision="")
        .select_related("district", "child", "referrer_agency")
        .annotate(queue_rank=_QUEUE_RANK)
        .order_by("queue_rank", "decision_due_on", "decision_due_at", "received_at")
    )
    if districts:
        referrals = referrals.filter(district__code__in=districts)
    if kinds:
        referrals = referrals.filter(subject_kind__in=kinds)
    if clocks:
        condition = Q(pk__in=[])
        now = timezone.now()
        if "overdue" in clocks:
            condition |= Q(decision_due_on__lt=today) | Q(decision_due_at__lt=now)
        if "due_today" in clocks:
            condition |= Q(decision_due_on=today) & (
                Q(decision_due_at__isnull=True) | Q(decision_due_at__gte=now)
            )
        if "not_yet_due" in clocks:
            condition |= Q(decision_due_on__gt=today)
        referrals = referrals.filter(condition)
    return [QueueRow(referral, decision_clock(referral)) for referral in referrals]


def queue_districts(user: Actor) -> QuerySet[District]:

    return District.objects.filter(pk__in=scope_of(user).district_ids).order_by("name")


def my_referrals(user: Actor, limit: int | None = None) -> list[Referral]:
    """Concerns the user reported, newest first, with their outcome."""
    referrals = (
        visible_to(user, Referral)
        .filter(referred_by_id=user.pk)
        .select_related("district", "child", "decided_by", "decided_agency")
        .order_by("-received_at")
    )
    return list(referrals[:limit] if limit else referrals)


def lead_professional_choices(district_id: int) -> QuerySet[User]:
    """People who can lead a case in the district: its multi-agency team, from any agency."""
    return (
        User.objects.filter(
            is_active=True,
            memberships__team__district_id=district_id,
            memberships__team__kind=TeamKind.CSE,
            role_grants__role__in=[Role.CSE_TEAM_MEMBER, Role.SUPERVISOR],
        )
        .select_related("agency")
        .distinct()
        .order_by("last_name", "first_name")
    )


@dataclass(frozen=True)
class QueueCounts:
    waiting: int
    overdue: int
    # Graded immediate, or said to be happening now and not yet graded: someone must look now.
    immediate: int


def queue_counts(user: Actor) -> QueueCounts:
    """How many referrals wait in the user's triage queue, how many are overdue, how many are immediate."""
    today = timezone.localdate()
    now = timezone.now()
    waiting = visible_to(user, Referral).filter(decision="")
    overdue = Q(decision_due_on__lt=today) | Q(decision_due_at__lt=now)
    immediate = Q(urgency=Urgency.IMMEDIATE) | Q(urgency="", happening_now=HappeningNow.YES)
    counts = waiting.aggregate(
        waiting=Count("pk"),
        overdue=Count("pk", filter=overdue),
        immediate=Count("pk", filter=immediate),
    )
    return QueueCounts(counts["waiting"], counts["overdue"], counts["immediate"])
