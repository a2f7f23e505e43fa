"""Signals other apps listen to, and the handlers that keep the match-key index current.

``link_recorded``, ``persons_merged`` and ``persons_unmerged`` are sent only after the transaction that
made the change commits, so a listener (risk reassessment, say) never acts on a change that rolled back.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
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

# Set while a caller that writes new people, their records and addresses builds their match keys itself,
# once (``match_index.index_new_people``): each save would otherwise rebuild the person's keys again.
_keys_kept_by_caller: ContextVar[bool] = ContextVar("keys_kept_by_caller", default=False)


@contextmanager
def keys_kept_by_caller() -> Iterator[None]:
    """Hold back the match-key rebuilds of record and address saves; the caller indexes what it wrote."""
    token = _keys_kept_by_caller.set(True)
    try:
        yield
    finally:
        _keys_kept_by_caller.reset(token)


@receiver(post_save, sender=SourceIdentity, dispatch_uid="people_identity_saved_rebuilds_keys")
@receiver(post_delete, sender=SourceIdentity, dispatch_uid="people_identity_deleted_rebuilds_keys")
def _identity_changed(
    sender: type[SourceIdentity], instance: SourceIdentity, raw: bool = False, **kwargs: Any
) -> None:
    if not raw and not _keys_kept_by_caller.get():
        rebuild_match_keys([instance.person_id])


@receiver(post_save, sender=IdentityAddress, dispatch_uid="people_address_saved_rebuilds_keys")
@receiver(post_delete, sender=IdentityAddress, dispatch_uid="people_address_deleted_rebuilds_keys")
def _address_changed(
    sender: type[IdentityAddress], instance: IdentityAddress, raw: bool = False, **kwargs: Any
) -> None:
    """Linkage's blocking keys include the latest address, so a new or removed address changes them."""
    if not raw and not _keys_kept_by_caller.get():
        rebuild_match_keys(
            SourceIdentity.objects.filter(pk=instance.identity_id).values_list("person_id", flat=True)
        )


@receiver(post_save, sender=Location, dispatch_uid="people_place_saved_rebuilds_words")
def _place_changed(sender: type[Location], instance: Location, raw: bool = False, **kwargs: Any) -> None:
    """A place is found by its name, street and kind: a change to any of them changes its words."""
    if not raw:
        rebuild_place_words([instance.pk])
