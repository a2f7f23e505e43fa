"""Linkage's blocking keys for one record, added to the people app's one match-key index.

The keys are the model's prediction blocking rules written out as strings: a typed-in record gets the
same keys, and every stored person sharing one is a candidate, exactly as the batch model would pair the
records. ``LinkageConfig.ready`` registers ``blocking_keys`` with ``people.match_index``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tessera.linkage.features import record_features


def keys_for(features: Mapping[str, Any]) -> set[str]:
    """Mirror of ``model_spec.prediction_blocking_rules`` over one record's linkage features."""
    f = features
    keys = set()
    if f.get("nhs_number"):
        keys.add(f"nhs:{f['nhs_number']}")
    if f.get("pupil_number"):
        keys.add(f"upn:{f['pupil_number']}")
    if f.get("given_name") and f.get("dob"):
        keys.add(f"gi+dob:{f['given_name'][0]}|{f['dob']}")
    if f.get("family_sx") and f.get("dob"):
        keys.add(f"fsx+dob:{f['family_sx']}|{f['dob']}")
    if f.get("given_sx") and f.get("family_sx") and f.get("dob_year"):
        keys.add(f"gsx+fsx+y:{f['given_sx']}|{f['family_sx']}|{f['dob_year']}")
    if f.get("given_sx") and f.get("address_key"):
        keys.add(f"gsx+addr:{f['given_sx']}|{f['address_key']}"[:120])
    return keys


def blocking_keys(record: Mapping[str, Any]) -> set[str]:
    """The blocking keys of one record as ``people.match_index.matching_record`` gives it."""
    return keys_for(record_features(record))
