"""Helpers for tests and benchmarks (kept in the package so every app's tests can share them)."""

from __future__ import annotations

import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.utils import timezone

from firegrid.grids.models import Grid
from firegrid.people.models import Assignment, Person, Role


def user_with_role(
    role_code: str,
    grid: Grid,
    *,
    username: str | None = None,
    start_on: datetime.date | None = None,
    end_on: datetime.date | None = None,
) -> Any:
    """A user with a person record holding `role_code` on `grid` (active from today by default)."""
    user_model = get_user_model()
    name = username or f"{role_code}-{grid.code}-{user_model.objects.count()}"
    user = user_model.objects.create_user(username=name, password="pw-for-tests-only")  # noqa: S106
    person = Person.objects.create(name=name, phone="13800001234", home_grid=grid, user=user)
    Assignment.objects.create(
        person=person,
        grid=grid,
        role=Role.objects.get(code=role_code),
        start_on=start_on or timezone.localdate(),
        end_on=end_on,
    )
    return user
