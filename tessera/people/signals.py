"""Signals other apps listen to, and the handlers that keep the match-key index current.

``link_recorded``, ``persons_merged`` and ``persons_unmerged`` are sent only after the transaction that
made the change commits, so a listener (risk reassessment, say) never acts on a change that rolled back.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save
from django.dispatch import Signal, receiver

from tessera.people.match_index import rebuild_match_keys
from tessera.people.models import IdentityAddress, Location, SourceIdentity
from tessera.people.place_index import rebuild_place_words

# Sent with link=<Link>, user=<User>.
link_recorded = Signal()
# Sent with merge=<PersonMerge>, user=<User>.
persons_merged = Signal()
# Sent with merge=<PersonMerge>, user=<User>.
persons_unmerged = Signal()


@receiver(post_save, sender=SourceIdentity, dispatch_uid="people_identity_saved_rebuilds_keys")
@receiver(post_delete, sender=SourceIdentity, dispatch_uid="people_identity_deleted_rebuilds_keys")
def _identity_changed(
    sender: type[SourceIdentity], instance: SourceIdentity, raw: bool = False, **kwargs: Any
) -> None:
    if not raw:
        rebuild_match_keys([instance.person_id])


@receiver(post_save, sender=IdentityAddress, dispatch_uid="people_address_saved_rebuilds_keys")
@receiver(post_delete, sender=IdentityAddress, dispatch_uid="people_address_deleted_rebuilds_keys")
def _address_changed(
    sender: type[IdentityAddress], instance: IdentityAddress, raw: bool = False, **kwargs: Any
) -> None:
    """Linkage's blocking keys include the latest address, so a new or removed address changes them."""
    if not raw:
        rebuild_match_keys(
            SourceIdentity.objects.filter(pk=instance.identity_id).values_list("person_id", flat=True)
        )


@receiver(post_save, sender=Location, dispatch_uid="people_place_saved_rebuilds_words")
def _place_changed(sender: type[Location], instance: Location, raw: bool = False, **kwargs: Any) -> None:
    """A place is found by its name, street and kind: a change to any of them changes its words."""
    if not raw:
        rebuild_place_words([instance.pk])
