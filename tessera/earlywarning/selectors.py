"""Network alerts as a reader may see them: the district team's open alerts, and one alert with its path
shown only as far as the reader may see each entity and link on it (under the one access policy),
logged naming every person and link shown."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.policy import get_visible_or_404, visible_to
from tessera.access.reads import log_list, log_opened
from tessera.accounts.models import Actor
from tessera.earlywarning.models import NetworkAlert
from tessera.people.identifiers import spaced_registration
from tessera.people.link_chart import KIND_NAMES
from tessera.people.models import EntityKind, Link, PoleEntity
from tessera.people.things import ADULT_AGE, age_on, visible_ends

NOT_SHOWN = "Someone or something you may not see"


@dataclass(frozen=True)
class PathEnd:
    label: str
    url: str
    kind: str
    shown: bool
    is_child: bool = False


@dataclass(frozen=True)
class PathStep:
    start: PathEnd
    end: PathEnd
    link_label: str  # "" when the reader may not see the link
    link_on: date | None
    grade: str
    agency: str


@dataclass(frozen=True)
class ShownPath:
    steps: list[PathStep]
    hidden_steps: int  # steps with an entity or link the reader may not see
    about_a_community: bool
    found_at: datetime
    is_new: bool = False  # the latest path, found by a later link than the one that raised the alert


@dataclass(frozen=True)
class AlertPage:
    alert: NetworkAlert
    child_label: str
    paths: list[ShownPath]  # the alert's own path first, then each further path in the order found
    # Young people reached through this child while the team works them: (alert, name), oldest first.
    peers: list[tuple[NetworkAlert, str]]

    @property
    def steps(self) -> list[PathStep]:
        return self.paths[0].steps

    @property
    def hidden_steps(self) -> int:
        return sum(p.hidden_steps for p in self.paths)

    @property
    def further(self) -> list[ShownPath]:
        return self.paths[1:]


def open_alerts(user: Actor, via: HttpRequest | None, limit: int = 100) -> list[NetworkAlert]:
    """The district's queue: open alerts not sent to a case, the latest path first (a further suspect on
    an old alert comes to the top, marked new)."""
    alerts = list(
        visible_to(user, NetworkAlert)
        .filter(closed_at__isnull=True, case__isnull=True, through__isnull=True)
        .select_related("child")
        .order_by("-latest_path_at", "-pk")[:limit]
    )
    log_list(
        user,
        via,
        list_name="network_alerts",
        target_type="earlywarning.networkalert",
        ids=[a.pk for a in alerts],
        people=[a.child_id for a in alerts],
    )
    return alerts


def open_alert_count(user: Actor) -> int:
    """How many open alerts the user's district team has (a count, naming no one)."""
    return (
        visible_to(user, NetworkAlert)
        .filter(closed_at__isnull=True, case__isnull=True, through__isnull=True)
        .count()
    )


def _stored_paths(alert: NetworkAlert) -> list[tuple[list[tuple[int, int, int]], bool, datetime]]:
    """Each stored path as (steps, about a community, when found), the alert's own first."""
    paths = [
        ([(int(a), int(b), int(k)) for a, b, k in alert.path], alert.community is not None, alert.raised_at)
    ]
    for further in alert.further_paths:
        steps = [(int(a), int(b), int(k)) for a, b, k in further["path"]]
        paths.append(
            (steps, further.get("community") is not None, datetime.fromisoformat(further["raised_at"]))
        )
    return paths


def alert_page(user: Actor, pk: int, *, via: HttpRequest | None) -> AlertPage:
    with transaction.atomic():
        alert = get_visible_or_404(
            user, NetworkAlert.objects.select_related("child", "closed_by", "case"), pk=pk
        )
        stored = _stored_paths(alert)
        entity_ids = {e for path, _c, _w in stored for a, b, _k in path for e in (a, b)}
        link_ids = {k for path, _c, _w in stored for _a, _b, k in path}
        kinds = dict(PoleEntity.objects.filter(pk__in=entity_ids).values_list("pk", "kind"))
        by_kind: dict[str, set[int]] = defaultdict(set)
        for entity, kind in kinds.items():
            by_kind[kind].add(entity)
        seen = visible_ends(user, by_kind)
        links = {
            link.pk: link for link in visible_to(user, Link).filter(pk__in=link_ids).select_related("agency")
        }
        today = timezone.localdate()

        def end(entity: int) -> PathEnd:
            kind = kinds.get(entity, "")
            if entity not in seen:
                return PathEnd(NOT_SHOWN, "", kind, shown=False)
            label, url, born, person_id = seen[entity]
            if kind == EntityKind.VEHICLE:
                label = spaced_registration(label)
            age = age_on(born, today) if person_id is not None and born is not None else None
            name = label if kind == EntityKind.PERSON else f"{KIND_NAMES.get(kind, kind)} {label}"
            return PathEnd(name, url, kind, shown=True, is_child=age is not None and age < ADULT_AGE)

        def step(a: int, b: int, key: int) -> PathStep:
            link = links.get(key)
            return PathStep(
                start=end(a),
                end=end(b),
                link_label=link.get_kind_display() if link is not None else "",
                link_on=(link.started_on or timezone.localdate(link.created_at))
                if link is not None
                else None,
                grade=link.grade if link is not None else "",
                agency=link.agency.name if link is not None else "",
            )

        paths = []
        for path, about_a_community, found_at in stored:
            steps = [step(a, b, key) for a, b, key in path]
            hidden = sum(1 for s in steps if not (s.start.shown and s.end.shown and s.link_label))
            is_new = alert.raised_at < found_at and found_at >= alert.latest_path_at
            paths.append(ShownPath(steps, hidden, about_a_community, found_at, is_new))
        peers = [
            (peer, peer.child.full_name or "Name not known")
            for peer in visible_to(user, NetworkAlert)
            .filter(through_id=alert.child_id)
            .select_related("child")
            .order_by("raised_at", "pk")
        ]
        people = sorted(
            {pid for e, (_l, _u, _b, pid) in seen.items() if pid is not None}
            | {p.child_id for p, _n in peers}
        )
        log_opened(
            user,
            alert,
            via=via,
            details={"page": "network_alert", "steps": len(stored[0][0]), "paths": len(stored)},
            shown={"people.person": people, "people.link": sorted(links)},
            emergency_of=alert.child,
        )
    return AlertPage(alert, alert.child.full_name or "Name not known", paths, peers)
