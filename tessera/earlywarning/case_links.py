"""Network early warnings in the case chronology: a path sent to a child's open case (ADR 0035) is an
entry there, beside the reassessment task it asked for, registered with the case app's extension point
so cases never import the early warning."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q
from django.urls import reverse

from tessera.access.policy import visible_to
from tessera.accounts.models import Actor
from tessera.cases.models import Case
from tessera.cases.registry import ChronologyEntry, register_chronology_source
from tessera.earlywarning.models import NetworkAlert

KINDS = {"network_alert": "Network early warnings"}


def network_alert_chronology(user: Actor, case: Case) -> Iterable[ChronologyEntry]:
    """The child's network alerts the viewer may see, on the queue or sent to a case (one query). Only
    what the alert is (a suspect or a group, how many steps away): the path is on the alert's page, shown
    there as far as the reader may see each step."""
    if case.child_id is None:
        return []
    entries = []
    pattern = reverse("earlywarning:alert", kwargs={"pk": 0}).replace("/0/", "/{}/")
    for pk, raised_at, community, path, further, case_id, through_id in (
        visible_to(user, NetworkAlert)
        .filter(Q(child_id=case.child_id) | Q(through_id=case.child_id))
        .values_list("pk", "raised_at", "community", "path", "further_paths", "case_id", "through_id")
    ):
        if through_id == case.child_id:
            entries.append(
                ChronologyEntry(
                    at=raised_at,
                    kind="network_alert",
                    title="Network early warning: a young person reached through this child",
                    agency="Tessera (network early warning)",
                    detail="Another young person is linked through this child to a suspected exploiter or "
                    "group; their risk is to be reassessed.",
                    href=pattern.format(pk),
                )
            )
            continue
        what = "a group of suspected exploiters" if community is not None else "a suspected exploiter"
        more = f", and {len(further)} more" if further else ""
        entries.append(
            ChronologyEntry(
                at=raised_at,
                kind="network_alert",
                title="Network early warning",
                agency="Tessera (network early warning)",
                detail=f"Newly linked to {what}, {len(path)} step{'s' if len(path) != 1 else ''} away{more}. "
                "The child's risk is to be reassessed.",
                href=pattern.format(pk),
                facts=(("Sent to", "This case" if case_id == case.pk else "The district's alert list"),)
                if through_id is None
                else (("Sent to", "The alert or case of the young person it runs through"),),
            )
        )
    return entries


def connect() -> None:
    register_chronology_source(network_alert_chronology, KINDS)
