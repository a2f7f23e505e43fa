"""Emergency access always has a reviewer and has limits (issue 17, Found 4).

A Sheffield social worker opened 26 Rotherham children's records in a few seconds with one pasted
reason; no supervisor shared her team, so nobody's review list showed the grants.
"""

from datetime import timedelta

import pytest
from django.utils import timezone

from tessera.access.models import BreakGlassGrant
from tessera.access.services import grants_to_review
from tessera.accounts.models import RoleGrant, TeamMembership, User
from tessera.accounts.roles import Role
from tessera.audit.models import AccessLog, AuditAction
from tessera.core.models import Agency, Team
from tests.conftest import make_person


def _ask(client, path, reason):
    return client.post("/access/emergency-access/", {"path": path, "reason": reason, "confirm": "on"})


@pytest.fixture
def rotherham_children(db):
    return [make_person("rotherham", given=f"Child{n}", family="Dearne") for n in range(7)]


def test_without_a_supervisor_in_her_team_the_records_district_supervisor_reviews(
    cast, client_for, rotherham_children
):
    worker = client_for("sw.sheffield")
    child = rotherham_children[0]
    _ask(worker, f"/people/{child.pk}/", "Disclosed at school today that she stays at this address")
    waiting = grants_to_review(cast["supervisor.rotherham"])
    assert [g.user.username for g in waiting] == ["sw.sheffield"]
    page = client_for("supervisor.rotherham").get(f"/access/emergency-access/review/{waiting[0].pk}/")
    assert "The record is in a district you supervise" in page.content.decode()


def test_a_grant_nobody_would_review_by_team_or_district_goes_to_every_supervisor(cast, client_for):
    worker = client_for("sw.sheffield")
    _ask(worker, "/people/987654321/", "Name given by a caller tonight, looking for her record")
    grant = BreakGlassGrant.objects.get(user=cast["sw.sheffield"])
    assert grant.any_supervisor_reviews, "no Sheffield supervisor, and no record district"
    assert grant in grants_to_review(cast["supervisor.rotherham"])
    # What the worker sees does not depend on whether the record exists.
    assert worker.get("/people/987654321/").status_code == 404


def test_a_force_wide_supervisor_reviews_everyone(cast, client_for, rotherham_children):
    professional_standards = User.objects.create_user(
        username="standards", password="not-used-here-123", agency=Agency.objects.get(code="police")
    )
    RoleGrant.objects.create(user=professional_standards, role=Role.SUPERVISOR)
    TeamMembership.objects.create(
        user=professional_standards, team=Team.objects.filter(district__isnull=True)[0]
    )
    _ask(
        client_for("cse.rotherham"),
        f"/people/{rotherham_children[0].pk}/",
        "Seen with a suspect tonight, urgent",
    )
    assert [g.user.username for g in grants_to_review(professional_standards)] == ["cse.rotherham"]


def test_emergency_access_is_limited_per_hour_with_a_message_saying_when_it_opens_again(
    cast, client_for, rotherham_children, settings
):
    worker = client_for("sw.sheffield")
    for number, child in enumerate(rotherham_children[: settings.BREAK_GLASS_PER_HOUR]):
        response = _ask(
            worker, f"/people/{child.pk}/", f"Child {number} named by the girl at interview today"
        )
        assert response.status_code == 302
    refused = _ask(worker, f"/people/{rotherham_children[-1].pk}/", "One more child she named at interview")
    body = refused.content.decode()
    assert refused.status_code == 200
    assert f"You have used emergency access {settings.BREAK_GLASS_PER_HOUR} times in the last hour" in body
    assert "You can use it again at" in body
    assert BreakGlassGrant.objects.filter(user=cast["sw.sheffield"]).count() == settings.BREAK_GLASS_PER_HOUR
    assert worker.get(f"/people/{rotherham_children[-1].pk}/").status_code == 404
    logged = AccessLog.objects.filter(actor=cast["sw.sheffield"], action=AuditAction.BREAK_GLASS)
    assert any("refused" in entry.details for entry in logged), "the refusal is logged"
    BreakGlassGrant.objects.filter(user=cast["sw.sheffield"]).update(
        granted_at=timezone.now() - timedelta(hours=1, minutes=1)
    )
    later = _ask(worker, f"/people/{rotherham_children[-1].pk}/", "One more child she named at interview")
    assert later.status_code == 302, "an hour later it opens again"


def test_one_reason_pasted_for_another_record_is_refused(cast, client_for, rotherham_children):
    worker = client_for("sw.sheffield")
    reason = "Urgent safeguarding check on a child at risk tonight"
    assert _ask(worker, f"/people/{rotherham_children[0].pk}/", reason).status_code == 302
    second = _ask(worker, f"/people/{rotherham_children[1].pk}/", reason)
    assert "You gave the same reason for another record" in second.content.decode()
    assert BreakGlassGrant.objects.filter(user=cast["sw.sheffield"]).count() == 1
