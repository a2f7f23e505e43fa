"""Raising network early warnings when a link is recorded (every path that records one goes through
``people.services.record_link``, which sends ``link_recorded`` once its transaction commits: forms,
imports, intelligence subjects, a missing child found with someone).

For each child the pure rule (``tessera.network.warning``) finds, the warning is delivered as ADR 0035
decides (``tessera.network.warning.delivery``): nothing about a suspect or group already told of; a path
on the child's open case; a further path on the child's open alert; or a new alert. The access log
records each, and each asks for the child's risk to be reassessed (``risk.services.create_task``). The task
is the link's (``prompted_by="people.link:<id>"``): risk's own receiver asks for the same reassessment
when a child is at an end of the link, and one event makes one task.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.policy import Action, get_visible_or_404, require
from tessera.accounts.models import Actor, User
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.cases.models import Case, CaseStatus
from tessera.earlywarning.models import NetworkAlert
from tessera.earlywarning.neighbourhood import read_around
from tessera.network.warning import (
    MOST_STEPS,
    Delivery,
    Warning,
    delivery,
    first_child_on_path,
    path_entities,
    warnings_for_link,
    warnings_for_new_suspect,
)
from tessera.people.models import Link, LinkKind, Person
from tessera.people.signals import link_recorded
from tessera.people.things import ADULT_AGE, age_on
from tessera.risk.models import TaskReason
from tessera.risk.services import create_task

# Tasks are read by every casework role of the district: this names no one and no link.
TASK_DETAIL = (
    "Network early warning: the child is newly linked to a suspected exploiter or a group of them; "
    "the network alert shows the path"
)
TASK_DETAIL_FURTHER = (
    "Network early warning: the child's open network alert has a new path to a further suspected "
    "exploiter or group"
)
TASK_DETAIL_PEER = (
    "Network early warning: the child is linked, through a young person the team is already working "
    "with, to a suspected exploiter or a group of them; that young person's alert or case shows the path"
)
TASK_DETAIL_CASE = (
    "Network early warning: the child is newly linked to a suspected exploiter or a group of them; "
    "the case chronology shows the path"
)


def warnings_for(link: Link) -> list[Warning]:
    """What the rule says about a new link, reading only around its ends."""
    on = timezone.localdate()
    around = read_around({link.source_id, link.target_id}, MOST_STEPS - 1, on=on)
    flagged = frozenset(around.flagged)
    found = warnings_for_link(
        (link.pk, link.source_id, link.target_id), around.links.values(), around.facts, flagged
    )
    first_suspicion = (
        link.kind == LinkKind.SUSPECTED_EXPLOITER
        and not Link.objects.filter(kind=LinkKind.SUSPECTED_EXPLOITER, source_id=link.source_id)
        .exclude(pk=link.pk)
        .exists()
    )
    if first_suspicion:
        around = read_around({link.source_id}, MOST_STEPS, on=on)
        known = {(w.child, w.key) for w in found}
        found += [
            w
            for w in warnings_for_new_suspect(
                link.source_id, around.links.values(), around.facts, frozenset(around.flagged)
            )
            if (w.child, w.key) not in known
        ]
    return found


def stored_steps(warning: Warning) -> list[list[int]]:
    """A warning's path as an alert stores it: [[from entity, to entity, link], ...]."""
    return [[s.start, s.end, s.link] for s in warning.path]


def already_closed(closed_at: datetime) -> str:
    """What someone closing an alert that is closed already is told."""
    return f"This alert was closed on {timezone.localtime(closed_at):%-d %b %Y %H:%M}."


def _path_record(warning: Warning, link: Link, when: datetime) -> dict[str, Any]:
    return {
        "key": warning.key,
        "target": warning.target,
        "community": warning.community,
        "link": link.pk,
        "path": stored_steps(warning),
        "raised_at": when.isoformat(),
    }


def _by_child(warnings: list[Warning]) -> dict[int, list[Warning]]:
    """Each child's warnings, the shortest path first (ties by key): the first is the alert's own."""
    grouped: dict[int, list[Warning]] = {}
    for warning in sorted(warnings, key=lambda w: (w.child, len(w.path), w.key)):
        grouped.setdefault(warning.child, []).append(warning)
    return grouped


