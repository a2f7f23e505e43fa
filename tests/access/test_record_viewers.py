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
