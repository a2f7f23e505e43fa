"""The demo's synthetic case work: clocks in every state, built through the services."""

from tessera.cases.models import Case, CaseStatus
from tessera.referrals.models import Referral
from tessera.synth.casework import generate_casework
from tessera.synth.world import generate_world


def test_demo_casework_fills_queues_and_cases_and_is_idempotent(cast, client_for):
    generate_world(people=400)
    summary = generate_casework()
    assert summary.cases == 4
    assert Referral.objects.filter(decision="").count() >= 2
    assert Case.objects.filter(status=CaseStatus.CLOSED).count() == 1
    assert generate_casework().referrals == 0, "a second run adds nothing"
    queue = client_for("cse.rotherham").get("/referrals/triage/").content.decode()
    assert "Overdue by" in queue
    cases = client_for("cse.rotherham").get("/cases/").content.decode()
    assert "overdue" in cases
