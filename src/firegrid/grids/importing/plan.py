"""What an import check produces: problems (errors and warnings) and the planned grids."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeGuard

from shapely.geometry.base import BaseGeometry

from firegrid.core.errors import ApplicationError

from ..models import Grid

MAX_NAME_LENGTH = 100  # Grid.name
MAX_CODE_LENGTH = 32  # Grid.code and Jurisdiction.code


@dataclass(frozen=True)
class Problem:
    """One finding, naming the feature (1-based, as people count) and the field."""

    feature: int | None
    code: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"feature #{self.feature}" if self.feature is not None else "file"
        if self.code:
            where += f" (code {self.code})"
        return f"{where}, {self.field}: {self.message}"


@dataclass
class LevelSpec:
    depth: int
    name: str
    name_en: str = ""
    code_pattern: str = ""
    color: str = ""


@dataclass
class PlannedGrid:
    index: int
    code: str
    name: str
    depth: int
    parent_code: str
    boundary: dict[str, Any]
    geom: BaseGeometry
    households: int | None
    population: int | None
    existing: Grid | None = None


@dataclass
class ImportPlan:
    jurisdiction_code: str
    jurisdiction_name: str
    jurisdiction_options: dict[str, Any]
    levels: dict[int, LevelSpec]
    grids: list[PlannedGrid] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    feature_count: int = 0
    source_crs: str = "wgs84"
    # Codes of features that are in the file but broken themselves: not "unknown" as parents.
    broken_codes: set[str] = field(default_factory=set)

    @classmethod
    def failed(cls, problem: Problem) -> ImportPlan:
        return cls("", "", {}, {}, errors=[problem])

    def file_error(self, field_name: str, message: str) -> None:
        """An error of the file as a whole (header, type, CRS…), not of one feature."""
        self.errors.append(Problem(None, "", field_name, message))


class ImportRejected(ApplicationError):
    code = "import_rejected"
    status = 422

    def __init__(self, plan: ImportPlan) -> None:
        super().__init__(
            f"{len(plan.errors)} problem(s) found; nothing was imported", details=plan.errors
        )
        self.plan = plan


def text(value: Any) -> str:
    """A property as stripped text: numbers become digits, anything else not text becomes ""."""
    if isinstance(value, bool) or value is None:
        return ""
    if isinstance(value, int):
        return str(value)
    return value.strip() if isinstance(value, str) else ""


def is_whole(value: Any) -> TypeGuard[int]:
    """An int that is not a bool (JSON `true` parses to one)."""
    return isinstance(value, int) and not isinstance(value, bool)
