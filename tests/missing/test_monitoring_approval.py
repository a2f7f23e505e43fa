"""A request to end a repeatedly missing child's monitoring reaches the district's supervisor: on their
home page and on the missing overview, with a way to approve it, and nowhere else."""

from __future__ import annotations

import pytest

from tessera.missing import services
from tessera.missing.models import Monitoring
from tests.cases.world import rotherham_case_world
from tests.conftest import verified_client
from tests.missing.world import found, report


@pytest.fixture
def requested(cast):
    world = rotherham_case_world(cast)
    cse = cast["cse.rotherham"]
    for days in (40, 20):
        found(cse, report(cse, world.child, hours_ago=24 * days + 5), hours_ago=24 * 10)
    found(cse, report(cse, world.child, hours_ago=30), hours_ago=2)
    monitoring = Monitoring.objects.get(child=world.child)
    assert not services.close_monitoring(
        cse, monitoring, expected_version=monitoring.version, reason="Back at school every day, settled"
    )
    return world


def test_the_supervisor_finds_the_request_from_the_home_page_and_approves_it(cast, requested):
    client = verified_client(cast["supervisor.rotherham"])
    home = client.get("/").content.decode()
    assert "Missing children: monitoring to end" in home
    assert "waiting for your approval" in home
    overview = client.get("/missing/").content.decode()
    assert 'id="closures-to-approve"' in overview
    assert requested.child.full_name in overview
    assert "Back at school every day, settled" in overview
    form_url = f"/missing/children/{requested.child.pk}/monitoring/end/"
    assert form_url in overview
    monitoring = Monitoring.objects.get(child=requested.child)
    response = client.post(
        form_url,
        {"reason": "Agreed: settled", "version": monitoring.version, "expected_version": monitoring.version},
    )
    assert response.status_code == 302
    monitoring.refresh_from_db()
    assert monitoring.closed_at is not None
    assert monitoring.approved_by == cast["supervisor.rotherham"]
    assert "closures-to-approve" not in client.get("/missing/").content.decode()
    assert "monitoring to end" not in client.get("/").content.decode()


@pytest.mark.parametrize(
    "username", ["cse.rotherham", "youthworker.rotherham", "mpc.doncaster", "sw.sheffield"]
)
def test_nobody_but_the_districts_supervisor_is_asked_to_approve(cast, requested, username):
    client = verified_client(cast[username])
    assert "monitoring to end" not in client.get("/").content.decode()
    overview = client.get("/missing/")
    if overview.status_code == 200:
        assert "closures-to-approve" not in overview.content.decode()
