"""Query budgets: what each page costs the database, through the whole middleware stack (issue 16).

Each page is asked for by a signed-in, verified user through Django's test client (session, second
factor, idle sign-out, CSP, the access policy and the access-log write all run), with 5 and with 50
entries behind it: the count is the same for both and within the page's budget.

Transaction control (BEGIN, COMMIT, SAVEPOINT, RELEASE) is left out of the count: under the test's own
wrapping transaction every ``atomic`` block turns into a savepoint pair that production does not send.
Every other statement, reads and writes alike, counts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tessera.audit.models import AccessLog
from tessera.cases.models import Action, Case
from tessera.core.models import Agency
from tessera.missing.models import Disclosure, MissingEpisode, PatternAlert, ReturnInterview
from tessera.people.models import LinkKind, Person
from tests.cases.entries import EVERY_KIND, CasePeople
from tests.cases.entries import add_case_entries as add_entries
from tests.cases.world import rotherham_case_world
from tests.people.helpers import add_identity, link, person, phone, vehicle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope_read_once_per_request")]

# The aim is 12 for every page. The person page and the chronology read more tables than
# that (each source of the page is its own table), so their budget is what they honestly cost.
BUDGETS = {
    "search": 12,
    "person page": 13,
    "case summary": 12,
    # 13 for case work, referrals and risk; 3 more for missing episodes (episodes, interviews with their
    # disclosures, pattern alerts); 1 more for network early warnings (ADR 0035: a path sent to the case).
    "case chronology": 17,
    "case actions": 12,
    "case support": 12,
}

TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


@dataclass(frozen=True)
class Cost:
    queries: list[str]
    access_log_rows: int

    @property
    def count(self) -> int:
        return len(self.queries)


def cost(client: Client, url: str) -> Cost:
    """The statements one request for ``url`` sends, and how many access-log rows it wrote."""
    logged_before = AccessLog.objects.count()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    queries = [
        query["sql"]
        for query in captured.captured_queries
        if not query["sql"].lstrip().upper().startswith(TRANSACTION_CONTROL)
    ]
    return Cost(queries, AccessLog.objects.count() - logged_before)


def add_case_entries(cast, case: Case, n: int) -> None:
    """``n`` of each kind of chronology entry on the case: actions, support, steps, meetings, referrals."""
    people = CasePeople(
        lead=cast["cse.rotherham"], worker=cast["youthworker.rotherham"], referrer=cast["officer.rotherham"]
    )
    add_entries(case, people, n * len(EVERY_KIND))


def add_missing_entries(cast, case: Case, n: int) -> None:
    """``n`` missing episodes of the case's child, each found, interviewed with a disclosure (an action
    on the case) and with a pattern alert."""
    lead, police = cast["cse.rotherham"], Agency.objects.get(code="police")
    now = timezone.now()
    start = MissingEpisode.objects.count()
    episodes = MissingEpisode.objects.bulk_create(
        MissingEpisode(
            reference=f"MIS-BUDGET-{start + i}",
            child=case.child,
            district=case.district,
            case=case,
            reported_by_kind="carer",
            reported_by_name="Carer",
            reported_at=now - timedelta(days=i + 1),
            last_seen_at=now - timedelta(days=i + 1),
            last_seen_where="Home",
            circumstances=f"Episode {i}",
            grade="medium",
            grade_reason="Out overnight",
            graded_by=lead,
            opened_by=lead,
            opened_agency=police,
            status="returned",
            found_at=now - timedelta(days=i),
        )
        for i in range(n)
    )
    interviews = ReturnInterview.objects.bulk_create(
        ReturnInterview(
            episode=e,
            held_at=now,
            interviewer="Jo Clegg",
            interviewer_agency=police,
            child_account="Said little",
            recorded_by=lead,
        )
        for e in episodes
    )
    Disclosure.objects.bulk_create(
        Disclosure(
            interview=interview,
            what_was_said=f"Disclosure {i}",
            action=Action.objects.create(
                case=case,
                description=f"Act on disclosure {i}",
                owner=lead,
                due_on=now.date(),
                created_by=lead,
            ),
        )
        for i, interview in enumerate(interviews)
    )
    PatternAlert.objects.bulk_create(
        PatternAlert(
            child=case.child,
            district=case.district,
            case=case,
            episode=e,
            kind="hotspot",
            detail="Found at a hotel, taxi firm or takeaway",
            key=f"hotspot:{e.pk}",
            raised_at=now,
        )
        for e in episodes
    )


def add_person_entries(child: Person, n: int) -> None:
    """``n`` each of the person's source records, linked people, vehicles and phones."""
    for i in range(n):
        add_identity(child, "police", "Kayleigh", "Thornley", date(2010, 3, 14))
        link(person("rotherham", "Peer", f"Number{i}"), child, LinkKind.PEER)
        link(child, vehicle(f"Y{child.pk:03d}Q{i:02d}"), LinkKind.SEEN_IN_VEHICLE)
        link(child, phone(f"+447700{child.pk:03d}{i:03d}"), LinkKind.USES_PHONE)


