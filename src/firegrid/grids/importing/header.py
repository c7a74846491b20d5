"""The file's `firegrid` header: jurisdiction, grid levels and CRS, merged with the database."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings

from firegrid.core.coords import CRS_CHOICES

from ..models import DEFAULT_CODE_PATTERNS, Jurisdiction
from .plan import MAX_CODE_LENGTH, ImportPlan, LevelSpec, is_whole, text

HEADER_KEY = "firegrid"
JURISDICTION_FLAGS = ("codes_extend_parent", "phones_public")


def read_header(collection: Any) -> dict[str, Any]:
    """The header object, or {} when the file has none (or not an object)."""
    header = collection.get(HEADER_KEY) if isinstance(collection, dict) else None
    return header if isinstance(header, dict) else {}


def plan_header(header: dict[str, Any], jurisdiction_code: str | None) -> ImportPlan:
    """A plan for the named (or the only) jurisdiction, its levels from the database and file."""
    raw_info = header.get("jurisdiction")
    info: dict[str, Any] = raw_info if isinstance(raw_info, dict) else {}
    code = text(jurisdiction_code) or text(info.get("code"))
    existing = Jurisdiction.objects.filter(code=code).first() if code else _only_jurisdiction()
    plan = ImportPlan(
        jurisdiction_code=code or (existing.code if existing else ""),
        jurisdiction_name=text(info.get("name")) or (existing.name if existing else ""),
        jurisdiction_options=_jurisdiction_options(info),
        levels={},
    )
    if not plan.jurisdiction_code:
        plan.file_error("jurisdiction", "name the jurisdiction (header or --jurisdiction)")
    elif len(plan.jurisdiction_code) > MAX_CODE_LENGTH:
        plan.file_error("jurisdiction", f"code is longer than {MAX_CODE_LENGTH} characters")
    if existing is not None:
        _inherit(plan, existing)
    _header_levels(plan, header.get("levels"))
    return plan


def resolve_crs(plan: ImportPlan, header: dict[str, Any], crs: str | None) -> bool:
    """Set the plan's source CRS (argument, header, then setting); False when it is unknown."""
    source_crs = str(crs or header.get("crs") or settings.FIREGRID_DEFAULT_CRS)
    if source_crs not in CRS_CHOICES:
        plan.file_error("crs", f"unknown CRS {source_crs!r}; use one of {', '.join(CRS_CHOICES)}")
        return False
    plan.source_crs = source_crs
    return True


def _only_jurisdiction() -> Jurisdiction | None:
    only = list(Jurisdiction.objects.all()[:2])
    return only[0] if len(only) == 1 else None


def _jurisdiction_options(info: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if isinstance(info.get("name_en"), str):
        options["name_en"] = info["name_en"]
    for key in JURISDICTION_FLAGS:
        if isinstance(info.get(key), bool):
            options[key] = info[key]
    return options


def _inherit(plan: ImportPlan, existing: Jurisdiction) -> None:
    """An existing jurisdiction's levels and code rule hold unless the header says otherwise."""
    for level in existing.levels.all():
        plan.levels[level.depth] = LevelSpec(
            level.depth, level.name, level.name_en, level.code_pattern, level.color
        )
    plan.jurisdiction_options.setdefault("codes_extend_parent", existing.codes_extend_parent)


def _header_levels(plan: ImportPlan, raw_levels: Any) -> None:
    if raw_levels is not None and not isinstance(raw_levels, list):
        plan.file_error("levels", "must be a list of {depth, name, …}")
        return
    for raw in raw_levels or []:
        spec = _level_spec(raw)
        if isinstance(spec, str):
            plan.file_error("levels", spec)
        else:
            plan.levels[spec.depth] = spec


def _level_spec(raw: Any) -> LevelSpec | str:
    """The level the header describes, or what is wrong with it."""
    depth = raw.get("depth") if isinstance(raw, dict) else None
    if not is_whole(depth) or depth < 0 or not raw.get("name"):
        return f"level {raw!r} needs a depth ≥ 0 and a name"
    pattern = str(raw.get("code_pattern") or DEFAULT_CODE_PATTERNS.get(depth, r"^\d+$"))
    try:
        re.compile(pattern)
    except re.error as exc:
        return f"level {raw['name']}: bad pattern ({exc})"
    return LevelSpec(
        depth=depth,
        name=str(raw["name"]),
        name_en=str(raw.get("name_en", "")),
        code_pattern=pattern,
        color=str(raw.get("color", "")),
    )
