"""/api/v1/people, /api/v1/assignments and /api/v1/roles."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from firegrid.core.errors import ValidationFailed
from firegrid.grids.selectors import grid_get

from . import selectors, services
from .models import Assignment, Person, Role
from .schemas import (
    AssignmentEndIn,
    AssignmentIn,
    AssignmentOut,
    PersonIn,
    PersonOut,
    PersonPatchIn,
    RoleOut,
)

router = Router(tags=["people"])


def assignment_out(assignment: Assignment, today: datetime.date) -> dict[str, Any]:
    return {
        "id": assignment.pk,
        "person_id": assignment.person_id,
        "person_name": assignment.person.name,
        "grid_id": assignment.grid_id,
        "grid_code": assignment.grid.code,
        "grid_name": assignment.grid.name,
        "role_code": assignment.role.code,
        "role_name": assignment.role.name,
        "start_on": assignment.start_on,
        "end_on": assignment.end_on,
        "letter_signed_on": assignment.letter_signed_on,
        "backup_id": assignment.backup_id,
        "backup_name": assignment.backup.name if assignment.backup else None,
        "duties": assignment.duties,
        "active": assignment.start_on <= today
        and (assignment.end_on is None or assignment.end_on >= today),
    }


def person_out(user: Any, person: Person) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "id": person.pk,
        "name": person.name,
        "phone": selectors.person_phone_for(user, person),
        "photo_url": person.photo.url if person.photo else None,
        "home_grid_id": person.home_grid_id,
        "note": person.note,
        "assignments": [assignment_out(a, today) for a in person.assignments.all()],
    }


class PeopleFilters(Schema):
    q: str = ""
    grid: int | None = None


@router.get("/people", response=list[PersonOut])
@paginate(PageNumberPagination, page_size=50)
def list_people(request: HttpRequest, filters: Query[PeopleFilters]) -> Any:
    people = selectors.person_list(request.user, search=filters.q.strip(), grid_id=filters.grid)
    return [person_out(request.user, p) for p in people]


@router.get("/people/{person_id}", response=PersonOut)
def person_detail(request: HttpRequest, person_id: int) -> Any:
    return person_out(request.user, _person(request, person_id))


def _person(request: HttpRequest, person_id: int) -> Person:
    selectors.person_get(request.user, person_id)
    return selectors.person_list(request.user).get(pk=person_id)


@router.post("/people", response={201: PersonOut})
def person_create(request: HttpRequest, payload: PersonIn) -> Any:
    grid = grid_get(request.user, payload.home_grid_id)
    person = services.person_create(
        actor=request.user, home_grid=grid, name=payload.name, phone=payload.phone, note=payload.note
    )
    return 201, person_out(request.user, _person(request, person.pk))


@router.patch("/people/{person_id}", response=PersonOut)
def person_patch(request: HttpRequest, person_id: int, payload: PersonPatchIn) -> Any:
    person = selectors.person_get(request.user, person_id)
    services.person_update(
        actor=request.user, person=person, changes=payload.dict(exclude_unset=True)
    )
    return person_out(request.user, _person(request, person_id))


class AssignmentFilters(Schema):
    grid: int | None = None
    person: int | None = None
    active: bool | None = None
    subtree: bool = False


@router.get("/assignments", response=list[AssignmentOut])
@paginate(PageNumberPagination, page_size=100)
def list_assignments(request: HttpRequest, filters: Query[AssignmentFilters]) -> Any:
    today = timezone.localdate()
    assignments = selectors.assignment_list(
        request.user,
        grid_id=filters.grid,
        person_id=filters.person,
        active_on=today if filters.active else None,
        include_subtree=filters.subtree,
    )
    return [assignment_out(a, today) for a in assignments]


@router.post("/assignments", response={201: AssignmentOut})
def assignment_create(request: HttpRequest, payload: AssignmentIn) -> Any:
    grid = grid_get(request.user, payload.grid_id)
    person = selectors.person_get(request.user, payload.person_id)
    role = Role.objects.filter(code=payload.role_code).first()
    if role is None:
        raise ValidationFailed(f"unknown role {payload.role_code!r}", code="role_unknown")
    backup = selectors.person_get(request.user, payload.backup_id) if payload.backup_id else None
    assignment = services.grid_assign_person(
        actor=request.user,
        grid=grid,
        person=person,
        role=role,
        start_on=payload.start_on,
        end_on=payload.end_on,
        letter_signed_on=payload.letter_signed_on,
        backup=backup,
        duties=payload.duties,
    )
    return 201, assignment_out(
        selectors.assignment_get(request.user, assignment.pk), timezone.localdate()
    )


@router.post("/assignments/{assignment_id}/end", response=AssignmentOut)
def assignment_end(request: HttpRequest, assignment_id: int, payload: AssignmentEndIn) -> Any:
    assignment = selectors.assignment_get(request.user, assignment_id)
    services.assignment_end(actor=request.user, assignment=assignment, end_on=payload.end_on)
    return assignment_out(
        selectors.assignment_get(request.user, assignment_id), timezone.localdate()
    )


@router.get("/roles", response=list[RoleOut])
def list_roles(request: HttpRequest) -> Any:
    return list(selectors.role_list())


