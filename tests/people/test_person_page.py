"""The person page: every source's account with its provenance, and the person's links as a chart and table."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tessera.audit.models import AccessLog, AuditAction
from tessera.people.models import LinkKind
from tests.people.helpers import account, add_identity, link, person, phone, vehicle

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("scope_read_once_per_request")]


def test_the_page_shows_each_agencys_record_with_where_it_came_from(client_for):
    child = person("rotherham", "Kayleigh", "Thornley", date(2010, 3, 14))
    add_identity(child, "safe-steps", "Kay", "Thornly", None, other_names=["Little K"], approximate_age=14)
    page = client_for("cse.rotherham").get(f"/people/{child.pk}/").content.decode()
    assert 'South Yorkshire Police<br><span class="govuk-body-s">Niche RMS record' in page
    assert 'Safe Steps Youth Project<br><span class="govuk-body-s">Test system record' in page
    assert "Little K" in page
    assert "About 14 years old" in page


def test_the_link_chart_and_table_show_the_same_links(client_for):
    child = person("rotherham", "Tia", "Kirkby")
    adult = person("rotherham", "Connor", "Dearne", date(1990, 2, 2))
    link(adult, child, LinkKind.SUSPECTED_EXPLOITER)
    car = vehicle("YC14QAB")
    link(child, car, LinkKind.SEEN_IN_VEHICLE)
    page = client_for("cse.rotherham").get(f"/people/{child.pk}/").content.decode()
    assert 'role="img"' in page
    assert "Link chart: Tia Kirkby and 2 linked entries" in page
    assert page.count('class="tessera-link-chart__node ') == 2
    assert "Suspected exploiter of (by)" in page
    assert f'href="/people/{adult.pk}/"' in page
    assert f'Vehicle:</span> <a class="govuk-link" href="/people/vehicles/{car.pk}/">YC14QAB</a>' in page
    assert "style=" not in page, "inline styles break the Content-Security-Policy"


def test_a_linked_person_the_viewer_cannot_see_is_not_named(client_for):
    child = person("rotherham", "Tia", "Kirkby")
    adult = person("sheffield", "Connor", "Dearne", date(1990, 2, 2))
    link(adult, child, LinkKind.SUSPECTED_EXPLOITER)
    page = client_for("cse.rotherham").get(f"/people/{child.pk}/").content.decode()
    assert "Connor Dearne" not in page
    assert "A person you do not have access to" in page


def test_viewing_a_person_is_logged(client_for):
    child = person("rotherham", "Tia", "Kirkby")
    client_for("officer.rotherham").get(f"/people/{child.pk}/")
    entry = AccessLog.objects.filter(action=AuditAction.VIEW).latest("id")
    assert (entry.actor_username, entry.target_type, entry.target_id) == (
        "officer.rotherham",
        "people.person",
        str(child.pk),
    )


def test_an_outsider_gets_the_same_404_as_for_a_missing_person(client_for):
    child = person("rotherham", "Tia", "Kirkby")
    outsider = client_for("sw.sheffield")
    hidden = outsider.get(f"/people/{child.pk}/")
    missing = outsider.get(f"/people/{child.pk + 1000}/")
    assert hidden.status_code == missing.status_code == 404

    def comparable(body: bytes) -> str:
        text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body.decode())
        return text.replace(f"/people/{child.pk + 1000}/", "/people/ID/").replace(
            f"/people/{child.pk}/", "/people/ID/"
        )

    assert comparable(hidden.content) == comparable(missing.content)


def _page_queries(client, pk: int) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/people/{pk}/").status_code == 200
    return len(captured.captured_queries)


def test_person_page_query_count_does_not_grow_with_links_or_records(client_for):
    client = client_for("cse.rotherham")
    child = person("rotherham", "Tia", "Kirkby")
    link(child, vehicle("YC14QAA"), LinkKind.SEEN_IN_VEHICLE)
    link(child, phone("+447700900099"), LinkKind.USES_PHONE)
    link(child, account("TikTok", "tia"), LinkKind.USES_ACCOUNT)
    link(person("rotherham", "Amy", "Kirkby"), child, LinkKind.FAMILY)
    few = _page_queries(client, child.pk)
    for n in range(10):
        link(child, vehicle(f"YC14QA{chr(66 + n)}"), LinkKind.SEEN_IN_VEHICLE)
        link(child, phone(f"+44770090010{n}"), LinkKind.USES_PHONE)
        link(child, account("TikTok", f"tia{n}"), LinkKind.USES_ACCOUNT)
        link(person("rotherham", "Peer", f"Number{n}"), child, LinkKind.PEER)
        add_identity(child, "police", "Tia", "Kirkby", None)
    assert _page_queries(client, child.pk) == few
