"""Raising network early warnings when a link is recorded (every path that records one goes through
``people.services.record_link``, which sends ``link_recorded`` once its transaction commits: forms,
imports, intelligence subjects, a missing child found with someone).

For each child the pure rule (``tessera.network.warning``) finds, one alert is stored while it is open
(further exploiters or groups found meanwhile are added to it as further paths), the access log records
its making, and the child's risk is to be reassessed (``risk.services.create_task``, as the missing-children app's pattern alerts do). The task
is the link's (``prompted_by="people.link:<id>"``): risk's own receiver asks for the same reassessment
when a child is at an end of the link, and one event makes one task.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone

from tessera.access.policy import Action, get_visible_or_404, require
from tessera.accounts.models import Actor, User
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction
from tessera.earlywarning.models import NetworkAlert
from tessera.earlywarning.neighbourhood import read_around
from tessera.network.warning import MOST_STEPS, Warning, warnings_for_link, warnings_for_new_suspect
from tessera.people.models import Link, LinkKind, Person
from tessera.people.signals import link_recorded
from tessera.risk.models import TaskReason
from tessera.risk.services import create_task

# Tasks are read by every casework role of the district: this names no one and no link.
TASK_DETAIL = (
    "Network early warning: the child is newly linked to a suspected exploiter or a group of them; "
    "the network alert shows the path"
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
    """New alerts (one per child without an open one) and further paths on open alerts; returns the new
    alerts. Each new alert asks for the child's risk to be reassessed; a further path does not ask again
    (the open alert's task is still the team's), but its adding is logged."""
    warnings = warnings_for(link)
    if not warnings:
        return []
    grouped = _by_child(warnings)
    children = {
        p.entity_id: p for p in Person.objects.filter(entity_id__in=set(grouped), merged_into__isnull=True)
    }
    raised = []
    now = timezone.now()
    for entity, found in grouped.items():
        child = children.get(entity)
        if child is None or child.district_id is None:
            continue  # no district, no team to tell (the child's record will be assigned one)
        open_alert = _open_alert_of(child)
        if open_alert is not None:
            _add_paths(open_alert, found, link, now, district_id=child.district_id)
            continue
        first, *more = found
        try:
            with transaction.atomic():
                alert = NetworkAlert.objects.create(
                    child=child,
                    district_id=child.district_id,
                    link=link,
                    target_id=first.target,
                    community=first.community,
                    key=first.key,
                    path=stored_steps(first),
                    further_paths=[_path_record(w, link, now) for w in more],
                    raised_at=now,
                )
        except IntegrityError:
            # Raised meanwhile by another link's transaction: this link's suspects join that alert.
            raced = _open_alert_of(child)
            if raced is not None:
                _add_paths(raced, found, link, now, district_id=child.district_id)
            continue
        record_access(
            actor=None,
            action=AuditAction.CREATE,
            target=alert,
            details={
                "child": child.pk,
                "link": link.pk,
                "key": first.key,
                "steps": len(first.path),
                "further_paths": len(more),
            },
        )
        create_task(
            child, reason=TaskReason.NEW_LINK, detail=TASK_DETAIL, prompted_by=f"people.link:{link.pk}"
        )
        raised.append(alert)
    return raised


def _open_alert_of(child: Person) -> NetworkAlert | None:
    return NetworkAlert.objects.select_for_update().filter(child=child, closed_at__isnull=True).first()


def _add_paths(
    alert: NetworkAlert, found: list[Warning], link: Link, when: datetime, *, district_id: int
) -> None:
    """Further paths on an open alert. The alert follows the child: a child who has moved district since it
    was raised has it moved to their new district's team, who would otherwise never see the new suspect."""
    known = alert.keys
    new = [w for w in found if w.key not in known]
    moved_from = alert.district_id if alert.district_id != district_id else None
    if not new and moved_from is None:
        return
    alert.further_paths = [*alert.further_paths, *(_path_record(w, link, when) for w in new)]
    alert.district_id = district_id
    alert.save(update_fields=["further_paths", "district", "updated_at"])
    details: dict[str, Any] = {
        "child": alert.child_id,
        "link": link.pk,
        "further_paths": [w.key for w in new],
    }
    if moved_from is not None:
        details["moved_from_district"] = moved_from
    record_access(actor=None, action=AuditAction.CHANGE, target=alert, details=details)


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
