"""Police intelligence is seen only by police intelligence and CSE roles.

An intelligence analyst records that an adult is a suspected exploiter of a child (graded 2BC) and that
the child was seen in a car (graded 1AP). Children's social care records the child's mother. Police
analysts, CSE officers, supervisors and hi-tech investigators see all three links with their grades;
frontline officers, call handlers and every partner agency see only the mother: no link, no grade, no
name, no registration, no count, on the person page, in search and on the case's People tab.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from tessera.access.scope import scope_of
from tessera.cases import services as case_services
from tessera.core.models import Agency
from tessera.people.models import LinkKind
from tessera.people.services import IntelligenceGrade, record_link
from tests.cases.world import rotherham_case_world
from tests.people.helpers import person, vehicle

pytestmark = pytest.mark.django_db

SEES_INTELLIGENCE = ["analyst", "cse.rotherham", "supervisor.rotherham", "htcu"]
DOES_NOT = ["officer.rotherham", "callhandler", "youthworker.rotherham"]


def intelligence_world(cast: dict[str, Any]) -> SimpleNamespace:
    child = person("rotherham", "Tia", "Kirkby", date(2010, 3, 14))
    adult = person("rotherham", "Connor", "Dearne", date(1990, 2, 2))
    mother = person("rotherham", "Amy", "Kirkby", date(1985, 6, 1))
    analyst = cast["analyst"]
    record_link(
        analyst,
        source=adult,
        target=child,
        kind=LinkKind.SUSPECTED_EXPLOITER,
        grade=IntelligenceGrade(source_evaluation="2", intelligence_assessment="B", handling_code="C"),
    )
    record_link(
        analyst,
        source=child,
        target=vehicle("YK62QBC"),
        kind=LinkKind.SEEN_IN_VEHICLE,
        grade=IntelligenceGrade(source_evaluation="1", intelligence_assessment="A", handling_code="P"),
    )
    record_link(
        cast["cse.rotherham"],
        source=mother,
        target=child,
        kind=LinkKind.FAMILY,
        agency=Agency.objects.get(code="csc-rotherham"),
    )
    return SimpleNamespace(child=child, adult=adult, mother=mother)


def test_only_police_intelligence_and_cse_roles_have_the_scope_to_see_intelligence(cast):
    seen_by = {username for username, user in cast.items() if scope_of(user).sees_police_intelligence}
    assert seen_by == set(SEES_INTELLIGENCE)


@pytest.mark.parametrize("username", SEES_INTELLIGENCE)
def test_police_intelligence_and_cse_roles_see_the_links_and_their_grades(cast, client_for, username):
    world = intelligence_world(cast)
    page = client_for(username).get(f"/people/{world.child.pk}/").content.decode()
    assert "Link chart: Tia Kirkby and 3 linked entries" in page
    assert "Suspected exploiter of (by)" in page
    assert f'href="/people/{world.adult.pk}/">Connor Dearne</a>' in page
    assert 'Vehicle:</span> <a class="govuk-link" href="/people/vehicles/' in page
    assert ">YK62QBC</a>" in page
    assert "Grade" in page
    assert "2BC" in page
    assert "1AP" in page
    assert "Amy Kirkby" in page


@pytest.mark.parametrize("username", DOES_NOT)
def test_other_roles_see_only_the_links_that_are_not_intelligence(cast, client_for, username):
    world = intelligence_world(cast)
    response = client_for(username).get(f"/people/{world.child.pk}/")
    assert response.status_code == 200, "they may see the child; only the intelligence is kept from them"
    page = response.content.decode()
    assert "Amy Kirkby" in page
    assert "Link chart: Tia Kirkby and 1 linked entry" in page, "the intelligence is not even counted"
    assert page.count('class="tessera-link-chart__node ') == 1
    for hidden in ("Suspected exploiter", "Connor Dearne", "YK62QBC", "Seen in vehicle", "2BC", "1AP"):
        assert hidden not in page, hidden
    assert "A person you do not have access to" not in page
    assert ">Grade<" not in page


def test_a_case_team_from_other_agencies_does_not_see_intelligence_on_the_people_tab(cast, client_for):
    world = intelligence_world(cast)
    case = rotherham_case_world(cast, child=world.child).case
    case_services.add_team_member(
        cast["cse.rotherham"], case, member=cast["sw.sheffield"], role_on_case="Social worker"
    )
    police = client_for("cse.rotherham").get(f"/cases/{case.pk}/people/").content.decode()
    assert "Connor Dearne" in police
    assert "YK62QBC" in police
    for username in ("sw.sheffield", "youthworker.rotherham"):
        response = client_for(username).get(f"/cases/{case.pk}/people/")
        assert response.status_code == 200, username
        page = response.content.decode()
        links = page.split("The child's links", 1)[1]
        assert links.count('<tr class="govuk-table__row">') == 2, "a header and the one family link"
        assert '<td class="govuk-table__cell">Family</td>' in links, username
        for hidden in ("Suspected exploiter", "Connor Dearne", "YK62QBC", "Seen in vehicle"):
            assert hidden not in page, (username, hidden)
    # The same holds on the child's own page for the social worker, who sees it through the case team.
    page = client_for("sw.sheffield").get(f"/people/{world.child.pk}/").content.decode()
    assert "Link chart: Tia Kirkby and 1 linked entry" in page
    assert "Suspected exploiter" not in page
    assert "YK62QBC" not in page


def _search(client: Any, text: str) -> str:
    response = client.get("/people/search/", {"q": text})
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("username", SEES_INTELLIGENCE)
def test_a_registration_known_from_intelligence_finds_the_child_for_intelligence_roles(
    cast, client_for, username
):
    world = intelligence_world(cast)
    page = _search(client_for(username), "YK62 QBC")
    assert f"/people/{world.child.pk}/" in page
    assert "Seen in vehicle: vehicle YK62 QBC" in page


@pytest.mark.parametrize("username", DOES_NOT)
def test_a_registration_known_only_from_intelligence_finds_no_one_for_other_roles(cast, client_for, username):
    world = intelligence_world(cast)
    page = _search(client_for(username), "YK62 QBC")
    assert f"/people/{world.child.pk}/" not in page
    assert "No one found" in page
    # The child is still found by name, with no reason drawn from intelligence.
    page = _search(client_for(username), "Tia Kirkby 14/03/2010")
    assert f"/people/{world.child.pk}/" in page
    assert "Seen in vehicle" not in page


def test_the_policy_itself_leaves_police_intelligence_links_out(cast):
    """Links are registered with the access policy: ``visible_to`` does the filtering, for every reader."""
    from tessera.access.policy import visible_to
    from tessera.people.models import Link

    intelligence_world(cast)
    for username in SEES_INTELLIGENCE:
        assert visible_to(cast[username], Link).count() == 3, username
    for username in DOES_NOT:
        assert list(visible_to(cast[username], Link).values_list("kind", flat=True)) == [LinkKind.FAMILY]
    for username in ("sysadmin", "commissioner", "hotel.sheffield"):
        assert not visible_to(cast[username], Link).exists(), username
