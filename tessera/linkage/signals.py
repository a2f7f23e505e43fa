"""Keep search-before-create keys in step with source records saved one at a time (imports, forms).

Bulk loaders bypass signals; they call ``match_keys.refresh_keys`` (or ``manage.py index_match_keys``).
"""

from __future__ import annotations

from typing import Any

from tessera.linkage.match_keys import refresh_keys


def identity_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        refresh_keys([instance.pk])


def address_saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if not raw:
        refresh_keys([instance.identity_id])
