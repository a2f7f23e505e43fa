"""Synthetic missing episodes: generated from each child's true status, deterministic by seed, and stored
for the demo with their returns, links and the alerts the rules raise."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.utils import timezone

from tessera.missing.models import Disclosure, MissingEpisode, PatternAlert, ReturnInterview
from tessera.people.models import Link
from tessera.risk.models import ReassessmentTask, TaskReason
from tessera.synth.missing_history import ChildTruth, NetworkThings, generate_episodes
from tessera.synth.missing_seed import RECENT_ALERT_DAYS, seed_missing_history
from tessera.synth.models import GroundTruthPerson
from tessera.synth.world import generate_world

START, END = date(2025, 1, 1), date(2025, 12, 31)
NETWORK = NetworkThings(adults=(501, 502), places=(601, 602), vehicles=(701,))


def _children() -> list[ChildTruth]:
    exploited = [
        ChildTruth(i, "Rotherham", "exploited", exploited_from=date(2025, 3, 1), network=1) for i in range(40)
    ]
    others = [ChildTruth(100 + i, "Rotherham", "not_known") for i in range(200)]
    return exploited + others


def _generate(seed: int):
    return generate_episodes(
        random.Random(seed), _children(), {1: NETWORK}, {"Rotherham": (900,)}, start=START, end=END
    )


def test_the_same_seed_gives_the_same_episodes_and_another_seed_others():
    assert _generate(5) == _generate(5)
    assert _generate(5) != _generate(6)


def test_exploited_children_go_missing_more_and_are_found_with_their_network():
    drafts = _generate(5)
    exploited = [d for d in drafts if d.child_id < 100]
    others = [d for d in drafts if d.child_id >= 100]
    assert len(exploited) / 40 > 10 * (len(others) / 200)
    with_network = [
        d for d in exploited if d.found_with_id in NETWORK.adults or d.found_place_id in NETWORK.places
    ]
    assert len(with_network) > len(exploited) / 3
    assert not [d for d in others if d.found_with_id or d.found_vehicle_id]
    assert all(d.reported_at.date() >= START for d in drafts)


@pytest.mark.django_db
def test_the_demo_world_gets_episodes_interviews_links_and_alerts(cast):
    generate_world(people=600, seed=11)
    summary = seed_missing_history(seed=11, background=50)
    assert summary.episodes == MissingEpisode.objects.count() > 0
    assert summary.interviews == ReturnInterview.objects.count() > 0
    assert summary.alerts == PatternAlert.objects.count() > 0
    assert Link.objects.filter(source_system="missing").exists()
    truth = dict(
        GroundTruthPerson.objects.filter(role="child", person_id__isnull=False).values_list(
            "person_id", "exploitation_status"
        )
    )
    exploited = {pk for pk, status in truth.items() if status == "exploited"}
    episodes = list(MissingEpisode.objects.values_list("child_id", flat=True))
    from_exploited = sum(1 for child in episodes if child in exploited)
    # Episodes per exploited child against per child who is not (all of them, as the world holds them).
    assert from_exploited / len(exploited) > 5 * (len(episodes) - from_exploited) / (
        len(truth) - len(exploited)
    )
    # The newest disclosures went through the service: each is an action or a concern, and a report.
    disclosures = list(Disclosure.objects.all())
    assert summary.disclosures == len(disclosures) > 0
    assert all(d.intelligence_report_id and (d.action_id or d.referral_id) for d in disclosures)
    # Each recent alert asks for the child's risk to be reassessed, naming the alert.
    recent = PatternAlert.objects.filter(
        raised_at__gte=timezone.now() - timedelta(days=RECENT_ALERT_DAYS - 1)
    )
    tasks = set(
        ReassessmentTask.objects.filter(reason=TaskReason.MISSING_EPISODE).values_list(
            "prompted_by", flat=True
        )
    )
    assert summary.reassessments == len(tasks) > 0
    assert {f"missing.patternalert:{a.pk}" for a in recent} <= tasks
    assert seed_missing_history(seed=11).episodes == 0  # already there: left as it is
