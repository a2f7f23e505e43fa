"""A new assessment starts from what is known (issue 12, item 8).

A concern's disclosure, a missing episode and a link to a suspected exploiter are offered on the
assessment page "from the record", each with its source and date, for the assessor to confirm or reject.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.utils import timezone

from tessera.audit.models import AccessLog, AuditAction
from tessera.core.models import Agency, District
from tessera.people.models import Link, LinkKind
from tessera.referrals.models import Referral
from tessera.risk.models import FactDecision, RecordFactDecision, RiskAssessment
from tests.conftest import make_person

SEEN = datetime(2026, 11, 20, 22, 30, tzinfo=UTC)


@pytest.fixture
def known(cast, rotherham_child, version):
    """A concern about the child with a disclosure and a missing episode, an open link to one suspected
    exploiter and a police-intelligence link to another."""
    hotel = Agency.objects.get(code="police")
    referral = Referral.objects.create(
        reference="R-2026-FACTS1",
        district=District.objects.get(code="rotherham"),
        subject_kind="child",
        child=rotherham_child,
        warning_signs=["disclosure", "missing_overnight"],
        what_was_seen="Girl of about 14 said the men give her vodka; missing from home two nights",
        seen_at=SEEN,
        received_at=SEEN,
        decision_due_on=SEEN.date(),
        referred_by=cast["officer.rotherham"],
        referrer_agency=hotel,
    )
    darren = make_person("rotherham", given="Darren", family="Voss", dob=date(1985, 5, 5))
    open_link = Link.objects.create(
        source=darren.entity,
        target=rotherham_child.entity,
        kind=LinkKind.SUSPECTED_EXPLOITER,
        agency=hotel,
        started_on=date(2026, 10, 1),
    )
    kyle = make_person("rotherham", given="Kyle", family="Marr", dob=date(1990, 1, 1))
    intelligence = Link.objects.create(
        source=kyle.entity,
        target=rotherham_child.entity,
        kind=LinkKind.SUSPECTED_EXPLOITER,
        agency=hotel,
        started_on=date(2026, 9, 1),
        from_intelligence=True,
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code="P",
    )
    return {"referral": referral, "darren": darren, "kyle": kyle, "link": open_link, "intel": intelligence}


def start(client, child) -> str:
    today = timezone.localdate()
    response = client.post(
        f"/risk/children/{child.pk}/assess/",
        {
            "assessed_on_day": today.day,
            "assessed_on_month": today.month,
            "assessed_on_year": today.year,
            "learning_disability": "no",
            "in_care": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def section(page: str) -> str:
    assert 'id="from-the-record"' in page, "no facts from the record on the page"
    return page.split('id="from-the-record"', 1)[1].split("</section>", 1)[0]


def test_a_new_assessment_offers_the_concern_s_facts_and_the_exploiter_link_with_source_and_date(
    client_for, rotherham_child, known
):
    cse = client_for("cse.rotherham")
    offered = section(cse.get(start(cse, rotherham_child)).content.decode())
    assert "The child has disclosed sexual exploitation" in offered
    assert "Going missing overnight or longer" in offered
    assert "Older “boyfriend” or controlling adult" in offered
    referral = known["referral"]
    assert f'href="/referrals/{referral.pk}/">Concern R-2026-FACTS1</a>' in offered
    assert "20 November 2026" in offered or "Nov. 20, 2026" in offered
    assert f'href="/people/{known["darren"].pk}/">Darren Voss (suspected exploiter)</a>' in offered
    assert "said the men give her vodka" in offered
    assert "Kyle Marr" in offered, "a police CSE officer sees the intelligence link too"
    assessment = RiskAssessment.objects.get()
    assert not assessment.observations.exists(), "nothing counts until the assessor confirms it"


def test_only_facts_the_assessor_may_see_are_offered(client_for, rotherham_child, known):
    youth_worker = client_for("youthworker.rotherham")
    page = youth_worker.get(start(youth_worker, rotherham_child)).content.decode()
    offered = section(page)
    assert "Darren Voss" in offered
    assert "Kyle Marr" not in page, "police intelligence is not offered to a charity's youth worker"
    assessment = RiskAssessment.objects.get()
    refused = youth_worker.post(
        f"/risk/assessments/{assessment.pk}/facts/confirm/", {"fact": f"people.link:{known['intel'].pk}"}
    )
    assert refused.status_code == 302
    assert "no longer offered" in youth_worker.get(refused["Location"]).content.decode()
    assert not RecordFactDecision.objects.exists()
    assert not assessment.observations.exists()


def test_a_confirmed_fact_becomes_an_observation_with_who_and_when(client_for, cast, rotherham_child, known):
    cse = client_for("cse.rotherham")
    url = start(cse, rotherham_child)
    assessment = RiskAssessment.objects.get()
    key = f"referrals.referral:{known['referral'].pk}:disclosure"
    response = cse.post(f"/risk/assessments/{assessment.pk}/facts/confirm/", {"fact": key})
    assert response.status_code == 302
    observation = assessment.observations.get()
    assert (observation.indicator, observation.observed_on) == ("disclosure", SEEN.date())
    assert observation.evidence.startswith("From the record: The child told someone they are being exploited")
    assert "(Concern R-2026-FACTS1)" in observation.evidence
    assert observation.recorded_by == cast["cse.rotherham"]
    decision = RecordFactDecision.objects.get()
    assert (decision.decision, decision.decided_by, decision.observation) == (
        FactDecision.CONFIRMED,
        cast["cse.rotherham"],
        observation,
    )
    assert decision.decided_at is not None
    page = cse.get(url).content.decode()
    decided = page.split('id="fact-decisions"', 1)[1].split("</ul>", 1)[0]
    assert "The child has disclosed sexual exploitation from" in decided
    assert "confirmed by Sam Okafor" in decided
    offered = section(page).split('id="fact-decisions"', 1)[0]
    assert "The child has disclosed sexual exploitation" not in offered, "a decided fact is not offered again"
    assert "Signs that exploitation is already happening" in page
    assert page.count("The child has disclosed sexual exploitation") >= 2, "and it is now an observation"


def test_a_rejected_fact_is_kept_with_who_and_when_and_not_offered_again(
    client_for, cast, rotherham_child, known
):
    cse = client_for("cse.rotherham")
    url = start(cse, rotherham_child)
    assessment = RiskAssessment.objects.get()
    key = f"people.link:{known['link'].pk}"
    cse.post(f"/risk/assessments/{assessment.pk}/facts/reject/", {"fact": key})
    assert not assessment.observations.exists()
    decision = RecordFactDecision.objects.get()
    assert (decision.decision, decision.decided_by.username) == (FactDecision.REJECTED, "cse.rotherham")
    assert AccessLog.objects.filter(
        action=AuditAction.CHANGE, target_id=str(assessment.pk), details__decision="rejected"
    ).exists()
    page = cse.get(url).content.decode()
    assert "rejected by Sam Okafor" in page
    again = cse.post(f"/risk/assessments/{assessment.pk}/facts/confirm/", {"fact": key})
    assert "no longer offered" in cse.get(again["Location"]).content.decode()
    assert RecordFactDecision.objects.count() == 1


def test_an_outsider_cannot_decide_a_fact(client_for, cast, rotherham_child, known):
    cse = client_for("cse.rotherham")
    start(cse, rotherham_child)
    assessment = RiskAssessment.objects.get()
    key = f"referrals.referral:{known['referral'].pk}:disclosure"
    response = client_for("sw.sheffield").post(
        f"/risk/assessments/{assessment.pk}/facts/confirm/", {"fact": key}
    )
    assert response.status_code == 404
    assert not RecordFactDecision.objects.exists()


def test_the_page_s_log_row_names_the_records_the_facts_come_from(client_for, cast, rotherham_child, known):
    cse = client_for("cse.rotherham")
    url = start(cse, rotherham_child)
    cse.get(url)
    assessment = RiskAssessment.objects.get()
    row = AccessLog.objects.filter(
        action=AuditAction.VIEW, target_type="risk.riskassessment", target_id=str(assessment.pk)
    ).latest("pk")
    shown = {(r.target_type, r.target_id) for r in row.records_shown.all()}
    assert ("referrals.referral", str(known["referral"].pk)) in shown
    people = {int(pk) for kind, pk in shown if kind == "people.person"}
    assert people == {rotherham_child.pk, known["darren"].pk, known["kyle"].pk}
    assert ("people.link", str(known["intel"].pk)) in shown
