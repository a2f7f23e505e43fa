"""The network early warning with the database: a link recorded by any path raises an alert for the
child's district team and nobody else, with a reassessment task, once; the alert page shows the path as
far as the reader may see it."""

from __future__ import annotations

from datetime import date

import pytest

from tessera.audit.models import AccessLog, AuditAction
from tessera.earlywarning.models import NetworkAlert
from tessera.people.models import LinkKind
from tessera.people.services import record_link
from tessera.risk.models import ReassessmentTask
from tests.people.helpers import link, person, phone, vehicle

pytestmark = pytest.mark.django_db

NOBODY_ELSE = (
    "sw.sheffield",
    "mpc.doncaster",
    "analyst",
    "htcu",
    "hotel.sheffield",
    "commissioner",
    "sysadmin",
)


@pytest.fixture
def world():
    """Kaz (Rotherham) is a suspected exploiter of Mia and uses a car; Amy (Rotherham, 15) has not been
    linked to either. Lee (Sheffield) is a suspected exploiter known only in Sheffield."""
    mia = person("rotherham", "Mia", "Dale", date(2012, 3, 3))
    amy = person("rotherham", "Amy", "Ward", date(2011, 1, 9))
    kaz = person("rotherham", "Kaz", "Hussain", date(1990, 7, 7))
    lee = person("sheffield", "Lee", "Brook", date(1988, 4, 4))
    car = vehicle("YK62ABC")
    mobile = phone("07700900123")
    link(kaz, mia, LinkKind.SUSPECTED_EXPLOITER)
    link(kaz, car, LinkKind.USES_VEHICLE)
    link(lee, person("sheffield", "Zoe", "Hart", date(2011, 6, 6)), LinkKind.SUSPECTED_EXPLOITER)
    link(lee, mobile, LinkKind.USES_PHONE)
    return {"mia": mia, "amy": amy, "kaz": kaz, "lee": lee, "car": car, "phone": mobile}


def record(cast, username, source, target, kind, capture):
    with capture(execute=True):
        return record_link(cast[username], source=source, target=target, kind=kind)


def test_a_child_seen_in_a_suspects_car_alerts_her_district_team_with_a_task(
    cast, client_for, world, django_capture_on_commit_callbacks
):
    new = record(
        cast,
        "cse.rotherham",
        world["amy"],
        world["car"],
        LinkKind.SEEN_IN_VEHICLE,
        django_capture_on_commit_callbacks,
    )
    [alert] = NetworkAlert.objects.all()
    assert alert.child == world["amy"]
    assert alert.district == world["amy"].district
    assert alert.key == f"exploiter:{world['kaz'].entity_id}"
    assert alert.path == [
        [world["amy"].entity_id, world["car"].entity_id, new.pk],
        [world["car"].entity_id, world["kaz"].entity_id, alert.path[1][2]],
    ]
    assert (
        ReassessmentTask.objects.filter(child=world["amy"], prompted_by=f"people.link:{new.pk}").count() == 1
    )
    assert AccessLog.objects.filter(
        action=AuditAction.CREATE, target_type="earlywarning.networkalert", target_id=str(alert.pk)
    ).exists()
    # Mia, already linked directly, gets nothing new from Amy's link.
    assert not NetworkAlert.objects.filter(child=world["mia"]).exists()


def test_only_the_childs_district_team_sees_the_alert(
    cast, client_for, world, django_capture_on_commit_callbacks
):
    record(
        cast,
        "cse.rotherham",
        world["amy"],
        world["car"],
        LinkKind.SEEN_IN_VEHICLE,
        django_capture_on_commit_callbacks,
    )
    alert = NetworkAlert.objects.get()
    for username in ("cse.rotherham", "supervisor.rotherham"):
        client = client_for(username)
        assert client.get(f"/network-alerts/{alert.pk}/").status_code == 200, username
        assert "Amy Ward" in client.get("/network-alerts/").text
    for username in NOBODY_ELSE:
        client = client_for(username)
        assert client.get(f"/network-alerts/{alert.pk}/").status_code == 404, username
        assert "Amy Ward" not in client.get("/network-alerts/").text, username


