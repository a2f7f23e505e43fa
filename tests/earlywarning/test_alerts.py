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


def amy_seen_in_kazs_car(cast, world, capture):
    """The link most tests start from: Amy seen in the car of Kaz, a suspected exploiter of Mia."""
    return record(cast, "cse.rotherham", world["amy"], world["car"], LinkKind.SEEN_IN_VEHICLE, capture)


def test_a_child_seen_in_a_suspects_car_alerts_her_district_team_with_a_task(
    cast, client_for, world, django_capture_on_commit_callbacks
):
    new = amy_seen_in_kazs_car(cast, world, django_capture_on_commit_callbacks)
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
    amy_seen_in_kazs_car(cast, world, django_capture_on_commit_callbacks)
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
    amy_seen_in_kazs_car(cast, world, django_capture_on_commit_callbacks)
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


def test_the_same_exploiter_reached_again_changes_nothing(cast, world, django_capture_on_commit_callbacks):
    amy_seen_in_kazs_car(cast, world, django_capture_on_commit_callbacks)
    record(
        cast,
        "cse.rotherham",
        world["amy"],
        world["kaz"],
        LinkKind.ASSOCIATE,
        django_capture_on_commit_callbacks,
    )
    [alert] = NetworkAlert.objects.filter(child=world["amy"])
    assert alert.further_paths == []


def _second_suspect_with_a_phone(world):
    """Jay (Rotherham) is a suspected exploiter of Mia too, and uses a phone Amy has not yet used."""
    jay = person("rotherham", "Jay", "Cole", date(1991, 1, 1))
    mobile = phone("07700900456")
    link(jay, world["mia"], LinkKind.SUSPECTED_EXPLOITER)
    link(jay, mobile, LinkKind.USES_PHONE)
    return jay, mobile


def test_a_second_suspect_is_a_further_path_on_the_childs_one_open_alert(
    cast, client_for, world, django_capture_on_commit_callbacks
):
    jay, mobile = _second_suspect_with_a_phone(world)
    amy_seen_in_kazs_car(cast, world, django_capture_on_commit_callbacks)
    tasks_before = ReassessmentTask.objects.filter(child=world["amy"]).count()
    new = record(
        cast, "cse.rotherham", world["amy"], mobile, LinkKind.USES_PHONE, django_capture_on_commit_callbacks
    )
    [alert] = NetworkAlert.objects.filter(child=world["amy"])
    assert alert.key == f"exploiter:{world['kaz'].entity_id}"
    [further] = alert.further_paths
    assert further["key"] == f"exploiter:{jay.entity_id}"
    assert further["link"] == new.pk
    assert [step[1] for step in further["path"]] == [mobile.entity_id, jay.entity_id]
    assert AccessLog.objects.filter(
        action=AuditAction.CHANGE, target_type="earlywarning.networkalert", target_id=str(alert.pk)
    ).exists()
    # The further path asks for a reassessment (one task for the link, whoever else asks for it).
    assert (
        ReassessmentTask.objects.filter(child=world["amy"], prompted_by=f"people.link:{new.pk}").count() == 1
    )
    assert ReassessmentTask.objects.filter(child=world["amy"]).count() == tasks_before + 1
    assert alert.latest_path_at > alert.raised_at

    client = client_for("cse.rotherham")
    listing = client.get("/network-alerts/").text
    assert "and 1 more found since" in listing
    assert "New path" in listing
    page = client.get(f"/network-alerts/{alert.pk}/").text
    further_part = page.split("Further path found")[1].split("</ol>")[0]
    assert "Jay Cole" in further_part
    assert "07700" in further_part.replace(" ", "")
    assert "New</strong> Further path found" in page


