"""Synthetic case work for the demo: referrals waiting in triage and cases at every stage.

Built through the same services users call, as the cast would do it, then moved back in time so the
statutory clocks show every state (on time, due today, overdue, done late with a reason). Everything is
invented. Deterministic for a given seed; does nothing if referrals already exist.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from tessera.accounts.models import User
from tessera.cases import meeting_services, timescales
from tessera.cases import services as case_services
from tessera.cases.models import Action, Case, CaseEvent, SubjectKind
from tessera.core.models import Agency, District
from tessera.core.working_days import add_working_days
from tessera.people.models import Person
from tessera.referrals import services as referral_services
from tessera.referrals.models import Decision, Referral

SIGHTINGS = [
    ("Seen getting into a silver car with two adult men outside school at 15:30.", ["cars_with_adults"]),
    (
        "Came home at 3am with a new phone and £50 she would not explain.",
        ["unexplained_gifts", "missing_overnight"],
    ),
    ("Staff at a takeaway say she is there most nights with men in their 20s.", ["hotels_taxis_takeaways"]),
    (
        "Told a teacher her 'boyfriend' is 24 and she has to do what he says.",
        ["older_boyfriend", "disclosure"],
    ),
    ("Missing from her children's home overnight twice this week.", ["missing_overnight"]),
    ("Messages on her phone from an adult asking for photos.", ["online_grooming"]),
]


@dataclass(frozen=True)
class CaseworkSummary:
    referrals: int
    cases: int


def _backdate_referral(referral: Referral, days: int, decided_after: timedelta | None = None) -> None:
    received = timezone.now() - timedelta(days=days)
    Referral.objects.filter(pk=referral.pk).update(
        received_at=received,
        seen_at=received - timedelta(hours=3),
        decision_due_on=timescales.referral_decision_due(timezone.localdate(received)),
        decided_at=received + decided_after if decided_after is not None else None,
    )
    referral.refresh_from_db()


def _backdate_case(case: Case, days: int) -> None:
    opened = timezone.now() - timedelta(days=days)
    Case.objects.filter(pk=case.pk).update(opened_at=opened, referral_on=timezone.localdate(opened))
    CaseEvent.objects.filter(case=case, kind="opened").update(at=opened)
    case.refresh_from_db()


def _children_in(district_code: str) -> QuerySet[Person]:
    """People under 18 known in the district, oldest record first."""
    today = timezone.localdate()
    eighteen_years_ago = today.replace(year=today.year - 18, day=min(today.day, 28))
    return Person.objects.filter(
        district__code=district_code, merged_into__isnull=True, date_of_birth__gt=eighteen_years_ago
    ).order_by("pk")


def _report(reporter: User, child: Person, rng: random.Random) -> Referral:
    text, signs = rng.choice(SIGHTINGS)
    return referral_services.submit_referral(
        reporter,
        district=child.district or District.objects.get(code="rotherham"),
        subject_kind=SubjectKind.CHILD,
        what_was_seen=text,
        seen_at=timezone.now(),
        where=rng.choice(["Town centre bus station", "Outside the school gates", "Retail park car park"]),
        warning_signs=signs,
        child=child,
    )


def _district_casework(district_code: str, team: dict[str, User], reporter: User, rng: random.Random) -> int:
    """Two referrals waiting (one overdue) and four cases at different stages in one district."""
    children = list(_children_in(district_code)[:6])
    if len(children) < 6:
        return 0
    lead, colleague = team["lead"], team["colleague"]
    _report(reporter, children[0], rng)
    _backdate_referral(_report(reporter, children[1], rng), 4)
    cases = 0
    for index, child in enumerate(children[2:]):
        referral = _report(reporter, child, rng)
        case = referral_services.decide_referral(
            lead,
            referral,
            expected_version=referral.version,
            decision=Decision.STRATEGY_DISCUSSION if index % 2 == 0 else Decision.CHILD_IN_NEED,
            reason="Significant indicators of exploitation reported by two agencies.",
            late_reason="Referral arrived during a multi-agency training day." if index == 3 else "",
            lead_professional=lead,
        )
        # The fourth decision took three days (with its reason recorded); the others, a few hours.
        _backdate_referral(referral, 30 + 15 * index, timedelta(days=3 if index == 3 else 0, hours=4))
        if case is None:
            continue
        cases += 1
        _backdate_case(case, 30 + 15 * index)
        case_services.add_team_member(lead, case, member=colleague, role_on_case="Youth worker")
        if index % 2 == 0:
            held = add_working_days(case.referral_on, 2)
            meeting_services.record_strategy_discussion(
                lead,
                case,
                held_on=held,
                attendees=[
                    meeting_services.AttendeeDetails(str(lead), lead.agency, lead),  # type: ignore[arg-type]
                    meeting_services.AttendeeDetails(
                        "Jan Whitley", Agency.objects.get(code=f"csc-{district_code}")
                    ),
                    meeting_services.AttendeeDetails(
                        "Dr Anne Patel", Agency.objects.get(code=f"health-{district_code}")
                    ),
                ],
                information_shared="Police: seen with adults in cars. School: attendance 62%. Health: clinic visits.",
                section_47=True,
                investigation="joint",
                immediate_safety_actions="Child Abduction Warning Notice to be served on the adult driver.",
                missing_agency_reason="",
            )
        action = case_services.add_action(
            lead,
            case,
            description="Home visit with the child and carer",
            owner=colleague,
            due_in_working_days=5,
        )
        if index == 1:
            # An action that slipped: due last week and still open.
            Action.objects.filter(pk=action.pk).update(due_on=timezone.localdate() - timedelta(days=7))
        if index in {1, 3}:
            case_services.record_support(
                colleague,
                case,
                kind="youth_worker",
                agency=colleague.agency,
                worker_name=str(colleague),
                description="Weekly one-to-one sessions on healthy relationships and staying safe online.",
                frequency="Weekly",
                started_on=timezone.localdate() - timedelta(days=10),
                engagement="engaged" if index == 1 else "partly",
                child_words="She gets it. I can talk to her.",
            )
        if index == 3:
            case.refresh_from_db()
            case_services.close_case(
                lead,
                case,
                expected_version=case.version,
                outcome="risk_reduced",
                outcome_detail="Back in school full time; no missing episodes for three months.",
                no_support_reason="",
            )
    return cases


@transaction.atomic
def generate_casework(seed: int = 2013) -> CaseworkSummary:
    if Referral.objects.exists():
        return CaseworkSummary(0, 0)
    rng = random.Random(seed)
    users = {user.username: user for user in User.objects.select_related("agency")}
    cases = _district_casework(
        "rotherham",
        {"lead": users["cse.rotherham"], "colleague": users["youthworker.rotherham"]},
        users["officer.rotherham"],
        rng,
    )
    # Other districts' concerns come in through the force communications room and wait in their queues.
    for code in ("barnsley", "doncaster", "sheffield"):
        for child in _children_in(code)[:2]:
            _report(users["callhandler"], child, rng)
    return CaseworkSummary(Referral.objects.count(), cases)