@pytest.fixture
def lead(client_for) -> Client:
    return client_for("cse.rotherham")


def assert_within_budget(page: str, few: Cost, many: Cost) -> None:
    listing = "\n".join(many.queries)
    assert many.count == few.count, (
        f"{page}: {few.count} queries with 5 entries, {many.count} with 50\n{listing}"
    )
    assert many.count <= BUDGETS[page], f"{page}: {many.count} queries, budget {BUDGETS[page]}\n{listing}"
    # Cheaper, not quieter: each request still writes its one access-log row...
    assert few.access_log_rows == many.access_log_rows == 1
    # ...and a plain read never writes the session.
    assert not [q for q in many.queries if "django_session" in q and not q.lstrip().startswith("SELECT")]


@pytest.mark.parametrize(
    ("page", "tab"),
    [
        ("case summary", ""),
        ("case chronology", "chronology/"),
        ("case actions", "actions/"),
        ("case support", "support/"),
    ],
)
def test_case_page_stays_within_its_budget_however_long_the_case(cast, lead, page, tab):
    few_case = rotherham_case_world(cast).case
    many_case = rotherham_case_world(cast, child=person("rotherham", "Ellie", "Cawthorne")).case
    add_case_entries(cast, few_case, 5)
    add_case_entries(cast, many_case, 50)
    add_missing_entries(cast, few_case, 5)
    add_missing_entries(cast, many_case, 50)
    few = cost(lead, f"/cases/{few_case.pk}/{tab}")
    many = cost(lead, f"/cases/{many_case.pk}/{tab}")
    assert_within_budget(page, few, many)


def test_person_page_stays_within_its_budget_however_many_records_and_links(cast, lead):
    few_child = rotherham_case_world(cast).child
    many_child = rotherham_case_world(cast, child=person("rotherham", "Ellie", "Cawthorne")).child
    add_person_entries(few_child, 5)
    add_person_entries(many_child, 50)
    few = cost(lead, f"/people/{few_child.pk}/")
    many = cost(lead, f"/people/{many_child.pk}/")
    assert_within_budget("person page", few, many)
    assert "Number49" in lead.get(f"/people/{many_child.pk}/").content.decode()


def test_search_stays_within_its_budget_however_many_it_finds(lead):
    for i in range(5):
        person("rotherham", "Olivia", "Hawley", date(2009, 9, 9 + i))
    for i in range(50):
        person("rotherham", "Amelia", "Dearne", date(2008, 1, 1) + timedelta(days=i))
    few = cost(lead, "/people/search/?q=Olivia+Hawley")
    many = cost(lead, "/people/search/?q=Amelia+Dearne")
    assert "5 matches" in lead.get("/people/search/?q=Olivia+Hawley").content.decode()
    assert "50 matches" in lead.get("/people/search/?q=Amelia+Dearne").content.decode()
    assert_within_budget("search", few, many)
