"""GB 35181 major-fire-hazard determination (重大火灾隐患判定): rule sets as data, a pure engine.

See `engine` for the shape and the rules of judging, `gb35181_2017` for the shipped rule set.
"""

from firegrid.hazards.major.engine import (
    CATEGORIES,
    COMPREHENSIVE,
    CROWDED,
    DIRECT,
    FLAMMABLE,
    OTHER,
    REASON_BELOW_THRESHOLD,
    REASON_COMPREHENSIVE,
    REASON_DIRECT,
    REASON_NOT_JUDGED,
    ConfirmedDetermination,
    Determination,
    Element,
    MatchedElement,
    RuleSet,
    Threshold,
    category_for,
    confirm,
    determination_to_dict,
    determine,
    needs_collective_confirmation,
    rule_set_from_dict,
    rule_set_to_dict,
)
from firegrid.hazards.major.gb35181_2017 import GB35181_2017

__all__ = [
    "CATEGORIES",
    "COMPREHENSIVE",
    "CROWDED",
    "DIRECT",
    "FLAMMABLE",
    "GB35181_2017",
    "OTHER",
    "REASON_BELOW_THRESHOLD",
    "REASON_COMPREHENSIVE",
    "REASON_DIRECT",
    "REASON_NOT_JUDGED",
    "ConfirmedDetermination",
    "Determination",
    "Element",
    "MatchedElement",
    "RuleSet",
    "Threshold",
    "category_for",
    "confirm",
    "determination_to_dict",
    "determine",
    "needs_collective_confirmation",
    "rule_set_from_dict",
    "rule_set_to_dict",
]
