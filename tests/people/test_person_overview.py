"""The person page opens with what matters, then compares the agencies' records side by side."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tessera.core.models import District
from tessera.people.models import LinkKind
from tessera.people.record_comparison import RecordFacts, compare_records
from tessera.risk.models import ReassessmentTask, TaskReason
from tests.cases.world import rotherham_case_world
from tests.people.helpers import account, add_identity, link, person, phone, vehicle
from tests.risk.world import build_risk_world

pytestmark = pytest.mark.django_db


def facts(agency: str, **values: str) -> RecordFacts:
    return RecordFacts(
        agency, "System", "1", "1 Dec 2026", {k: (v,) if v else () for k, v in values.items()}, {}
    )


def test_the_comparison_marks_only_the_value_unlike_the_others():
    compared = compare_records(
        [
            facts("Police", Name="Kayleigh Thornley", Sex="Female"),
            facts("Health", Name="kayleigh  thornley", Sex=""),
            facts("School", Name="Kayley Thornley", Sex="Female"),
        ],
        ["Name", "Sex", "NHS number"],
    )
    name, sex = compared.rows
    assert [row.label for row in compared.rows] == ["Name", "Sex"], "a fact no record holds is left out"
    assert name.differs
    assert [cell.differs for cell in name.cells] == [False, False, True]
    assert not sex.differs, "a fact a record does not hold is not a disagreement"
    assert sex.cells[1].missing
    assert compared.differences == 1


def test_the_page_opens_with_risk_open_case_lead_and_agencies(cast, client_for):
    world = rotherham_case_world(cast)
    child = world.case.child
    build_risk_world(cast, child)
    add_identity(child, "safe-steps", "Kay", "Thornly", None)
    page = client_for("cse.rotherham").get(f"/people/{child.pk}/").content.decode()
    summary = page[page.index('id="summary-heading"') : page.index(">Alerts<")]
    assert "Risk of exploitation" in summary
    assert "Assessed " in summary
    assert f"{world.case.reference}: " in summary
    assert f"Lead professional {world.case.lead_professional}" in summary
    assert "South Yorkshire Police" in summary
    assert "Safe Steps Youth Project" in summary
    recent = page[page.index('id="recent-heading"') : page.index('id="records-heading"')]
    assert f"Case {world.case.reference} opened" in recent
    assert f"Concern {world.referral.reference} received" in recent


def test_records_are_compared_side_by_side_with_the_difference_marked_in_words(client_for):
    child = person("rotherham", "Kayleigh", "Thornley", date(2010, 3, 14))
    add_identity(child, "safe-steps", "Kayleigh", "Thornley", date(2010, 3, 14))
    add_identity(child, "health-rotherham", "Kayleigh", "Thornley", date(2010, 4, 14))
    page = client_for("cse.rotherham").get(f"/people/{child.pk}/").content.decode()
    table = page[page.index('id="records-heading"') : page.index("Links to people, places and things")]
    assert table.count('<th scope="col"') == 3, "one column per agency's record"
    assert "The records differ on 1 fact" in table
    row = table[table.index(">Date of birth") :]
    row = row[: row.index("</tr>")]
    assert "Records differ" in row
    assert row.count('<strong class="tessera-differs">Differs</strong>') == 1
    assert '<strong class="tessera-differs">Differs</strong> 14 April 2010' in row


def test_an_overdue_reassessment_and_a_suspected_exploiter_are_alerts(client_for):
    child = person("rotherham", "Tia", "Kirkby")
    link(person("rotherham", "Connor", "Dearne", date(1990, 2, 2)), child, LinkKind.SUSPECTED_EXPLOITER)
    ReassessmentTask.objects.create(
        child=child,
        district=District.objects.get(code="rotherham"),
        reason=TaskReason.NEW_REFERRAL,
        due_on=timezone.localdate() - timedelta(days=2),
    )
    page = client_for("cse.rotherham").get(f"/people/{child.pk}/").content.decode()
    alerts = page[page.index(">Alerts<") : page.index('id="recent-heading"')]
    assert "Risk reassessment overdue since" in alerts
    assert "Linked to a suspected exploiter" in alerts
    # A frontline officer does not work on risk: no risk headline or alert for them.
    officer = client_for("officer.rotherham").get(f"/people/{child.pk}/").content.decode()
    assert "Risk reassessment" not in officer
    assert "Risk of exploitation" not in officer


def _page_queries(client, pk: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/people/{pk}/").status_code == 200
    return sum(1 for q in captured.captured_queries if "SAVEPOINT" not in q["sql"])


def _sign_in_queries(client) -> int:
    """What every signed-in page costs before its own work (session, user, second factor, scope)."""
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/account/").status_code == 200
    return sum(1 for q in captured.captured_queries if "SAVEPOINT" not in q["sql"])


def test_person_page_takes_at_most_12_queries_of_its_own_however_much_is_recorded(cast, client_for):
    client = client_for("cse.rotherham")
    world = rotherham_case_world(cast)
    child = world.case.child
    build_risk_world(cast, child)
    link(child, vehicle("YC14QAA"), LinkKind.SEEN_IN_VEHICLE)
    link(person("rotherham", "Amy", "Kirkby"), child, LinkKind.FAMILY)
    few = _page_queries(client, child.pk)
    for n in range(10):
        link(child, vehicle(f"YC14QA{chr(66 + n)}"), LinkKind.SEEN_IN_VEHICLE)
        link(child, phone(f"+44770090010{n}"), LinkKind.USES_PHONE)
        link(child, account("TikTok", f"tia{n}"), LinkKind.USES_ACCOUNT)
        link(person("rotherham", "Peer", f"Number{n}"), child, LinkKind.PEER)
        add_identity(child, "police", "Tia", "Kirkby", None)
    many = _page_queries(client, child.pk)
    assert many == few
    own = many - _sign_in_queries(client)
    assert own <= 12, f"the person page ran {own} queries of its own"
