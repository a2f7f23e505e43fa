"""Raising network early warnings when a link is recorded (every path that records one goes through
``people.services.record_link``, which sends ``link_recorded`` once its transaction commits: forms,
imports, intelligence subjects, a missing child found with someone).

For each warning the pure rule (``tessera.network.warning``) finds, an alert is stored once per child per
exploiter or community while it is open, the access log records its making, and the child's risk is to
be reassessed (``risk.services.create_task``, as the missing-children app's pattern alerts do). The task
is the link's (``prompted_by="people.link:<id>"``): risk's own receiver asks for the same reassessment
when a child is at an end of the link, and one event makes one task.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

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


@transaction.atomic
def raise_for_link(link: Link) -> list[NetworkAlert]:
    warnings = warnings_for(link)
    if not warnings:
        return []
    children = {
        p.entity_id: p
        for p in Person.objects.filter(entity_id__in={w.child for w in warnings}, merged_into__isnull=True)
    }
    raised = []
    now = timezone.now()
    for warning in warnings:
        child = children.get(warning.child)
        if child is None or child.district_id is None:
            continue  # no district, no team to tell (the child's record will be assigned one)
        if NetworkAlert.objects.filter(child=child, key=warning.key, closed_at__isnull=True).exists():
            continue
        try:
            with transaction.atomic():
                alert = NetworkAlert.objects.create(
                    child=child,
                    district_id=child.district_id,
                    link=link,
                    target_id=warning.target,
                    community=warning.community,
                    key=warning.key,
                    path=[[s.start, s.end, s.link] for s in warning.path],
                    raised_at=now,
                )
        except IntegrityError:
            continue  # raised meanwhile by another link's transaction
        record_access(
            actor=None,
            action=AuditAction.CREATE,
            target=alert,
            details={"child": child.pk, "link": link.pk, "key": warning.key, "steps": len(warning.path)},
        )
        create_task(
            child, reason=TaskReason.NEW_LINK, detail=TASK_DETAIL, prompted_by=f"people.link:{link.pk}"
        )
        raised.append(alert)
    return raised


def on_link_recorded(sender: Any, link: Link, **kwargs: Any) -> None:
    raise_for_link(link)


def connect() -> None:
    link_recorded.connect(on_link_recorded, dispatch_uid="earlywarning.link_recorded")