@transaction.atomic
def raise_for_link(link: Link) -> list[NetworkAlert]:
    """What a new link tells each child's team (ADR 0035, ``tessera.network.warning.delivery``): nothing
    about a suspect or group it was told of before; to a child with an open case, a path on the case (an
    alert row off the queue) and a reassessment task; to a child with an open alert, further paths on it,
    marked new and moved up the list, and a task; to anyone else a new alert and a task. Returns the new
    rows (queue alerts and case paths)."""
    warnings = warnings_for(link)
    if not warnings:
        return []
    grouped = _by_child(warnings)
    children = {
        p.entity_id: p for p in Person.objects.filter(entity_id__in=set(grouped), merged_into__isnull=True)
    }
    raised = []
    now = timezone.now()
    # Nearest children first: a child the link joins directly has their alert before a peer reached
    # through them is delivered onto it.
    for entity, found in sorted(grouped.items(), key=lambda item: (len(item[1][0].path), item[0])):
        child = children.get(entity)
        if child is None or child.district_id is None:
            continue  # no district, no team to tell (the child's record will be assigned one)
        alert = _tell(child, found, link, now)
        if alert is not None:
            raised.append(alert)
    return raised


def _told(child: Person) -> set[str]:
    """Every suspect or group the child's alerts and case paths have told of, open or closed."""
    told: set[str] = set()
    for key, further in NetworkAlert.objects.filter(child=child).values_list("key", "further_paths"):
        told.add(key)
        told.update(str(p["key"]) for p in further)
    return told


def _open_case(child: Person) -> Case | None:
    return (
        Case.objects.filter(child=child)
        .exclude(status=CaseStatus.CLOSED)
        .order_by("-opened_at", "-pk")
        .first()
    )


def _worked_peer(warning: Warning, district_id: int, on: date) -> Person | None:
    """The young person the path runs through first, if their team (this child's district team) is
    working them already: an open alert on the queue or an open case."""
    middle = path_entities(warning.path)[1:-1]
    if not middle:
        return None
    people = {
        p.entity_id: p
        for p in Person.objects.filter(entity_id__in=middle, merged_into__isnull=True).only(
            "entity_id", "date_of_birth", "district_id"
        )
    }

    def is_child(entity: int) -> bool:
        born = people[entity].date_of_birth if entity in people else None
        age = age_on(born, on) if born is not None else None
        return age is not None and age < ADULT_AGE

    peer = people.get(first_child_on_path(warning.path, is_child) or -1)
    if peer is None or peer.district_id != district_id:
        return None
    worked = (
        NetworkAlert.objects.filter(
            child=peer, closed_at__isnull=True, case__isnull=True, through__isnull=True
        ).exists()
        or _open_case(peer) is not None
    )
    return peer if worked else None


def _tell(child: Person, found: list[Warning], link: Link, now: datetime) -> NetworkAlert | None:
    told = _told(child)
    new = [w for w in found if w.key not in told]
    case = _open_case(child)
    open_alert = _open_alert_of(child)
    district_id = child.district_id
    if district_id is None:
        return None  # no district, no team to tell
    peer = (
        _worked_peer(new[0], district_id, timezone.localdate(now))
        if new and case is None and open_alert is None
        else None
    )
    route = (
        delivery(
            new[0].key,
            told,
            case_open=case is not None,
            alert_open=open_alert is not None,
            peer_worked=peer is not None,
        )
        if new
        else Delivery.ALREADY_TOLD
    )
    if open_alert is not None and route in (Delivery.FURTHER_PATH, Delivery.ALREADY_TOLD):
        # A further path, or only a move to the child's new district.
        if _add_paths(open_alert, new, link, now, district_id=district_id):
            _ask_for_reassessment(child, link, TASK_DETAIL_FURTHER)
        return None
    if route == Delivery.ALREADY_TOLD:
        return None
    first, *more = new
    try:
        with transaction.atomic():
            alert = NetworkAlert.objects.create(
                child=child,
                district_id=district_id,
                link=link,
                target_id=first.target,
                community=first.community,
                key=first.key,
                path=stored_steps(first),
                further_paths=[_path_record(w, link, now) for w in more],
                raised_at=now,
                latest_path_at=now,
                case=case if route == Delivery.TO_CASE else None,
                through=peer if route == Delivery.THROUGH_PEER else None,
            )
    except IntegrityError:
        # Raised meanwhile by another link's transaction: this link's suspects join that alert.
        raced = _open_alert_of(child)
        if raced is not None and _add_paths(raced, new, link, now, district_id=district_id):
            _ask_for_reassessment(child, link, TASK_DETAIL_FURTHER)
        return None
    details: dict[str, Any] = {
        "child": child.pk,
        "link": link.pk,
        "key": first.key,
        "steps": len(first.path),
        "further_paths": len(more),
        "delivered": str(route),
    }
    if alert.case_id is not None:
        details["case"] = alert.case_id
    if alert.through_id is not None:
        details["through"] = alert.through_id
    record_access(actor=None, action=AuditAction.CREATE, target=alert, details=details)
    _ask_for_reassessment(
        child,
        link,
        {Delivery.TO_CASE: TASK_DETAIL_CASE, Delivery.THROUGH_PEER: TASK_DETAIL_PEER}.get(route, TASK_DETAIL),
    )
    return alert


