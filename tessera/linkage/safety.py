"""The safety rules one pair at a time, for every path that offers or makes a link besides clustering.

A batch run clusters with ``clustering.cluster``; the same rules also decide what the review queue is
offered (``hold_for_review``), which people search before create suggests (``never_offered``) and what
matching on arrival may join. Each path turns its records into ``RecordFacts`` here, from the linkage
features both the batch and the interactive paths compute (``features.record_features``). Pure.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from tessera.linkage.clustering import SAFETY_RULES, RecordFacts, SafetyRule, first_refusal, never_offered
from tessera.linkage.model_spec import IDENTIFIERS


def facts_of(features: Mapping[str, Any], *, recorded_year: int | None = None) -> RecordFacts:
    """What the safety rules need of one record's linkage features (as ``engine.edges_with_facts``).

    ``recorded_year`` is the year the record was made; a record without one (one being typed now) is
    judged in the current year, as the batch path judges a source without received dates.
    """
    year = recorded_year or date.today().year  # noqa: DTZ011 - a year, no time zone
    identifiers = frozenset(f"{kind}:{features[kind]}" for kind in IDENTIFIERS if features.get(kind))
    return RecordFacts(
        dob=features.get("dob"),
        nhs_number=features.get("nhs_number"),
        pupil_number=features.get("pupil_number"),
        given_name=features.get("given_name"),
        given_forms=frozenset(features.get("given_forms") or ()),
        other_names=frozenset(features.get("other_names") or ()),
        approx_birth_year=features.get("approx_birth_year"),
        family_name=features.get("family_name"),
        address_key=features.get("address_key"),
        dob_year=features.get("dob_year"),
        identifiers=identifiers,
        recorded_year=int(year),
    )


@dataclass(frozen=True)
class Hold:
    """Why a pair offered to a person carries a warning, or why it is not offered at all."""

    rule: SafetyRule
    offered: bool  # False: no likely match, so not in the queue nor among suggestions


def hold_for_review(
    a: RecordFacts, b: RecordFacts, rules: tuple[SafetyRule, ...] = SAFETY_RULES
) -> Hold | None:
    """The safety rule a pair breaks, if any: a pair that is never offered says so first. ``rules`` are
    the model's (``engine.rules_for``)."""
    banned = never_offered(a, b, rules)
    if banned is not None:
        return Hold(banned, offered=False)
    rule = first_refusal(a, b, rules)
    return Hold(rule, offered=True) if rule is not None else None
