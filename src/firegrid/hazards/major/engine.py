"""GB 35181 major-fire-hazard determination (重大火灾隐患判定): rule-set shape and a pure engine.

The standard is data, not code: a `RuleSet` lists *direct* elements (直接判定要素: any one makes
the hazard major) and *comprehensive* elements (综合判定要素: counted against a threshold per
place category). Editions change (GB 35181-2025 replaced 2017 on 2025-11-01), so a rule set
carries its edition and a version and is stored and reloaded as JSON (`rule_set_to_dict` /
`rule_set_from_dict`); a determination names the rule set that decided it.

Place categories: ``crowded`` (人员密集场所, ``PlaceType.is_crowded``), ``flammable`` (易燃易爆危险
品场所/单位) and ``other``. The engine never touches the database: callers map a place to a
category (`category_for`) and its open hazards to element codes.

Per the standard, only hazards that cannot be fixed at once count (立即改正的不判定), and a
place that is closed or has stopped operating is not judged (停产停业的不判定). A determination of
a major hazard is final only after a collective decision (集体讨论, at least three people):
`confirm`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext, gettext_lazy

CROWDED = "crowded"
FLAMMABLE = "flammable"
OTHER = "other"
CATEGORIES: tuple[str, ...] = (CROWDED, FLAMMABLE, OTHER)

DIRECT = "direct"
COMPREHENSIVE = "comprehensive"
KINDS: tuple[str, ...] = (DIRECT, COMPREHENSIVE)

# Determination reasons.
REASON_DIRECT = "direct"
REASON_COMPREHENSIVE = "comprehensive"
REASON_BELOW_THRESHOLD = "below_threshold"
REASON_NOT_JUDGED = "not_judged"
REASON_LABELS = {
    REASON_DIRECT: gettext_lazy("Major: a direct element was found"),
    REASON_COMPREHENSIVE: gettext_lazy("Major: comprehensive elements reached the threshold"),
    REASON_BELOW_THRESHOLD: gettext_lazy("Not major: comprehensive elements below the threshold"),
    REASON_NOT_JUDGED: gettext_lazy("Not judged: the place is closed or has stopped operating"),
}

# Hazard.major_element_code and ChecklistItem.major_element_code are CharField(max_length=30).
MAX_CODE_LENGTH = 30
# 集体讨论: a final determination is made by at least this many people.
MIN_CONFIRMERS = 3


@dataclass(frozen=True)
class Element:
    """One 判定要素. ``applies_to`` empty means every place category."""

    code: str
    kind: str
    text: str
    text_en: str
    applies_to: tuple[str, ...] = ()
    verified: bool = True
    note: str = ""

    def applies(self, category: str) -> bool:
        return not self.applies_to or category in self.applies_to


@dataclass(frozen=True)
class Threshold:
    """Comprehensive elements needed, for one place category, to make the hazard major."""

    category: str
    min_elements: int
    verified: bool
    note: str = ""


@dataclass(frozen=True)
class RuleSet:
    """One edition/version of the rules; build it with `rule_set_from_dict` to get it checked."""

    code: str
    edition: str
    version: int
    elements: tuple[Element, ...]
    thresholds: tuple[Threshold, ...]
    source: str = ""

    def __post_init__(self) -> None:
        _validate(self)

    @property
    def label(self) -> str:
        return f"{self.code}-{self.edition} v{self.version}"

    def element(self, code: str) -> Element | None:
        return next((e for e in self.elements if e.code == code), None)

    def threshold(self, category: str) -> Threshold:
        return next(t for t in self.thresholds if t.category == category)


def _validate(rule_set: RuleSet) -> None:
    """Reject a rule set that would judge wrongly; messages name the offending entry."""
    where = f"Rule set {rule_set.code!r} {rule_set.edition!r} v{rule_set.version}"
    if not rule_set.code or not rule_set.edition:
        raise ValueError("Rule set: code and edition are required.")
    if isinstance(rule_set.version, bool) or not isinstance(rule_set.version, int):
        raise ValueError(f"{where}: version must be an integer, got {rule_set.version!r}.")
    if rule_set.version < 1:
        raise ValueError(f"{where}: version must be at least 1, got {rule_set.version}.")
    seen: set[str] = set()
    for element in rule_set.elements:
        if not element.code or len(element.code) > MAX_CODE_LENGTH:
            raise ValueError(
                f"{where}: element code {element.code!r} must be 1–{MAX_CODE_LENGTH} characters."
            )
        if element.code in seen:
            raise ValueError(f"{where}: duplicate element code {element.code!r}.")
        seen.add(element.code)
        if element.kind not in KINDS:
            raise ValueError(
                f"{where}: element {element.code!r} has unknown kind {element.kind!r} "
                f"(expected one of {', '.join(KINDS)})."
            )
        unknown = [c for c in element.applies_to if c not in CATEGORIES]
        if unknown:
            raise ValueError(
                f"{where}: element {element.code!r} applies to unknown place categories "
                f"{', '.join(map(repr, unknown))} (expected {', '.join(CATEGORIES)})."
            )
        if not element.text:
            raise ValueError(f"{where}: element {element.code!r} has no text.")
    categories: set[str] = set()
    for threshold in rule_set.thresholds:
        if threshold.category not in CATEGORIES:
            raise ValueError(
                f"{where}: threshold for unknown place category {threshold.category!r} "
                f"(expected {', '.join(CATEGORIES)})."
            )
        if threshold.category in categories:
            raise ValueError(f"{where}: two thresholds for category {threshold.category!r}.")
        categories.add(threshold.category)
        if (
            isinstance(threshold.min_elements, bool)
            or not isinstance(threshold.min_elements, int)
            or threshold.min_elements < 1
        ):
            raise ValueError(
                f"{where}: threshold for {threshold.category!r} must be a positive integer, "
                f"got {threshold.min_elements!r}."
            )
    missing = [c for c in CATEGORIES if c not in categories]
    if missing:
        raise ValueError(f"{where}: no threshold for place categories {', '.join(missing)}.")


# --------------------------------------------------------------------- JSON round trip

_RULE_SET_KEYS = {"code", "edition", "version", "elements", "thresholds", "source"}
_ELEMENT_KEYS = {"code", "kind", "text", "text_en", "applies_to", "verified", "note"}
_THRESHOLD_KEYS = {"category", "min_elements", "verified", "note"}


def rule_set_to_dict(rule_set: RuleSet) -> dict[str, Any]:
    """A JSON-ready dict; `rule_set_from_dict` of it equals the rule set."""
    return {
        "code": rule_set.code,
        "edition": rule_set.edition,
        "version": rule_set.version,
        "source": rule_set.source,
        "elements": [
            {
                "code": e.code,
                "kind": e.kind,
                "text": e.text,
                "text_en": e.text_en,
                "applies_to": list(e.applies_to),
                "verified": e.verified,
                "note": e.note,
            }
            for e in rule_set.elements
        ],
        "thresholds": [
            {
                "category": t.category,
                "min_elements": t.min_elements,
                "verified": t.verified,
                "note": t.note,
            }
            for t in rule_set.thresholds
        ],
    }


def _check_keys(what: str, data: Any, allowed: set[str], required: set[str]) -> None:
    if not isinstance(data, Mapping):
        raise ValueError(f"{what} must be an object, got {type(data).__name__}.")
    extra = sorted(set(data) - allowed)
    if extra:
        raise ValueError(f"{what}: unknown keys {', '.join(extra)}.")
    missing = sorted(required - set(data))
    if missing:
        raise ValueError(f"{what}: missing keys {', '.join(missing)}.")


def rule_set_from_dict(data: Mapping[str, Any]) -> RuleSet:
    """Build and validate a rule set from JSON data (how a new edition, e.g. 2025, is loaded)."""
    _check_keys("Rule set", data, _RULE_SET_KEYS, _RULE_SET_KEYS - {"source"})
    elements = []
    for index, raw in enumerate(data["elements"]):
        _check_keys(f"Element #{index + 1}", raw, _ELEMENT_KEYS, {"code", "kind", "text"})
        applies_to = raw.get("applies_to", [])
        if isinstance(applies_to, str) or not isinstance(applies_to, Sequence):
            raise ValueError(f"Element {raw['code']!r}: applies_to must be a list.")
        elements.append(
            Element(
                code=raw["code"],
                kind=raw["kind"],
                text=raw["text"],
                text_en=raw.get("text_en", ""),
                applies_to=tuple(applies_to),
                verified=bool(raw.get("verified", True)),
                note=raw.get("note", ""),
            )
        )
    thresholds = []
    for index, raw in enumerate(data["thresholds"]):
        _check_keys(f"Threshold #{index + 1}", raw, _THRESHOLD_KEYS, {"category", "min_elements"})
        thresholds.append(
            Threshold(
                category=raw["category"],
                min_elements=raw["min_elements"],
                verified=bool(raw.get("verified", False)),
                note=raw.get("note", ""),
            )
        )
    return RuleSet(
        code=data["code"],
        edition=data["edition"],
        version=data["version"],
        elements=tuple(elements),
        thresholds=tuple(thresholds),
        source=data.get("source", ""),
    )


# --------------------------------------------------------------------- the engine


def category_for(*, is_crowded: bool, is_flammable: bool = False) -> str:
    """Map a place to a category; a crowded place takes the crowded rule (the strictest)."""
    if is_crowded:
        return CROWDED
    return FLAMMABLE if is_flammable else OTHER


@dataclass(frozen=True)
class MatchedElement:
    code: str
    text: str
    text_en: str
    verified: bool


@dataclass(frozen=True)
class Determination:
    """The outcome and everything needed to explain it later (which elements, which rules)."""

    is_major: bool
    reason: str
    category: str
    rule_set_code: str
    rule_set_edition: str
    rule_set_version: int
    direct: tuple[MatchedElement, ...]
    comprehensive: tuple[MatchedElement, ...]
    threshold: int | None
    threshold_verified: bool
    # Codes passed in that the rule set does not know: reported, never dropped silently.
    unknown_codes: tuple[str, ...] = ()
    # Known elements that do not apply to this place category (so they were not counted).
    not_applicable: tuple[str, ...] = ()
    # Elements that were fixed on the spot and therefore not counted.
    fixed_on_spot: tuple[str, ...] = ()

    @property
    def reason_label(self) -> str:
        return str(REASON_LABELS[self.reason])

    @property
    def rule_set_label(self) -> str:
        return f"{self.rule_set_code}-{self.rule_set_edition} v{self.rule_set_version}"


def _matched(element: Element) -> MatchedElement:
    return MatchedElement(element.code, element.text, element.text_en, element.verified)


def determine(
    *,
    rule_set: RuleSet,
    category: str,
    element_codes: Iterable[str],
    place_closed: bool = False,
    fixable_now: Iterable[str] = (),
) -> Determination:
    """Judge one place from the element codes of its open hazards.

    Blank codes (hazards with no GB 35181 element) are skipped; duplicates count once; matched
    elements come out in the rule set's order. A direct element makes the hazard major; otherwise
    the comprehensive elements that apply to the category are counted against its threshold.
    """
    if category not in CATEGORIES:
        raise ValueError(f"Unknown place category {category!r} (expected {', '.join(CATEGORIES)}).")
    codes = list(dict.fromkeys(c for c in element_codes if c))
    fixed = set(fixable_now)
    known = {e.code for e in rule_set.elements}
    unknown = tuple(c for c in codes if c not in known)
    present = set(codes) - fixed
    fixed_on_spot = tuple(e.code for e in rule_set.elements if e.code in fixed and e.code in codes)
    threshold = rule_set.threshold(category)
    base: dict[str, Any] = {
        "category": category,
        "rule_set_code": rule_set.code,
        "rule_set_edition": rule_set.edition,
        "rule_set_version": rule_set.version,
        "unknown_codes": unknown,
        "fixed_on_spot": fixed_on_spot,
    }
    if place_closed:
        return Determination(
            is_major=False,
            reason=REASON_NOT_JUDGED,
            direct=(),
            comprehensive=(),
            threshold=None,
            threshold_verified=False,
            **base,
        )
    found = [e for e in rule_set.elements if e.code in present]
    applicable = [e for e in found if e.applies(category)]
    direct = tuple(_matched(e) for e in applicable if e.kind == DIRECT)
    comprehensive = tuple(_matched(e) for e in applicable if e.kind == COMPREHENSIVE)
    if direct:
        reason = REASON_DIRECT
    elif len(comprehensive) >= threshold.min_elements:
        reason = REASON_COMPREHENSIVE
    else:
        reason = REASON_BELOW_THRESHOLD
    return Determination(
        is_major=reason != REASON_BELOW_THRESHOLD,
        reason=reason,
        direct=direct,
        comprehensive=comprehensive,
        threshold=threshold.min_elements,
        threshold_verified=threshold.verified,
        not_applicable=tuple(e.code for e in found if not e.applies(category)),
        **base,
    )


def needs_collective_confirmation(determination: Determination) -> bool:
    """A major determination is final only after a collective decision (≥ 3 people)."""
    return determination.is_major


@dataclass(frozen=True)
class ConfirmedDetermination:
    determination: Determination
    people: tuple[str, ...]


def confirm(determination: Determination, people: list[str]) -> ConfirmedDetermination:
    """Record the collective decision: at least three distinct, named people."""
    if determination.reason == REASON_NOT_JUDGED:
        raise ValueError(gettext("A closed or stopped place is not judged; nothing to confirm."))
    names = tuple(dict.fromkeys(name.strip() for name in people if name.strip()))
    if len(names) < MIN_CONFIRMERS:
        raise ValueError(
            gettext(
                "A determination needs at least %(min)d different people to confirm it; "
                "got %(count)d."
            )
            % {"min": MIN_CONFIRMERS, "count": len(names)}
        )
    return ConfirmedDetermination(determination=determination, people=names)


def determination_to_dict(determination: Determination) -> dict[str, Any]:
    """JSON-ready record of a determination, for storing beside the hazard or in the audit log."""

    def _elements(items: tuple[MatchedElement, ...]) -> list[dict[str, Any]]:
        return [
            {"code": m.code, "text": m.text, "text_en": m.text_en, "verified": m.verified}
            for m in items
        ]

    return {
        "is_major": determination.is_major,
        "reason": determination.reason,
        "category": determination.category,
        "rule_set": {
            "code": determination.rule_set_code,
            "edition": determination.rule_set_edition,
            "version": determination.rule_set_version,
        },
        "direct": _elements(determination.direct),
        "comprehensive": _elements(determination.comprehensive),
        "threshold": determination.threshold,
        "threshold_verified": determination.threshold_verified,
        "unknown_codes": list(determination.unknown_codes),
        "not_applicable": list(determination.not_applicable),
        "fixed_on_spot": list(determination.fixed_on_spot),
    }
