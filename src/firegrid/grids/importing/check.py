"""The two entry points: read the file, then plan its import (every problem, nothing written)."""

from __future__ import annotations

import json
from typing import Any

from .features import plan_features, read_features
from .header import plan_header, read_header, resolve_crs
from .plan import ImportPlan, ImportRejected, Problem
from .relations import check_existing, check_geometry_relations, check_tree


def read_collection(raw: bytes | str) -> Any:
    """Parse the file's JSON, or raise ImportRejected naming the line and column."""
    try:
        text = raw.decode("utf-8-sig") if isinstance(raw, bytes) else raw
        return json.loads(text)
    except UnicodeDecodeError as exc:
        problem = Problem(
            None, "", "encoding", f"not UTF-8 text ({exc.reason} at byte {exc.start})"
        )
    except json.JSONDecodeError as exc:
        problem = Problem(
            None, "", "json", f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        )
    raise ImportRejected(ImportPlan.failed(problem))


def plan_import(
    collection: Any, *, crs: str | None = None, jurisdiction_code: str | None = None
) -> ImportPlan:
    """Every problem of the file against the database as it is; writes nothing."""
    header = read_header(collection)
    plan = plan_header(header, jurisdiction_code)
    if not resolve_crs(plan, header, crs):
        return plan
    features = read_features(collection, plan)
    if features is not None:
        plan_features(plan, features)
        check_existing(plan)
        check_tree(plan)
        check_geometry_relations(plan)
    plan.errors.sort(key=lambda p: p.feature or 0)
    plan.warnings.sort(key=lambda p: p.feature or 0)
    return plan