def _ask_for_reassessment(child: Person, link: Link, detail: str) -> None:
    # The task is the link's: risk's own receiver asks for the same reassessment when a child is at an
    # end of the link, and one event makes one task.
    create_task(child, reason=TaskReason.NEW_LINK, detail=detail, prompted_by=f"people.link:{link.pk}")


def _open_alert_of(child: Person) -> NetworkAlert | None:
    return (
        NetworkAlert.objects.select_for_update()
        .filter(child=child, closed_at__isnull=True, case__isnull=True, through__isnull=True)
        .first()
    )


def _add_paths(
    alert: NetworkAlert, new: list[Warning], link: Link, when: datetime, *, district_id: int
) -> bool:
    """Further paths on an open alert (``new``: warnings of suspects it has not told of); returns whether
    any were added. The alert follows the child: a child who has moved district since it was raised has
    it moved to their new district's team, who would otherwise never see the new suspect."""
    moved_from = alert.district_id if alert.district_id != district_id else None
    if not new and moved_from is None:
        return False
    alert.further_paths = [*alert.further_paths, *(_path_record(w, link, when) for w in new)]
    alert.district_id = district_id
    fields = ["further_paths", "district", "updated_at"]
    if new:
        alert.latest_path_at = when
        fields.append("latest_path_at")
    alert.save(update_fields=fields)
    details: dict[str, Any] = {
        "child": alert.child_id,
        "link": link.pk,
        "further_paths": [w.key for w in new],
    }
    if moved_from is not None:
        details["moved_from_district"] = moved_from
    record_access(actor=None, action=AuditAction.CHANGE, target=alert, details=details)
    return bool(new)


SENT_TO_CASE = "This path went to the child's case as a reassessment task: the case team deals with it there"
CLOSE_REASON_REQUIRED = "Say why the alert is closed (for example what the reassessment found)"


class FoundSinceOpenedError(ValidationError):
    """A further path was added after the closer's page was drawn: they read it before closing."""


def close_alert(
    user: Actor,
    alert_id: int,
    *,
    reason: str,
    paths_seen: int | None = None,
    request: HttpRequest | None = None,
) -> NetworkAlert:
    """The child's district team closes an open alert with a reason; a later link raises a new one."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": CLOSE_REASON_REQUIRED})
    with transaction.atomic():
        alert = get_visible_or_404(user, NetworkAlert.objects.select_for_update(), pk=alert_id)
        require(user, Action.CLOSE, alert)
        if alert.closed_at is not None:
            raise ValidationError({"reason": already_closed(alert.closed_at)})
        if not alert.on_queue:
            raise ValidationError({"reason": SENT_TO_CASE})
        if paths_seen is not None and paths_seen < 1 + len(alert.further_paths):
            raise FoundSinceOpenedError(
                "A further path was found since you opened this alert. Read it below, then close the alert."
            )
        alert.closed_at = timezone.now()
        alert.closed_by = user if isinstance(user, User) else None
        alert.close_reason = reason
        alert.save(update_fields=["closed_at", "closed_by", "close_reason", "updated_at"])
        record_access(
            actor=user,
            action=AuditAction.CHANGE,
            target=alert,
            reason=reason,
            request=request,
            details={"closed": True, "child": alert.child_id},
        )
    return alert


def on_link_recorded(sender: Any, link: Link, **kwargs: Any) -> None:
    raise_for_link(link)


def connect() -> None:
    link_recorded.connect(on_link_recorded, dispatch_uid="earlywarning.link_recorded")
