"""The network page: what an analyst and a district team see of a child's network, and what they don't."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from tessera.audit.models import AccessLog, AuditAction
from tessera.people.models import LinkKind
from tests.people.helpers import link, person, vehicle

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    """Leah (Rotherham, 14) is exploited by Kaz, who uses a car that Amy (Rotherham, 15) was seen in; Kaz
    is an associate of Ian, who lives in Sheffield. Apart from them, Jo's family."""
    leah = person("rotherham", "Leah", "Stainley", date(2012, 5, 2))
    amy = person("rotherham", "Amy", "Ward", date(2011, 1, 9))
    kaz = person("rotherham", "Kaz", "Hussain", date(1990, 7, 7))
    ian = person("sheffield", "Ian", "Moss", date(1985, 2, 2))
    jo = person("rotherham", "Jo", "Cole", date(1980, 1, 1))
    car = vehicle("YK62ABC")
    link(kaz, leah, LinkKind.SUSPECTED_EXPLOITER)
    link(kaz, car, LinkKind.USES_VEHICLE)
    link(amy, car, LinkKind.SEEN_IN_VEHICLE)
    link(kaz, ian, LinkKind.ASSOCIATE)
    link(jo, person("rotherham", "Sam", "Cole", date(1982, 1, 1)), LinkKind.FAMILY)
    return {"leah": leah, "amy": amy, "kaz": kaz, "ian": ian, "jo": jo, "car": car}


def chart(response) -> dict:
    found = re.search(
        r'<script id="network-data" type="application/json">(.*?)</script>', response.text, re.S
    )
    assert found, "the page carries the chart's data"
    return json.loads(found.group(1))


def labels(response) -> set[str]:
    return {node["data"]["label"] for node in chart(response)["nodes"]}


def test_a_child_s_network_two_steps_out_reaches_the_other_child_through_the_car(client_for, world):
    response = client_for("cse.rotherham").get(f"/network/{world['leah'].entity_id}/")
    assert response.status_code == 200
    assert labels(response) == {"Leah Stainley", "Kaz Hussain", "YK62 ABC"}
    response = client_for("cse.rotherham").get(f"/network/{world['leah'].entity_id}/?steps=3")
    assert labels(response) == {"Leah Stainley", "Kaz Hussain", "YK62 ABC", "Amy Ward"}
    # One node per entity and one row per link; Jo's family is not in Leah's network at all.
    data = chart(response)
    assert len(data["nodes"]) == len({n["data"]["id"] for n in data["nodes"]}) == 4
    assert len(data["edges"]) == 3
    assert "Jo Cole" not in response.text
    # Kaz is marked as a suspected exploiter and ranked as the adult reaching two children.
    assert "Suspected exploiter" in response.text
    ranking = response.text.split("Adults who reach the most children")[1].split("</table>")[0]
    assert "Kaz Hussain" in ranking
    assert re.search(r"numeric\">2</td>", ranking)


def test_the_walk_never_passes_through_someone_the_user_may_not_see(client_for, world):
    # Ian is known in Sheffield: a Rotherham team neither sees him nor is told he is there.
    response = client_for("cse.rotherham").get(f"/network/{world['kaz'].entity_id}/?steps=3")
    assert "Ian Moss" not in response.text
    # A force-wide analyst sees him.
    response = client_for("analyst").get(f"/network/{world['kaz'].entity_id}/?steps=3")
    assert "Ian Moss" in labels(response)


def test_someone_who_may_not_open_the_centre_gets_not_found(client_for, world):
    assert client_for("sw.sheffield").get(f"/network/{world['leah'].entity_id}/").status_code == 404
    assert client_for("hotel.sheffield").get(f"/network/{world['leah'].entity_id}/").status_code == 404
    assert client_for("cse.rotherham").get("/network/99999999/").status_code == 404


def test_the_shortest_path_names_each_step(client_for, world):
    leah, amy = world["leah"].entity_id, world["amy"].entity_id
    response = client_for("cse.rotherham").get(f"/network/{leah}/?steps=3&from={leah}&to={amy}")
    steps = response.text.split('id="path"')[1].split("</ol>")[0]
    assert (
        steps.index("Leah Stainley")
        < steps.index("Kaz Hussain")
        < steps.index("YK62 ABC")
        < steps.index("Amy Ward")
    )
    assert "suspected exploiter of" in steps
    assert "3 steps" in response.text


def test_one_view_is_logged_naming_every_person_shown(client_for, world):
    client = client_for("cse.rotherham")
    before = AccessLog.objects.count()
    client.get(f"/network/{world['leah'].entity_id}/?steps=3")
    assert AccessLog.objects.count() == before + 1
    entry = AccessLog.objects.latest("id")
    assert entry.action == AuditAction.VIEW
    assert entry.details["page"] == "network"
    shown = set(entry.records_shown.filter(target_type="people.person").values_list("target_id", flat=True))
    assert shown == {str(world[name].pk) for name in ("leah", "kaz", "amy")}


def test_the_person_page_leads_to_the_network(client_for, world):
    page = client_for("cse.rotherham").get(f"/people/{world['leah'].pk}/")
    assert f'href="/network/{world["leah"].entity_id}/"' in page.text