def test_the_alert_page_shows_the_path_and_logs_it(
    cast, client_for, world, django_capture_on_commit_callbacks
):
    record(
        cast,
        "cse.rotherham",
        world["amy"],
        world["car"],
        LinkKind.SEEN_IN_VEHICLE,
        django_capture_on_commit_callbacks,
    )
    alert = NetworkAlert.objects.get()
    response = client_for("cse.rotherham").get(f"/network-alerts/{alert.pk}/")
    path = response.text.split("The path that explains it")[1].split("</ol>")[0]
    assert path.index("Amy Ward") < path.index("seen in vehicle") < path.index("YK62 ABC")
    assert path.index("YK62 ABC") < path.index("uses vehicle") < path.index("Kaz Hussain")
    log = AccessLog.objects.filter(action=AuditAction.VIEW, target_type="earlywarning.networkalert").get()
    shown = set(log.records_shown.filter(target_type="people.person").values_list("target_id", flat=True))
    assert shown == {str(world["amy"].pk), str(world["kaz"].pk)}


def test_part_of_the_path_the_reader_may_not_see_is_not_named(
    cast, client_for, world, django_capture_on_commit_callbacks
):
    # Amy (Rotherham) shares Lee's phone; Lee is known only in Sheffield, where Rotherham may not look.
    record(
        cast,
        "cse.rotherham",
        world["amy"],
        world["phone"],
        LinkKind.USES_PHONE,
        django_capture_on_commit_callbacks,
    )
    alert = NetworkAlert.objects.get(child=world["amy"])
    assert alert.key == f"exploiter:{world['lee'].entity_id}"
    response = client_for("cse.rotherham").get(f"/network-alerts/{alert.pk}/")
    assert response.status_code == 200
    assert "Lee Brook" not in response.text
    assert "you may not see" in response.text


def test_one_open_alert_per_child_per_exploiter(cast, world, django_capture_on_commit_callbacks):
    record(
        cast,
        "cse.rotherham",
        world["amy"],
        world["car"],
        LinkKind.SEEN_IN_VEHICLE,
        django_capture_on_commit_callbacks,
    )
    record(
        cast,
        "cse.rotherham",
        world["amy"],
        world["kaz"],
        LinkKind.ASSOCIATE,
        django_capture_on_commit_callbacks,
    )
    assert NetworkAlert.objects.filter(child=world["amy"]).count() == 1


def test_a_link_between_a_peer_and_a_suspect_alerts_the_child_through_the_peer(
    cast, world, django_capture_on_commit_callbacks
):
    link(world["amy"], world["mia"], LinkKind.PEER)
    jay = person("rotherham", "Jay", "Cole", date(1991, 1, 1))
    new = record(
        cast,
        "cse.rotherham",
        jay,
        world["mia"],
        LinkKind.SUSPECTED_EXPLOITER,
        django_capture_on_commit_callbacks,
    )
    alerted = {a.child for a in NetworkAlert.objects.filter(key=f"exploiter:{jay.entity_id}")}
    assert alerted == {world["mia"], world["amy"]}
    amy = NetworkAlert.objects.get(child=world["amy"], key=f"exploiter:{jay.entity_id}")
    assert [step[1] for step in amy.path] == [world["mia"].entity_id, jay.entity_id]
    assert amy.path[1][2] == new.pk


def test_a_new_suspect_alerts_children_already_in_their_car(cast, world, django_capture_on_commit_callbacks):
    # Ray already shares a car with Amy; he is now recorded as a suspected exploiter of Mia.
    ray = person("rotherham", "Ray", "Holt", date(1985, 5, 5))
    van = vehicle("YX19DEF")
    link(ray, van, LinkKind.USES_VEHICLE)
    link(world["amy"], van, LinkKind.SEEN_IN_VEHICLE)
    record(
        cast,
        "cse.rotherham",
        ray,
        world["mia"],
        LinkKind.SUSPECTED_EXPLOITER,
        django_capture_on_commit_callbacks,
    )
    assert NetworkAlert.objects.filter(child=world["amy"], key=f"exploiter:{ray.entity_id}").exists()


def test_nothing_through_an_adult_who_is_not_a_suspect(cast, world, django_capture_on_commit_callbacks):
    mum = person("rotherham", "Sue", "Ward", date(1975, 1, 1))
    link(mum, world["kaz"], LinkKind.ASSOCIATE)
    record(cast, "cse.rotherham", world["amy"], mum, LinkKind.FAMILY, django_capture_on_commit_callbacks)
    assert not NetworkAlert.objects.exists()
