"""Signals other apps listen to, and the handlers that keep search keys current.

``link_recorded``, ``persons_merged`` and ``persons_unmerged`` are sent only after the transaction that
made the change commits, so a listener (risk reassessment, say) never acts on a change that rolled back.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from tessera.people.models import SourceIdentity
from tessera.people.search_index import rebuild_search_keys

# Sent with link=<Link>, user=<User>.
link_recorded = Signal()
# Sent with merge=<PersonMerge>, user=<User>.
persons_merged = Signal()
# Sent with merge=<PersonMerge>, user=<User>.
persons_unmerged = Signal()


@receiver(post_save, sender=SourceIdentity, dispatch_uid="people_identity_saved_rebuilds_keys")
def _identity_saved(sender: type[SourceIdentity], instance: SourceIdentity, raw: bool, **kwargs: Any) -> None:
    if raw:
        return

    rebuild_search_keys([instance.person_id])


@receiver(post_delete, sender=SourceIdentity, dispatch_uid="people_identity_deleted_rebuilds_keys")
def _identity_deleted(sender: type[SourceIdentity], instance: SourceIdentity, **kwargs: Any) -> None:

    rebuild_search_keys([instance.person_id])
