"""`demo_load`: bring the database to the demo (grids, people, assignments, logins), idempotently.

Loading goes through the real import service; a second load finds everything in place and
changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import Permission
from django.db import models, transaction

from firegrid.core.audit import audit_record
from firegrid.people.models import Assignment, Person, Role

from ..importing import Problem
from ..models import Grid, GridLevel
from ..services import grids_import
from .collection import COUNTY_CODE, LEVELS, demo_collection
from .people import (
    DEMO_LETTER_SIGNED,
    DEMO_START,
    DemoAssignment,
    DemoLogin,
    DemoPerson,
    demo_people,
)

if TYPE_CHECKING:
    from firegrid.hazards.demo import HazardsDemoResult
    from firegrid.inspections.demo import InspectionsDemoResult
    from firegrid.registry.demo import RegistryDemoResult
    from firegrid.reports.demo import ReportsDemoResult

DEFAULT_PASSWORD = "firegrid-demo"  # noqa: S105 - the documented password of a local demo
# Stored grid fields compared with a feature, in the order of `_feature_values`.
STORED_FIELDS = ("name", "depth", "parent__code", "households", "population", "boundary")


@dataclass
class LevelCount:
    depth: int
    name: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class DemoLoadResult:
    levels: list[LevelCount]
    imported: bool
    warnings: list[Problem]
    people_created: int
    people_total: int
    assignments_created: int
    assignments_total: int
    users_created: int
    passwords_reset: int
    logins: list[DemoLogin]
    registry: RegistryDemoResult | None = None
    inspections: InspectionsDemoResult | None = None
    hazards: HazardsDemoResult | None = None
    reports: ReportsDemoResult | None = None

    @property
    def changed(self) -> bool:
        return bool(
            self.imported
            or self.people_created
            or self.assignments_created
            or self.users_created
            or self.passwords_reset
            or (self.registry is not None and self.registry.changed)
            or (self.inspections is not None and self.inspections.changed)
            or (self.hazards is not None and self.hazards.changed)
            or (self.reports is not None and self.reports.changed)
        )


@transaction.atomic
def demo_load(*, password: str = DEFAULT_PASSWORD) -> DemoLoadResult:
    """Load (or bring back) the demo jurisdiction, its people and the documented demo logins.

    Grids are imported through `grids_import` only when something differs, so a second load
    writes nothing; people, assignments and logins are found again by their stable keys (phone,
    person × grid × role, username). Demo passwords are reset to `password`.
    """
    collection = demo_collection()
    plan = demo_people(collection)
    users, users_created, passwords_reset = _demo_users(plan.logins, password)
    actor = users["admin"]
    levels, levels_current = _grid_changes(collection)
    needs_import = not levels_current or any(c.created or c.updated for c in levels)
    warnings: list[Problem] = []
    if needs_import:
        warnings = grids_import(collection=collection, actor=actor, crs="wgs84").warnings

    grids = {g.code: g for g in Grid.objects.filter(jurisdiction__code=COUNTY_CODE)}
    persons, new_people = _load_persons(plan.persons, grids, actor)
    _link_logins(plan.logins, persons, users, actor)
    new_assignments = _load_assignments(plan.assignments, persons, grids, actor)
    from firegrid.registry.demo import registry_demo_load  # the registry app builds on the grids

    registry = registry_demo_load(actor=actor)
    from firegrid.inspections.demo import inspections_demo_load  # builds on the registry

    inspections = inspections_demo_load(actor=actor)
    from firegrid.hazards.demo import hazards_demo_load  # builds on the inspections' hazards

    hazards = hazards_demo_load()
    from firegrid.reports.demo import reports_demo_load  # residents' reports, an Open311 key

    reports = reports_demo_load()
    return DemoLoadResult(
        levels=levels,
        imported=needs_import,
        warnings=warnings,
        people_created=new_people,
        people_total=len(plan.persons),
        assignments_created=new_assignments,
        assignments_total=len(plan.assignments),
        users_created=users_created,
        passwords_reset=passwords_reset,
        logins=plan.logins,
        registry=registry,
        inspections=inspections,
        hazards=hazards,
        reports=reports,
    )


def _grid_changes(collection: dict[str, Any]) -> tuple[list[LevelCount], bool]:
    """Compare the collection with the database: per level created/updated/unchanged."""
    levels = {spec["depth"]: LevelCount(spec["depth"], spec["name"]) for spec in LEVELS}
    codes = [f["properties"]["code"] for f in collection["features"]]
    stored = {
        row[0]: row[1:]
        for row in Grid.objects.filter(code__in=codes).values_list("code", *STORED_FIELDS)
    }
    for feature in collection["features"]:
        row = stored.get(feature["properties"]["code"])
        count = levels[feature["properties"]["level"]]
        if row is None:
            count.created += 1
        elif row == _feature_values(feature):
            count.unchanged += 1
        else:
            count.updated += 1
    level_rows = set(
        GridLevel.objects.filter(jurisdiction__code=COUNTY_CODE).values_list(
            "depth", "name", "name_en"
        )
    )
    levels_current = level_rows == {(s["depth"], s["name"], s["name_en"]) for s in LEVELS}
    return sorted(levels.values(), key=lambda c: c.depth), levels_current


def _feature_values(feature: dict[str, Any]) -> tuple[Any, ...]:
    """The feature's values of STORED_FIELDS."""
    p = feature["properties"]
    return (
        p["name"],
        p["level"],
        p["parent_code"],
        p["households"],
        p["population"],
        feature["geometry"],
    )


