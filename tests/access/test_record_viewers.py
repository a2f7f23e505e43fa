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
