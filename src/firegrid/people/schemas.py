"""API schemas of the people app."""

from __future__ import annotations

import datetime

from ninja import Schema


class RoleOut(Schema):
    code: str
    name: str
    name_en: str
    duties: str
    can_manage: bool


class AssignmentOut(Schema):
    id: int
    person_id: int
    person_name: str
    grid_id: int
    grid_code: str
    grid_name: str
    role_code: str
    role_name: str
    start_on: datetime.date
    end_on: datetime.date | None
    letter_signed_on: datetime.date | None
    backup_id: int | None
    backup_name: str | None
    duties: str
    active: bool


class PersonOut(Schema):
    id: int
    name: str
    phone: str
    photo_url: str | None
    home_grid_id: int
    note: str
    assignments: list[AssignmentOut]


class PersonIn(Schema):
    name: str
    phone: str = ""
    note: str = ""
    home_grid_id: int


class PersonPatchIn(Schema):
    name: str | None = None
    phone: str | None = None
    note: str | None = None


class AssignmentIn(Schema):
    person_id: int
    grid_id: int
    role_code: str
    start_on: datetime.date
    end_on: datetime.date | None = None
    letter_signed_on: datetime.date | None = None
    backup_id: int | None = None
    duties: str = ""


class AssignmentEndIn(Schema):
    end_on: datetime.date
