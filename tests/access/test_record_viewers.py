"""Who has looked at a record: the page finds the log rows however the address spells the record's kind."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("label", ["people.person", "people.Person", "People.Person", "PEOPLE.PERSON"])
def test_who_has_looked_lists_the_views_whatever_the_casing_of_the_label(client_for, rotherham_child, label):
    client_for("youthworker.rotherham").get(f"/people/{rotherham_child.pk}/")
    response = client_for("cse.rotherham").get(f"/access/records/{label}/{rotherham_child.pk}/viewers/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Aaliyah Brennan" in page
    assert "No one has looked at this record yet" not in page


def test_an_unknown_kind_of_record_is_not_found(client_for, rotherham_child):
    response = client_for("cse.rotherham").get(
        f"/access/records/people.nothing/{rotherham_child.pk}/viewers/"
    )
    assert response.status_code == 404


def test_emergency_access_does_not_open_who_has_looked(client_for, rotherham_child):
    social_worker = client_for("sw.sheffield")
    social_worker.post(
        "/access/emergency-access/",
        {
            "path": f"/people/{rotherham_child.pk}/",
            "reason": "Child found with my client at a Sheffield hotel tonight, urgent",
            "confirm": "on",
        },
    )
    assert social_worker.get(f"/people/{rotherham_child.pk}/").status_code == 200
    viewers = f"/access/records/people.person/{rotherham_child.pk}/viewers/"
    assert social_worker.get(viewers).status_code == 404
    assert client_for("cse.rotherham").get(viewers).status_code == 200


def test_who_has_looked_includes_searches_and_lists_that_showed_the_child(cast, client_for, rotherham_child):
    from tests.cases.world import rotherham_case_world

    rotherham_case_world(cast, child=rotherham_child)
    client_for("youthworker.rotherham").get("/people/search/", {"q": "Kayleigh Thornley"})
    client_for("supervisor.rotherham").get("/cases/")
    page = (
        client_for("cse.rotherham")
        .get(f"/access/records/people.person/{rotherham_child.pk}/viewers/")
        .content.decode()
    )
    assert "Seen in a search" in page
    assert "Aaliyah Brennan" in page, "the youth worker who searched"
    assert "Seen in a list: cases" in page
    assert "Claire Dunmore" in page, "the supervisor whose case list showed the child"


def test_the_records_a_log_row_showed_cannot_be_changed_or_removed(client_for, rotherham_child):
    from tessera.audit.models import AppendOnlyError, RecordShown

    client_for("youthworker.rotherham").get("/people/search/", {"q": "Kayleigh Thornley"})
    shown = RecordShown.objects.get(target_type="people.person", target_id=str(rotherham_child.pk))
    with pytest.raises(AppendOnlyError):
        shown.save()
    with pytest.raises(AppendOnlyError):
        RecordShown.objects.all().delete()
    with pytest.raises(AppendOnlyError):
        shown.delete()
