"""Missing episodes made through the services, as users would make them."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace
from typing import Any

from django.utils import timezone

from tessera.missing import services
from tessera.missing.models import MissingEpisode
from tessera.people.models import Person


def report(
    user: Any, child: Person, *, hours_ago: float = 5, grade: str = "medium", decision: str = "", **extra: Any
) -> MissingEpisode:
    return services.report_missing(
        user,
        child,
        services.EpisodeReport(
            reported_by_kind="childrens_home",
            reported_by_name="Lorna Pike, Oakwood House",
            last_seen_at=timezone.now() - timedelta(hours=hours_ago),
            last_seen_where="Oakwood House, Wath Road",
            circumstances="Left through the back door after a phone call; took her charger.",
            grade=grade,
            grade_reason="Out overnight before; phone off.",
            supervisor_decision=decision,
        ),
        **extra,
    )


def found(user: Any, episode: MissingEpisode, *, hours_ago: float = 1, **where: Any) -> MissingEpisode:
    episode.refresh_from_db()
    services.record_found(
        user,
        episode,
        services.Found(
            found_at=timezone.now() - timedelta(hours=hours_ago), account="Found by patrol.", **where
        ),
        expected_version=episode.version,
    )
    episode.refresh_from_db()
    return episode


def build_missing_world(cast: dict[str, Any], child: Person) -> SimpleNamespace:
    """For the access matrix: a carer's profile of the child, and an episode found, checked and
    interviewed with one disclosure (an action on the child's case)."""
    cse = cast["cse.rotherham"]
    profile = services.save_profile(
        cse,
        child,
        kept_by="Lorna Pike, Oakwood House",
        carer_kind="childrens_home",
        description="5ft 4, slim, long dark hair",
        associates="An older man called Kaz",
    )
    episode = found(cse, report(cse, child, profile=profile))
    services.record_return_interview(
        cse,
        episode,
        services.Interview(
            held_at=timezone.now() - timedelta(minutes=20),
            interviewer="Jo Clegg, Safe Steps",
            child_account="Went to Kaz's flat.",
            disclosures=("Kaz gave her a phone",),
        ),
    )
    episode.refresh_from_db()
    # And she is missing again.
    missing_now = report(cse, child, hours_ago=2)
    return SimpleNamespace(profile=profile, episode=episode, missing_now=missing_now)
