"""API schemas of the people app."""

from __future__ import annotations

import datetime

from ninja import Field, Schema

from firegrid.core.params import Day


class RoleOut(Schema):
    code: str
    name: str
    name_en: str
    duties: str
    can_manage: bool
    sees_phones: bool


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
    phone: str = Field(..., description="Masked (138****1234) unless your role sees phones here.")
    photo_url: str | None
    home_grid_id: int
    note: str
    assignments: list[AssignmentOut]


class PersonIn(Schema):
    name: str = Field(..., max_length=50)
    phone: str = Field("", max_length=40, description="Mobile or landline; spaces/full-width ok.")
    note: str = Field("", max_length=200)
    home_grid_id: int = Field(..., description="The grid whose office keeps this record.")


class PersonPatchIn(Schema):
    name: str | None = Field(None, max_length=50)
    phone: str | None = Field(None, max_length=40)
    note: str | None = Field(None, max_length=200)


class PeopleFilters(Schema):
    q: str = Field("", max_length=50, description="Name contains, or phone contains.")
    grid: int | None = Field(None, description="Registered at, or assigned to, this grid.")


class AssignmentFilters(Schema):
    grid: int | None = None
    person: int | None = None
    active: bool | None = Field(None, description="Only assignments active today.")
    subtree: bool = Field(False, description="With `grid`: include its whole subtree.")


class AssignmentIn(Schema):
    person_id: int
    grid_id: int
    role_code: str
    start_on: Day
    end_on: Day | None = None
    letter_signed_on: Day | None = None
    backup_id: int | None = Field(None, description="AB-post partner (AB岗搭档).")
    duties: str = Field("", max_length=300)


class AssignmentEndIn(Schema):
    end_on: Day
