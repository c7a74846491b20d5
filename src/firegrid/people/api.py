"""/api/v1/people, /api/v1/assignments and /api/v1/roles."""

# No `from __future__ import annotations`: ninja resolves `Query[...]` of a @paginate-wrapped view
# in the pagination module's namespace, where postponed annotations do not resolve.
import datetime
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from firegrid.core.pagination import RenderedPagination, Rows
from firegrid.grids.schemas import ErrorOut
from firegrid.grids.selectors import grid_get

from . import selectors, services
from .models import Assignment, Person, Role
from .schemas import (
    AssignmentEndIn,
    AssignmentFilters,
    AssignmentIn,
    AssignmentOut,
    PeopleFilters,
    PersonIn,
    PersonOut,
    PersonPatchIn,
    RoleOut,
)
from .scope import user_scope

router = Router(tags=["people"])
WRITE_ERRORS = {403: ErrorOut, 404: ErrorOut, 422: ErrorOut}


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


def person_out(user: Any, person: Person, today: datetime.date | None = None) -> dict[str, Any]:
    """Needs `home_grid` selected and `assignments` prefetched (selectors.person_list does both).

    Only assignments on grids in the viewer's scope are listed: a person registered here may also
    hold a post elsewhere, and that grid's existence is not the viewer's to learn.
    """
    today = today or timezone.localdate()
    scope = user_scope(user)
    return {
        "id": person.pk,
        "name": person.name,
        "phone": selectors.person_phone_for(user, person),
        "photo_url": person.photo.url if person.photo else None,
        "home_grid_id": person.home_grid_id,
        "note": person.note,
        "assignments": [
            assignment_out(a, today) for a in person.assignments.all() if scope.covers(a.grid.path)
        ],
    }


def role_out(role: Role) -> dict[str, Any]:
    return {
        "code": role.code,
        "name": role.name,
        "name_en": role.name_en,
        "duties": role.duties,
        "can_manage": role.can_manage,
        "sees_phones": role.sees_phones,
    }


@router.get("/people", response=list[PersonOut])
@paginate(RenderedPagination, page_size=50)
def list_people(request: HttpRequest, filters: Query[PeopleFilters]) -> Any:
    """People in your scope (registered at, or assigned in, your grids)."""
    people = selectors.person_list(request.user, search=filters.q.strip(), grid_id=filters.grid)
    today = timezone.localdate()
    return Rows(people, lambda person: person_out(request.user, person, today))


@router.get("/people/{int:person_id}", response={200: PersonOut, 404: ErrorOut})
def person_detail(request: HttpRequest, person_id: int) -> Any:
    return person_out(request.user, selectors.person_get(request.user, person_id))


@router.post("/people", response={201: PersonOut, **WRITE_ERRORS})
def person_create(request: HttpRequest, payload: PersonIn) -> Any:
    """Register a person at a grid you manage (the phone is normalised to digits)."""
    grid = grid_get(request.user, payload.home_grid_id)
    person = services.person_create(
        actor=request.user,
        home_grid=grid,
        name=payload.name,
        phone=payload.phone,
        note=payload.note,
    )
    return Status(201, person_out(request.user, selectors.person_get(request.user, person.pk)))


@router.patch("/people/{int:person_id}", response={200: PersonOut, **WRITE_ERRORS})
def person_patch(request: HttpRequest, person_id: int, payload: PersonPatchIn) -> Any:
    person = selectors.person_get(request.user, person_id)
    services.person_update(
        actor=request.user, person=person, changes=payload.dict(exclude_unset=True)
    )
    return person_out(request.user, selectors.person_get(request.user, person_id))


@router.post("/people/{int:person_id}/photo", response={200: PersonOut, **WRITE_ERRORS})
def person_photo(request: HttpRequest, person_id: int, photo: File[UploadedFile]) -> Any:
    """Upload a photo (multipart, field `photo`): resized to 800 px, EXIF (GPS) removed."""
    person = selectors.person_get(request.user, person_id)
    services.person_set_photo(actor=request.user, person=person, photo=photo)
    return person_out(request.user, selectors.person_get(request.user, person_id))


@router.get("/assignments", response=list[AssignmentOut])
@paginate(RenderedPagination, page_size=100)
def list_assignments(request: HttpRequest, filters: Query[AssignmentFilters]) -> Any:
    """Assignments (定人定岗) on grids in your scope."""
    today = timezone.localdate()
    assignments = selectors.assignment_list(
        request.user,
        grid_id=filters.grid,
        person_id=filters.person,
        active_on=today if filters.active else None,
        include_subtree=filters.subtree,
    )
    return Rows(assignments, lambda assignment: assignment_out(assignment, today))


@router.post("/assignments", response={201: AssignmentOut, **WRITE_ERRORS})
def assignment_create(request: HttpRequest, payload: AssignmentIn) -> Any:
    """Put a person in a role on a grid you manage, for a term."""
    grid = grid_get(request.user, payload.grid_id)
    person = selectors.person_get(request.user, payload.person_id)
    role = selectors.role_get(payload.role_code)
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
    created = selectors.assignment_get(request.user, assignment.pk)
    return Status(201, assignment_out(created, timezone.localdate()))


@router.post("/assignments/{int:assignment_id}/end", response={200: AssignmentOut, **WRITE_ERRORS})
def assignment_end(request: HttpRequest, assignment_id: int, payload: AssignmentEndIn) -> Any:
    """End a term (离岗) on a date; the record stays for the history."""
    assignment = selectors.assignment_get(request.user, assignment_id)
    services.assignment_end(actor=request.user, assignment=assignment, end_on=payload.end_on)
    return assignment_out(
        selectors.assignment_get(request.user, assignment_id), timezone.localdate()
    )


@router.get("/roles", response=list[RoleOut])
@paginate(RenderedPagination, page_size=100)
def list_roles(request: HttpRequest) -> Any:
    """The roles (责任人角色) an assignment may hold, and what each may do."""
    return Rows(selectors.role_list(), role_out)
