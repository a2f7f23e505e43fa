"""Synthetic risk histories: deterministic, generated from each child's true status, ground truth kept apart."""

from __future__ import annotations

from datetime import date, timedelta

from django.utils import timezone

from tessera.jobs.queue import run_pending
from tessera.risk.calibration_job import labelled_from_database, start_study
from tessera.risk.models import (
    ConfirmedOutcome,
    InstrumentVersion,
    RiskAssessment,
    StudyStatus,
    VersionOrigin,
)
from tessera.synth.models import GroundTruthPerson
from tessera.synth.risk_history import generate_histories, original_instrument
from tessera.synth.risk_seed import seed_risk_history
from tessera.synth.world import generate_world
from tests.conftest import verified_client

START, END = date(2011, 1, 1), date(2013, 12, 31)


def test_histories_are_deterministic_for_a_seed():
    first = generate_histories(50, seed=3, start=START, end=END)
    again = generate_histories(50, seed=3, start=START, end=END)
    assert [c.observations for c in first] == [c.observations for c in again]


def test_exploited_children_show_more_significant_indicators():
    children = generate_histories(600, seed=5, start=START, end=END)
    significant = {i.code for i in original_instrument().indicators if i.group == "significant"}

    def rate(group):
        counts = [sum(o.indicator in significant for o in c.observations) for c in group]
        return sum(counts) / max(1, len(counts))

    exploited = [c for c in children if c.exploited_from]
    safe = [c for c in children if not c.exploited_from]
    assert exploited
    assert safe
    assert rate(exploited) > 3 * rate(safe)


def test_demo_seed_writes_history_outcomes_and_a_study_runs_on_it(cast):
    generate_world(people=1500, seed=5)
    summary = seed_risk_history(limit=150, seed=5)
    assert summary.assessments > 100
    version = InstrumentVersion.objects.get()
    assert version.origin == VersionOrigin.REFERENCE
    assert RiskAssessment.objects.exclude(override_direction="none").exclude(override_reason="").exists()
    assert ConfirmedOutcome.objects.count() == summary.outcomes
    # The world's ground truth decides who was exploited, and when it began.
    exploited = dict(
        GroundTruthPerson.objects.filter(
            exploitation_status="exploited", person_id__isnull=False
        ).values_list("person_id", "exploitation_started_on")
    )
    for outcome in ConfirmedOutcome.objects.all():
        assert exploited[outcome.child_id] == outcome.harmed_from

    records, synthetic = labelled_from_database(timezone.localdate())
    assert synthetic
    assert any(r.harmed for r in records)

    study = start_study(cast["supervisor.rotherham"], version)
    assert run_pending() == 1
    study.refresh_from_db()
    assert study.status == StudyStatus.FINISHED, study.report
    assert study.synthetic_outcomes
    assert study.report["candidates"][0]["key"] == "current"
    page = verified_client(cast["commissioner"]).get(f"/risk/calibration/{study.pk}/").content.decode()
    assert "prove the method, not weights for real use" in page
    assert 'id="study-figures"' in page
    # A small demo world has too few harmed children to learn from: the page says so, and still shows the
    # current version's figures with their intervals.
    assert "No version proposed" in page
    assert "at least 100 are needed" in page
    assert "(95% interval" in page
    # Aggregates only: no child is named on the page.
    assert not any(
        name in page for name in RiskAssessment.objects.values_list("child__family_name", flat=True)[:20]
    )
    supervisor = verified_client(cast["supervisor.rotherham"])
    assert supervisor.post(f"/risk/calibration/{study.pk}/propose/").status_code == 404
    assert not InstrumentVersion.objects.filter(study=study).exists()


def test_observations_entered_after_completion_are_not_on_file_for_the_study(cast):
    generate_world(people=600, seed=6)
    seed_risk_history(limit=60, seed=6)
    from tessera.risk.models import IndicatorObservation

    observation = (
        IndicatorObservation.objects.select_related("assessment")
        .filter(assessment__assessed_on__lte=timezone.localdate() - timedelta(days=120))
        .first()
    )
    assert observation is not None
    completed = observation.assessment.completed_at
    assert completed is not None
    IndicatorObservation.objects.filter(pk=observation.pk).update(entered_at=completed + timedelta(days=40))
    records, _ = labelled_from_database(timezone.localdate())
    record = next(
        r
        for r in records
        if r.assessed_on == observation.assessment.assessed_on and r.child == observation.assessment.child_id
    )
    assert record.on_file_by is not None
    late = [o for o in record.observations if o.entered_on and o.entered_on > record.on_file_by]
    assert len(late) == 1
    assert record.groups["district"] == observation.assessment.district.name
    assert record.groups["care_status"] in {"In care", "Not in care"}
