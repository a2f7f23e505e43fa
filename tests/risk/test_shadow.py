"""Shadow scoring: a draft scores new assessments in the background, unseen by assessors, and its figures
are compared with the live version's on the same children once outcomes mature."""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tessera.jobs.queue import run_pending
from tessera.risk import version_services
from tessera.risk.catalogue import seraf_style_default
from tessera.risk.instrument import Level
from tessera.risk.models import ConfirmedOutcome, OutcomeKind, ShadowScore
from tessera.risk.shadow import ShadowPair, compare_shadow
from tessera.risk.shadow_job import switch_shadow
from tests.conftest import make_person, verified_client
from tests.risk.world import assess, complete

TODAY = date(2026, 12, 1)


def _small_world(children: int = 300, seed: int = 1) -> list[ShadowPair]:
    """Children assessed twice; a quarter later harmed. The live version flags half the harmed, the shadow
    version nine in ten (and a few more of the others)."""
    rng = np.random.default_rng(seed)
    pairs = []
    for child in range(children):
        harmed = rng.random() < 0.25
        for n in range(2):
            live = Level.MODERATE if harmed and rng.random() < 0.5 else Level.MILD
            shadow = Level.MODERATE if (harmed and rng.random() < 0.9) or rng.random() < 0.05 else Level.MILD
            pairs.append(
                ShadowPair(child, date(2025, 1, 1) + timedelta(days=child + 90 * n), live, shadow, harmed)
            )
    return pairs


def test_shadow_comparison_on_a_small_world_is_paired_on_the_same_children():
    comparison = compare_shadow(_small_world(), as_of=TODAY, min_harmed_children=50)
    assert comparison.live is not None
    assert comparison.shadow is not None
    assert comparison.can_judge
    assert comparison.live.sensitivity.value == pytest.approx(0.5, abs=0.08)
    assert comparison.shadow.sensitivity.value == pytest.approx(0.9, abs=0.06)
    difference = comparison.sensitivity_difference
    assert difference.low <= difference.value <= difference.high
    assert difference.low > 0.2  # clearly better, and the paired interval says so
    assert comparison.flag_rate_difference.value > 0


def test_only_mature_outcomes_count_and_the_wait_is_said():
    pairs = _small_world()
    comparison = compare_shadow(pairs, as_of=date(2026, 6, 1), min_harmed_children=50)
    # Outcomes mature 15 months after an assessment: only those made on or before 1 March 2025 count.
    assert comparison.mature_until == date(2025, 3, 1)
    assert comparison.mature == sum(p.assessed_on <= date(2025, 3, 1) for p in pairs)
    assert any("waiting for their outcomes to mature" in m for m in comparison.messages)
    nothing_yet = compare_shadow(pairs, as_of=date(2025, 6, 1))
    assert nothing_yet.live is None
    assert "none has a mature outcome yet" in nothing_yet.messages[0]


def test_too_few_harmed_children_cannot_judge_yet():
    comparison = compare_shadow(_small_world(60), as_of=TODAY)
    assert not comparison.can_judge
    assert any("at least 100 are needed" in m for m in comparison.messages)


@pytest.fixture
def draft(cast, version):
    definition = seraf_style_default()
    stronger = definition.with_weights({"staying_out_late": (6, 3)}, definition.bands, "Stronger staying out")
    return version_services.draft_version(cast["supervisor.rotherham"], stronger, change_summary="Test")


def test_a_draft_in_shadow_scores_new_assessments_in_the_background_unseen_by_assessors(
    cast, version, draft, django_capture_on_commit_callbacks
):
    switch_shadow(cast["supervisor.rotherham"], draft, on=True)
    officer = cast["cse.rotherham"]
    child = make_person("rotherham", given="Kieran", family="Boothroyd")
    with django_capture_on_commit_callbacks(execute=True):
        done = complete(officer, assess(officer, child, [("staying_out_late", 5)], days_ago=500))
    assert run_pending() >= 1
    score = ShadowScore.objects.get(assessment=done, instrument_version=draft)
    assert score.computed_score == 6
    assert score.computed_level == Level.MILD
    assert done.computed_score == 1  # the live version's score, which is all the assessor sees
    page = verified_client(officer).get(f"/risk/assessments/{done.pk}/").content.decode()
    assert "shadow" not in page.lower()
    assert "in the last 6 months: 1 point." in page  # the live points, not the shadow version's 6


def test_approval_shows_the_shadow_evidence(
    cast, version, draft, supervisor2, django_capture_on_commit_callbacks
):
    switch_shadow(cast["supervisor.rotherham"], draft, on=True)
    officer = cast["cse.rotherham"]
    for n in range(3):
        child = make_person("rotherham", given=f"Child{n}", family="Hardcastle")
        with django_capture_on_commit_callbacks(execute=True):
            complete(officer, assess(officer, child, [("staying_out_late", 5)], days_ago=600))
        ConfirmedOutcome.objects.create(
            child=child,
            kind=OutcomeKind.SECTION_47,
            harmed_from=timezone.localdate() - timedelta(days=590),
            confirmed_on=timezone.localdate() - timedelta(days=400),
        )
    run_pending()
    page = verified_client(supervisor2).get(f"/risk/instrument/{draft.number}/decide/").content.decode()
    assert "Shadow evidence" in page
    assert (
        "3 assessments scored in shadow; 3 with mature outcomes, of 3 children, 3 of them later confirmed harmed"
        in page
    )
    assert 'id="shadow-figures"' in page
    assert "at least 100 are needed" in page
    assert "Difference (shadow − live, paired)" in page


def test_a_version_never_run_in_shadow_says_so_at_approval(cast, version, draft, supervisor2):
    page = verified_client(supervisor2).get(f"/risk/instrument/{draft.number}/decide/").content.decode()
    assert "has not been run in shadow, so there is no prospective evidence" in page


def test_shadow_is_switched_by_a_manager_through_the_page_and_only_for_drafts(cast, version, draft):
    supervisor = verified_client(cast["supervisor.rotherham"])
    assert supervisor.post(f"/risk/instrument/{draft.number}/shadow/", {"shadow": "on"}).status_code == 302
    draft.refresh_from_db()
    assert draft.in_shadow
    officer = verified_client(cast["cse.rotherham"])
    assert officer.post(f"/risk/instrument/{draft.number}/shadow/", {"shadow": "off"}).status_code == 403
    with pytest.raises(ValidationError, match="Only a draft"):
        switch_shadow(cast["supervisor.rotherham"], version, on=True)
