"""Raising pattern alerts: gather the facts the pure rules need, store each hit once per child on the
child's case, and ask for the child's risk to be reassessed (``risk.services.create_task``, called
directly as the architecture says for apps above risk).

Made by the system in response to what a user recorded, inside that user's transaction: the alert and
its access-log row commit with the episode or the return.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.missing import patterns
from tessera.missing.models import MissingEpisode, PatternAlert
from tessera.missing.patterns import EpisodeFacts, PatternHit
from tessera.people.models import LocationKind
from tessera.risk.models import ReassessmentTask, TaskReason
from tessera.risk.services import create_task

HOTSPOT_KINDS = frozenset({LocationKind.HOTEL, LocationKind.TAXI_FIRM, LocationKind.TAKEAWAY})
_FACT_COLUMNS = (
    "pk",
    "child_id",
    "reported_at",
    "found_place_id",
    "found_with_id",
    "found_vehicle_id",
    "found_place__kind",
)


def strategy_discussion_count() -> int:
    """Episodes in 90 days at which a strategy discussion is prompted (``TESSERA_MISSING_STRATEGY_COUNT``)."""
    return int(getattr(settings, "TESSERA_MISSING_STRATEGY_COUNT", patterns.REPEAT_EPISODES))


def _facts(row: dict[str, object]) -> EpisodeFacts:
    return EpisodeFacts(
        episode_id=int(row["pk"]),  # type: ignore[call-overload]
        child_id=int(row["child_id"]),  # type: ignore[call-overload]
        reported_at=row["reported_at"],  # type: ignore[arg-type]
        found_place_id=row["found_place_id"],  # type: ignore[arg-type]
        found_with_id=row["found_with_id"],  # type: ignore[arg-type]
        found_vehicle_id=row["found_vehicle_id"],  # type: ignore[arg-type]
        found_at_hotspot=row["found_place__kind"] in HOTSPOT_KINDS,
    )


def facts_of(episode: MissingEpisode) -> EpisodeFacts:
    row = MissingEpisode.objects.filter(pk=episode.pk).values(*_FACT_COLUMNS).get()
    return _facts(row)


def after_report(episode: MissingEpisode) -> list[PatternAlert]:
    new = facts_of(episode)
    own = [
        _facts(row)
        for row in MissingEpisode.objects.filter(child_id=episode.child_id)
        .exclude(pk=episode.pk)
        .values(*_FACT_COLUMNS)
    ]
    return _raise(episode, patterns.patterns_on_report(new, own, strategy_count=strategy_discussion_count()))


def after_found(episode: MissingEpisode) -> list[PatternAlert]:
    new = facts_of(episode)
    others = MissingEpisode.objects.exclude(child_id=episode.child_id).exclude(found_at__isnull=True)
    wanted = [
        (field, value)
        for field, value in (
            ("found_place_id", new.found_place_id),
            ("found_with_id", new.found_with_id),
            ("found_vehicle_id", new.found_vehicle_id),
        )
        if value is not None
    ]
    rows = []
    for field, value in wanted:
        rows.extend(others.filter(**{field: value}).values(*_FACT_COLUMNS))
    return _raise(episode, patterns.patterns_on_found(new, [_facts(row) for row in rows]))


def _raise(episode: MissingEpisode, hits: list[PatternHit]) -> list[PatternAlert]:
    raised = []
    for hit in hits:
        if PatternAlert.objects.filter(child_id=hit.child_id, key=hit.key).exists():
            continue
        alert = PatternAlert.objects.create(
            child_id=hit.child_id,
            district_id=episode.district_id,
            case_id=episode.case_id,
            episode=episode,
            kind=hit.kind,
            detail=hit.detail[:300],
            key=hit.key[:120],
            raised_at=timezone.now(),
        )
        record_access(
            actor=None,
            action=AuditAction.CREATE,
            target=alert,
            details={"child": hit.child_id, "episode": episode.pk, "pattern": hit.kind},
        )
        ask_for_reassessment(alert)
        raised.append(alert)
    return raised


def ask_for_reassessment(alert: PatternAlert) -> ReassessmentTask | None:
    """The risk reassessment an alert asks for: made once per alert (None when it already exists)."""
    # Tasks are read by every casework role of the district: the detail names no other child.
    return create_task(
        alert.child,
        reason=TaskReason.MISSING_EPISODE,
        detail=f"Missing episode {alert.episode.reference}: {alert.detail}",
        prompted_by=f"missing.patternalert:{alert.pk}",
    )
