"""Issue 17, Found 5: refused access is written to the access log, and someone walking ids 1..N shows up
on their supervisor's review page. The 404 itself stays the same for missing and not yours."""

from __future__ import annotations

import re

from django.test import RequestFactory

from tessera.access.services import restrict_record
from tessera.audit.models import AccessLog, AuditAction
from tessera.people.models import Person
from tests.conftest import make_person


def _refused(username: str) -> list[AccessLog]:
    return list(AccessLog.objects.filter(actor_username=username, action=AuditAction.REFUSED).order_by("id"))


def _why(entry: AccessLog) -> tuple[str, str, str, int]:
    return entry.target_type, entry.target_id, entry.details["outcome"], entry.details["status"]


def test_another_districts_record_leaves_a_refused_row_naming_who_what_and_why(client_for, rotherham_child):
    response = client_for("sw.sheffield").get(f"/people/{rotherham_child.pk}/")
    assert response.status_code == 404
    [entry] = _refused("sw.sheffield")
    assert _why(entry) == ("people.person", str(rotherham_child.pk), "outside their access", 404)
    assert entry.actor_agency
    assert entry.path == f"/people/{rotherham_child.pk}/"


def test_a_missing_record_is_logged_as_such_while_the_page_says_the_same(client_for, rotherham_child):
    outsider = client_for("sw.sheffield")
    not_yours = outsider.get(f"/people/{rotherham_child.pk}/")
    missing = outsider.get("/people/999999999/")

    def normalised(body: bytes, path: str) -> bytes:
        body = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]+"', b"", body)
        return body.replace(path.encode(), b"PATH")

    assert normalised(not_yours.content, f"/people/{rotherham_child.pk}/") == normalised(
        missing.content, "/people/999999999/"
    )
    assert [_why(e)[1:3] for e in _refused("sw.sheffield")] == [
        (str(rotherham_child.pk), "outside their access"),
        ("999999999", "no such record"),
    ]


def test_a_restricted_record_is_logged_as_restricted(cast, client_for, rotherham_child):
    restrict_record(
        cast["supervisor.rotherham"],
        model=Person,
        target_id=rotherham_child.pk,
        reason="Child of a member of staff",
        named_users=[cast["cse.rotherham"]],
        request=RequestFactory().get("/"),
    )
    assert client_for("officer.rotherham").get(f"/people/{rotherham_child.pk}/").status_code == 404
    [entry] = _refused("officer.rotherham")
    assert _why(entry) == ("people.person", str(rotherham_child.pk), "restricted record", 404)


def test_a_403_is_logged(client_for):
    # Only supervisors review emergency access: a frontline officer is refused the page.
    response = client_for("officer.rotherham").get("/access/emergency-access/review/")
    assert response.status_code == 403
    [entry] = _refused("officer.rotherham")
    assert entry.details["status"] == 403
    assert entry.details["outcome"] == "not allowed for their role"
    assert entry.details["view"] == "access:review_list"


def test_the_api_refusal_is_logged_too(client_for, rotherham_child):
    assert client_for("sw.sheffield").get(f"/api/v1/people/{rotherham_child.pk}/").status_code == 404
    [entry] = _refused("sw.sheffield")
    assert _why(entry) == ("people.person", str(rotherham_child.pk), "outside their access", 404)


def test_pages_that_answer_leave_no_refused_row(client_for, rotherham_child):
    assert client_for("cse.rotherham").get(f"/people/{rotherham_child.pk}/").status_code == 200
    assert _refused("cse.rotherham") == []


def test_walking_ids_shows_on_the_supervisors_review_page(client_for, db):
    sheffield = [make_person("sheffield", given=f"Ellie{i}", family="Cawthorne") for i in range(12)]
    prober = client_for("cse.rotherham")
    first = min(p.pk for p in sheffield)
    for pk in range(first, first + 15):  # twelve other districts' children, then three ids that do not exist
        assert prober.get(f"/people/{pk}/").status_code == 404
    assert len(_refused("cse.rotherham")) == 15

    supervisor = client_for("supervisor.rotherham")
    page = supervisor.get("/access/emergency-access/review/").content.decode()
    row = page[page.index("Refused requests by person") :]
    assert "Sam Okafor" in row
    assert "Many records refused" in row
    assert re.search(r"numeric\">15</td>\s*<td[^>]*numeric\">15</td>", row)

    user_id = AccessLog.objects.filter(actor_username="cse.rotherham").values_list("actor_id", flat=True)[0]
    detail = supervisor.get(f"/access/emergency-access/review/refused/{user_id}/").content.decode()
    assert "15 refused" in detail
    assert detail.count("outside their access") == 12
    assert detail.count("no such record") == 3
    # Reading the list of refusals is itself logged.
    assert AccessLog.objects.filter(
        actor_username="supervisor.rotherham", details__list="refused requests"
    ).exists()


def test_a_supervisor_does_not_see_refusals_of_people_they_do_not_supervise(client_for, rotherham_child):
    client_for("sw.sheffield").get(f"/people/{rotherham_child.pk}/")
    supervisor = client_for("supervisor.rotherham")
    page = supervisor.get("/access/emergency-access/review/").content.decode()
    assert "Helen Marsh" not in page
    sw_id = AccessLog.objects.filter(actor_username="sw.sheffield").values_list("actor_id", flat=True)[0]
    assert supervisor.get(f"/access/emergency-access/review/refused/{sw_id}/").status_code == 404


def test_the_records_owner_sees_the_refused_request_in_who_has_looked(client_for, rotherham_child):
    client_for("sw.sheffield").get(f"/people/{rotherham_child.pk}/")
    page = client_for("cse.rotherham").get(f"/access/records/people.person/{rotherham_child.pk}/viewers/")
    assert "Asked for it and was refused (outside their access)" in page.content.decode()