def test_the_list_puts_the_alert_with_the_latest_path_first(
    cast, client_for, world, django_capture_on_commit_callbacks
):
    # Amy's alert is raised first, then Zoe's; then a further suspect is found for Amy.
    _jay, mobile = _second_suspect_with_a_phone(world)
    amy_seen_in_kazs_car(cast, world, django_capture_on_commit_callbacks)
    zoe = person("rotherham", "Zoe", "Lund", date(2012, 8, 8))
    record(
        cast, "cse.rotherham", zoe, world["car"], LinkKind.SEEN_IN_VEHICLE, django_capture_on_commit_callbacks
    )
    client = client_for("cse.rotherham")
    before = client.get("/network-alerts/").text
    assert before.index("Zoe Lund") < before.index("Amy Ward")
    assert "New path" not in before
    record(
        cast, "cse.rotherham", world["amy"], mobile, LinkKind.USES_PHONE, django_capture_on_commit_callbacks
    )
    after = client.get("/network-alerts/").text
    assert after.index("Amy Ward") < after.index("Zoe Lund")
    assert after.count("New path") == 1


def test_the_district_team_closes_an_alert_saying_why_and_the_next_link_raises_a_new_one(
    cast, client_for, world, django_capture_on_commit_callbacks
):
    amy_seen_in_kazs_car(cast, world, django_capture_on_commit_callbacks)
    alert = NetworkAlert.objects.get()
    client = client_for("cse.rotherham")
    refused = client.post(f"/network-alerts/{alert.pk}/", {"reason": "   "})
    assert refused.status_code == 200
    assert "Enter why the alert can be closed" in refused.text or "Say why" in refused.text
    alert.refresh_from_db()
    assert alert.closed_at is None

    # Another district's team and the force's analyst cannot find it to close it.
    for username in ("sw.sheffield", "analyst"):
        assert client_for(username).post(f"/network-alerts/{alert.pk}/", {"reason": "x"}).status_code == 404

    done = client.post(
        f"/network-alerts/{alert.pk}/", {"reason": "Reassessed: strategy discussion held, plan updated"}
    )
    assert done.status_code == 302
    alert.refresh_from_db()
    assert alert.closed_at is not None
    assert alert.closed_by == cast["cse.rotherham"]
    assert alert.close_reason == "Reassessed: strategy discussion held, plan updated"
    assert AccessLog.objects.filter(
        action=AuditAction.CHANGE,
        target_type="earlywarning.networkalert",
        target_id=str(alert.pk),
        reason="Reassessed: strategy discussion held, plan updated",
    ).exists()
    listing = client.get("/network-alerts/").text
    assert "Amy Ward" not in listing
    closed_page = client.get(f"/network-alerts/{alert.pk}/").text
    assert "Close the alert" not in closed_page
    assert "strategy discussion held" in closed_page
    again = client.post(f"/network-alerts/{alert.pk}/", {"reason": "twice"})
    assert "was closed on" in again.text

    # The same suspect reached again after closing is not news: nothing raised, nothing added.
    changes = AccessLog.objects.filter(target_type="earlywarning.networkalert").count()
    record(
        cast,
        "cse.rotherham",
        world["amy"],
        world["kaz"],
        LinkKind.FOUND_WITH,
        django_capture_on_commit_callbacks,
    )
    assert NetworkAlert.objects.filter(child=world["amy"]).count() == 1
    alert.refresh_from_db()
    assert alert.further_paths == []
    assert AccessLog.objects.filter(target_type="earlywarning.networkalert").count() == changes

    # A suspect never told of re-alerts.
    jay, mobile = _second_suspect_with_a_phone(world)
    record(
        cast, "cse.rotherham", world["amy"], mobile, LinkKind.USES_PHONE, django_capture_on_commit_callbacks
    )
    reopened = NetworkAlert.objects.get(child=world["amy"], closed_at__isnull=True)
    assert reopened.pk != alert.pk
    assert reopened.key == f"exploiter:{jay.entity_id}"


