"""The words the review screen uses for why a pair was held back.

The safety rules name themselves (``SafetyRule.title``); the holds that are not a rule about the records
(the run's starter may not merge one of the people) are named here. Pure.
"""

from __future__ import annotations

from tessera.linkage.clustering import RULES_BY_NAME

NOT_YOURS_TO_MERGE_RULE = "not_yours_to_merge"
CHANGED_WHILE_MATCHING_RULE = "changed_while_matching"
_OTHER_HOLDS = {
    NOT_YOURS_TO_MERGE_RULE: "Needs someone who may merge both",
    CHANGED_WHILE_MATCHING_RULE: "Changed while it was matched",
}
NOT_YOURS_TO_MERGE = (
    "Linked by the model, but the person who started the run may not merge one of these people (restricted, "
    "or outside their districts): someone who may see both decides"
)
NOT_THEIRS_TO_MERGE = (
    "A certain match on arrival, but the person who recorded it may not merge one of these people "
    "(restricted, or outside their districts): someone who may see both decides"
)
CHANGED_WHILE_MATCHING = (
    "A certain match on arrival, but the people it was matched with were merged or restricted while it was "
    "being matched, twice over: not merged automatically, someone who may see both checks and decides"
)


def rule_title(name: str) -> str:
    """The short name of the rule that held a pair back ("Possible siblings"); "Safety rule" when a pair
    was held back before rules were named."""
    rule = RULES_BY_NAME.get(name)
    if rule is not None and rule.title:
        return rule.title
    return _OTHER_HOLDS.get(name, "Safety rule")