class _Passwords:
    """One password for all: hash it once and check each distinct stored hash once (argon2 is
    slow on purpose, ~0.2 s per call)."""

    def __init__(self, password: str) -> None:
        self.password = password
        self._encoded = ""
        self._verdicts: dict[str, bool] = {}

    def matches(self, stored: str) -> bool:
        if stored not in self._verdicts:
            self._verdicts[stored] = check_password(self.password, stored)
        return self._verdicts[stored]

    def encoded(self) -> str:
        self._encoded = self._encoded or make_password(self.password)
        return self._encoded


def _demo_users(logins: list[DemoLogin], password: str) -> tuple[dict[str, Any], int, int]:
    """Create the demo logins or put back their flags and password; admin comes first."""
    user_model = get_user_model()
    passwords = _Passwords(password)
    users: dict[str, Any] = {}
    created_count = reset_count = 0
    for spec in logins:
        user, created = user_model.objects.get_or_create(username=spec.username)
        wanted = {"is_staff": spec.is_staff, "is_superuser": spec.is_superuser, "is_active": True}
        changed = [name for name, value in wanted.items() if getattr(user, name) != value]
        for name in changed:
            setattr(user, name, wanted[name])
        if created or not passwords.matches(user.password):
            user.password = passwords.encoded()
            changed.append("password")
            reset_count += int(not created)
        if changed:
            user.save(update_fields=changed)
            audit_record(
                actor=users.get("admin"),
                action="demo.user_create" if created else "demo.user_reset",
                target=user,
                data={"username": user.username, "fields": changed},
            )
        created_count += int(created)
        users[spec.username] = user
    _grant_county_office(users["county"], actor=users["admin"])
    return users, created_count, reset_count


def _grant_county_office(county: Any, *, actor: Any) -> None:
    """is_staff alone shows an empty admin; the county office may edit grids and people there."""
    permissions = set(Permission.objects.filter(content_type__app_label__in=["grids", "people"]))
    if set(county.user_permissions.all()) != permissions:
        county.user_permissions.set(permissions)
        audit_record(
            actor=actor,
            action="demo.user_permissions",
            target=county,
            data={"permissions": len(permissions)},
        )


# Hundreds of generated rows: created in bulk inside the load's transaction and audited once per
# batch (through the per-row services the load took ~4× longer, mostly in the audit chain).


def _load_persons(
    specs: list[DemoPerson], grids: dict[str, Grid], actor: Any
) -> tuple[dict[str, Person], int]:
    """The demo's persons by phone, the missing ones created; and how many were."""
    persons = {
        p.phone: p
        for p in Person.objects.filter(
            phone__in=[s.phone for s in specs], home_grid__jurisdiction__code=COUNTY_CODE
        )
    }
    new_people = Person.objects.bulk_create(
        Person(name=s.name, phone=s.phone, home_grid=grids[s.home_code])
        for s in specs
        if s.phone not in persons
    )
    persons.update({p.phone: p for p in new_people})
    _audit_batch(actor, "demo.people_create", grids[COUNTY_CODE], new_people)
    return persons, len(new_people)


def _link_logins(
    logins: list[DemoLogin], persons: dict[str, Person], users: dict[str, Any], actor: Any
) -> None:
    """Each login belongs to its demo person (and to no other person)."""
    for spec in logins:
        if spec.phone and persons[spec.phone].user_id != users[spec.username].pk:
            Person.objects.filter(user=users[spec.username]).update(user=None)
            target = persons[spec.phone]
            target.user = users[spec.username]
            target.save(update_fields=["user", "updated_at"])
            audit_record(
                actor=actor,
                action="person.link_user",
                target=target,
                data={"username": spec.username},
            )


def _load_assignments(
    specs: list[DemoAssignment], persons: dict[str, Person], grids: dict[str, Grid], actor: Any
) -> int:
    """Create the missing assignments; how many were."""
    roles = {r.code: r for r in Role.objects.all()}
    # Any term of the same person × grid × role counts: adding another would overlap it.
    existing = set(
        Assignment.objects.filter(person__in=persons.values()).values_list(
            "person__phone", "grid__code", "role__code"
        )
    )
    new_assignments = Assignment.objects.bulk_create(
        Assignment(
            person=persons[a.phone],
            grid=grids[a.grid_code],
            role=roles[a.role],
            start_on=DEMO_START,
            letter_signed_on=DEMO_LETTER_SIGNED,
            backup=persons[a.backup_phone] if a.backup_phone else None,
        )
        for a in specs
        if (a.phone, a.grid_code, a.role) not in existing
    )
    _audit_batch(actor, "demo.assignments_create", grids[COUNTY_CODE], new_assignments)
    return len(new_assignments)


def _audit_batch(actor: Any, action: str, target: Grid, rows: Sequence[models.Model]) -> None:
    """One audit event for a batch of created rows (none for an empty batch)."""
    if rows:
        audit_record(
            actor=actor,
            action=action,
            target=target,
            data={"count": len(rows), "ids": [row.pk for row in rows]},
        )
