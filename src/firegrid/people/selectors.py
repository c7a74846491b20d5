"""Reads of the people app, scoped by grid subtree; phones masked unless the role may see them."""

from __future__ import annotations

import datetime
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.core.errors import NotFound, ValidationFailed
from firegrid.grids.models import Grid

from .models import Assignment, AssignmentQuerySet, Person, Role
from .scope import user_scope


def mask_phone(phone: str) -> str:
    """138****1234 — enough to recognise a number, not enough to call it."""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def person_queryset(user: Any) -> QuerySet[Person]:
    scope = user_scope(user)
    if scope.everything:
        return Person.objects.all()
    visible = scope.q("home_grid__path") | scope.q("assignments__grid__path")
    ids = Person.objects.filter(visible).values("pk")
    return Person.objects.filter(pk__in=ids)


def person_list(user: Any, *, search: str = "", grid_id: int | None = None) -> QuerySet[Person]:
    people = person_queryset(user).select_related("home_grid")
    if search:
        people = people.filter(Q(name__icontains=search) | _phone_search(user, search))
    if grid_id is not None:
        people = people.filter(Q(home_grid_id=grid_id) | Q(assignments__grid_id=grid_id)).distinct()
    return people.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.select_related("grid", "role", "backup").order_by(
                "start_on", "pk"
            ),
        )
    ).order_by("name", "pk")


def _phone_search(user: Any, search: str) -> Q:
    """Match phones only where the viewer sees them in full: a masked number is no search oracle."""
    scope = user_scope(user)
    if scope.everything:
        return Q(phone__contains=search)
    if not scope.phone_paths:
        return Q(pk__in=[])
    where = reduce(or_, (Q(home_grid__path__startswith=path) for path in scope.phone_paths))
    return Q(phone__contains=search) & where


def person_get(user: Any, person_id: int) -> Person:
    """A person in scope with their assignments loaded, or NotFound (also when out of scope)."""
    person = person_list(user).filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("Person not found."), code="person_not_found")
    return person


def person_phone_for(user: Any, person: Person) -> str:
    """The phone as this viewer may see it: in full only where their role `sees_phones`."""
    if user_scope(user).sees_phone_in(person.home_grid.path):
        return person.phone
    return mask_phone(person.phone)


def board_phone(phone: str, *, grid: Grid, user: Any = None) -> str:
    """A responsible person's phone on a grid's public board or a place's placard: in full where
    the jurisdiction publishes phones or the viewer's role sees phones there; masked otherwise."""
    if grid.jurisdiction.phones_public or (
        user is not None and user_scope(user).sees_phone_in(grid.path)
    ):
        return phone
    return mask_phone(phone)


def role_get(code: str) -> Role:
    role = Role.objects.filter(code=code).first()
    if role is None:
        raise ValidationFailed(
            _("Unknown role %(code)s.") % {"code": repr(code)}, code="role_unknown"
        )
    return role


def assignment_queryset(user: Any) -> AssignmentQuerySet:
    return Assignment.objects.filter(user_scope(user).q("grid__path")).select_related(
        "person", "grid", "role", "backup", "grid__level"
    )


def assignment_get(user: Any, assignment_id: int) -> Assignment:
    assignment = assignment_queryset(user).filter(pk=assignment_id).first()
    if assignment is None:
        raise NotFound(_("Assignment not found."), code="assignment_not_found")
    return assignment


def assignment_list(
    user: Any,
    *,
    grid_id: int | None = None,
    person_id: int | None = None,
    active_on: datetime.date | None = None,
    include_subtree: bool = False,
) -> AssignmentQuerySet:
    assignments = assignment_queryset(user)
    if grid_id is not None:
        if include_subtree:
            grid = Grid.objects.filter(pk=grid_id).only("path").first()
            # The scope filter above still applies, so a subtree outside the scope stays empty.
            assignments = assignments.filter(grid__path__startswith=grid.path if grid else "-")
        else:
            assignments = assignments.filter(grid_id=grid_id)
    if person_id is not None:
        assignments = assignments.filter(person_id=person_id)
    if active_on is not None:
        assignments = assignments.active(active_on)
    return assignments.order_by("grid__path", "role__sort_order", "person__name", "pk")


def grid_board(grid: Grid, *, on: datetime.date | None = None) -> list[Assignment]:
    """The public notice board (公示) of a grid: its active responsible people."""
    return list(
        Assignment.objects.active(on or timezone.localdate())
        .filter(grid=grid)
        .select_related("person", "role")
        .order_by("role__sort_order", "person__name")
    )


def role_list() -> QuerySet[Role]:
    return Role.objects.order_by("sort_order", "code")
