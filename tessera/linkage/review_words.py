"""The words the review screen uses for why a pair was held back.

The safety rules name themselves (``SafetyRule.title``); the holds that are not a rule about the records
(the run's starter may not merge one of the people) are named here. Pure.
"""

from __future__ import annotations

from tessera.linkage.clustering import RULES_BY_NAME

NOT_YOURS_TO_MERGE_RULE = "not_yours_to_merge"
_OTHER_HOLDS = {NOT_YOURS_TO_MERGE_RULE: "Not in the starter's scope"}


def rule_title(name: str) -> str:
    """The short name of the rule that held a pair back ("Possible siblings"); "Safety rule" when a pair
    was held back before rules were named."""
    rule = RULES_BY_NAME.get(name)
    if rule is not None and rule.title:
        return rule.title
    return _OTHER_HOLDS.get(name, "Safety rule")