def test_a_link_between_a_peer_and_a_suspect_alerts_the_child_through_the_peer(
    cast, client_for, world, django_capture_on_commit_callbacks
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
    # Mia's alert was raised by the same link: Amy, reached through her, is shown on it with a task of
    # her own, not as a second item on the district's list.
    mia = NetworkAlert.objects.get(child=world["mia"])
    assert mia.on_queue
    assert amy.through == world["mia"]
    assert not amy.on_queue
    assert ReassessmentTask.objects.filter(child=world["amy"], prompted_by=f"people.link:{new.pk}").exists()
    client = client_for("cse.rotherham")
    listing = client.get("/network-alerts/").text
    assert "Mia Dale" in listing
    assert "Amy Ward" not in listing
    page = client.get(f"/network-alerts/{mia.pk}/").text
    peers = page.split("Young people reached through Mia Dale")[1].split("</ul>")[0]
    assert f"/network-alerts/{amy.pk}/" in peers
    assert "Amy Ward" in peers
    assert "went to" not in page
    assert "already working with" in client.get(f"/network-alerts/{amy.pk}/").text


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


def test_a_further_path_after_the_child_moved_district_moves_the_alert_to_the_new_team(
    cast, client_for, world, django_capture_on_commit_callbacks
):
    from tessera.core.models import District

    jay, mobile = _second_suspect_with_a_phone(world)
    amy_seen_in_kazs_car(cast, world, django_capture_on_commit_callbacks)
    alert = NetworkAlert.objects.get()
    world["amy"].district = District.objects.get(name__iexact="Sheffield")
    world["amy"].save(update_fields=["district"])
    record(
        cast, "sw.sheffield", world["amy"], mobile, LinkKind.USES_PHONE, django_capture_on_commit_callbacks
    )
    alert.refresh_from_db()
    assert alert.district == world["amy"].district
    assert [p["key"] for p in alert.further_paths] == [f"exploiter:{jay.entity_id}"]
    assert client_for("sw.sheffield").get(f"/network-alerts/{alert.pk}/").status_code == 200
    assert client_for("cse.rotherham").get(f"/network-alerts/{alert.pk}/").status_code == 404


def test_an_alert_is_not_closed_over_a_path_found_after_the_page_was_opened(
    cast, client_for, world, django_capture_on_commit_callbacks
):
    _jay, mobile = _second_suspect_with_a_phone(world)
    amy_seen_in_kazs_car(cast, world, django_capture_on_commit_callbacks)
    alert = NetworkAlert.objects.get()
    client = client_for("cse.rotherham")
    assert 'name="paths_seen" value="1"' in client.get(f"/network-alerts/{alert.pk}/").text
    record(
        cast, "cse.rotherham", world["amy"], mobile, LinkKind.USES_PHONE, django_capture_on_commit_callbacks
    )
    refused = client.post(f"/network-alerts/{alert.pk}/", {"reason": "Dealt with Kaz", "paths_seen": "1"})
    assert refused.status_code == 200
    assert "A further path was found since you opened this alert" in refused.text
    assert "Dealt with Kaz</textarea>" in refused.text
    assert 'name="paths_seen" value="2"' in refused.text
    alert.refresh_from_db()
    assert alert.closed_at is None
    done = client.post(
        f"/network-alerts/{alert.pk}/", {"reason": "Dealt with Kaz and Jay", "paths_seen": "2"}
    )
    assert done.status_code == 302


def test_a_child_with_an_open_case_gets_the_path_on_the_case_not_the_districts_list(
    cast, client_for, world, django_capture_on_commit_callbacks
):
    from tests.cases.world import rotherham_case_world

    case = rotherham_case_world(cast, child=world["amy"]).case
    new = amy_seen_in_kazs_car(cast, world, django_capture_on_commit_callbacks)
    [sent] = NetworkAlert.objects.filter(child=world["amy"])
    assert sent.case == case
    assert sent.district == world["amy"].district
    # One task for the link (risk's own receiver may have asked first: one event, one task).
    assert (
        ReassessmentTask.objects.filter(child=world["amy"], prompted_by=f"people.link:{new.pk}").count() == 1
    )

    client = client_for("cse.rotherham")
    assert "Amy Ward" not in client.get("/network-alerts/").text
    chronology = client.get(f"/cases/{case.pk}/chronology/").text
    assert "Network early warning" in chronology
    assert f"/network-alerts/{sent.pk}/" in chronology
    page = client.get(f"/network-alerts/{sent.pk}/").text
    assert "went to the case team as a reassessment task" in page
    path = page.split("The path that explains it")[1].split("</ol>")[0]
    assert path.index("Amy Ward") < path.index("YK62 ABC") < path.index("Kaz Hussain")
    assert "Close the alert</button>" not in page
    # Nobody outside the district sees it, on the case or off it.
    for username in NOBODY_ELSE:
        assert client_for(username).get(f"/network-alerts/{sent.pk}/").status_code == 404, username
