"""Data scope (数据权限): what a user may read and manage, as grid subtrees.

A user's scope is the union of the subtrees of the grids of their active assignments; a role
flagged `can_manage` also lets them edit inside that subtree. Superusers see everything. Selectors
of every app filter through this object, so pages and the API share one rule.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q
from django.utils import timezone

from firegrid.grids.models import Grid

from .models import Assignment

SCOPE_CACHE_ATTR = "_firegrid_scope"


@dataclass(frozen=True)
class DataScope:
    everything: bool
    read_paths: tuple[str, ...]
    manage_paths: tuple[str, ...]
    phone_paths: tuple[str, ...]
    pii_paths: tuple[str, ...] = ()
    registry_paths: tuple[str, ...] = ()
    triage_paths: tuple[str, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not self.everything and not self.read_paths

    def q(self, path_field: str = "path", *, manage: bool = False, registry: bool = False) -> Q:
        """A filter on a grid path field (e.g. "grid__path") restricting rows to this scope
        (with `manage`: where the viewer manages; with `registry`: where they edit the registry)."""
        if self.everything:
            return Q()
        if registry:
            paths = self.registry_paths
        else:
            paths = self.manage_paths if manage else self.read_paths
        if not paths:
            return Q(pk__in=[])
        return reduce(or_, (Q(**{f"{path_field}__startswith": path}) for path in paths))

    def covers(self, path: str, *, manage: bool = False) -> bool:
        if self.everything:
            return True
        return any(path.startswith(p) for p in (self.manage_paths if manage else self.read_paths))

    def sees_phone_in(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.phone_paths)

    @property
    def may_edit_registry_somewhere(self) -> bool:
        """Whether any grid lets the viewer add registry records (pages offer "add"/"import")."""
        return self.everything or bool(self.registry_paths)

    def may_edit_registry_in(self, path: str) -> bool:
        """Whether the viewer may add or edit registry records (places, buildings…) under `path`."""
        return self.everything or any(path.startswith(p) for p in self.registry_paths)

    def may_triage_in(self, path: str) -> bool:
        """Whether the viewer handles citizen reports and notice receipts (签收) under `path`: a
        role flagged `can_triage` posted there or above (not a 志愿者 or 楼栋长)."""
        return self.everything or any(path.startswith(p) for p in self.triage_paths)

    def may_unmask_pii_in(self, path: str) -> bool:
        """Whether the viewer may reveal residents' ID numbers and phones under `path`."""
        return self.everything or any(path.startswith(p) for p in self.pii_paths)


NOTHING = DataScope(everything=False, read_paths=(), manage_paths=(), phone_paths=())


def user_scope(user: Any, *, on: datetime.date | None = None) -> DataScope:
    """Compute (and cache on the user object for the request) the user's data scope."""
    if user is None or not user.is_authenticated:
        return NOTHING
    cached = getattr(user, SCOPE_CACHE_ATTR, None)
    if cached is not None and on is None:
        return cached
    scope = _compute_scope(user, on or timezone.localdate())
    if on is None:
        setattr(user, SCOPE_CACHE_ATTR, scope)
    return scope


def _compute_scope(user: Any, on: datetime.date) -> DataScope:
    if user.is_superuser:
        return DataScope(everything=True, read_paths=(), manage_paths=(), phone_paths=())
    rows = (
        Assignment.objects.active(on)
        .filter(person__user=user)
        .values_list(
            "grid__path",
            "role__can_manage",
            "role__sees_phones",
            "role__can_unmask_pii",
            "role__can_edit_registry",
            "role__can_triage",
        )
    )
    read, manage, phones, pii, registry = set(), set(), set(), set(), set()
    triage: set[str] = set()
    for path, can_manage, sees_phones, can_unmask_pii, can_edit_registry, can_triage in rows:
        read.add(path)
        if can_manage:
            manage.add(path)
        if sees_phones:
            phones.add(path)
        if can_unmask_pii:
            pii.add(path)
        if can_edit_registry:
            registry.add(path)
        if can_triage:
            triage.add(path)
    return DataScope(
        everything=False,
        read_paths=_minimal(read),
        manage_paths=_minimal(manage),
        phone_paths=_minimal(phones),
        pii_paths=_minimal(pii),
        registry_paths=_minimal(registry),
        triage_paths=_minimal(triage),
    )


def _minimal(paths: set[str]) -> tuple[str, ...]:
    """Drop paths already inside another path of the set (fewer OR terms per query)."""
    ordered = sorted(paths, key=len)
    kept: list[str] = []
    for path in ordered:
        if not any(path.startswith(k) for k in kept):
            kept.append(path)
    return tuple(sorted(kept))


def scoped_grids(user: Any, *, manage: bool = False) -> Any:
    return Grid.objects.filter(user_scope(user).q(manage=manage))
