"""Writes of the people app: persons, and assigning them to grids (定人定岗定责)."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from firegrid.core.audit import audit_record
from firegrid.core.errors import PermissionDenied, ValidationFailed
from firegrid.core.i18n import localized_name
from firegrid.core.photos import clean_photo
from firegrid.grids.models import Grid

from .models import Assignment, Person, Role
from .scope import user_scope

PHONE_RE = re.compile(r"^(1\d{10}|0\d{2,3}-?\d{7,8})$")
PERSON_FIELDS = ("name", "phone", "note")


FULL_WIDTH = {ord(c): ord("0") + i for i, c in enumerate("０１２３４５６７８９")} | {
    ord("＋"): ord("+"),
    ord("－"): ord("-"),
}


def normalize_phone(raw: str) -> str:
    """Accept spaces, dashes, +86 and full-width digits; store mobiles as 11 plain digits.

    Landlines keep their area-code dash (0371-12345678). Anything else is refused rather than
    guessed: a wrong number on a 公示 board sends a fire report nowhere.
    """
    text = raw.translate(FULL_WIDTH)
    text = re.sub(r"[\s\u3000]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    if re.fullmatch(r"1[\d-]{10,12}", text):
        text = text.replace("-", "")
    if text and not PHONE_RE.fullmatch(text):
        raise ValidationFailed(
            _("%(phone)s is not a valid phone number.") % {"phone": repr(raw)}, code="phone_invalid"
        )
    return text


def _require_manage(actor: Any, grid: Grid) -> None:
    if not user_scope(actor).covers(grid.path, manage=True):
        raise PermissionDenied(_("You may not manage people of this grid."), code="not_manager")


def _clean_person(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationFailed(
            _("Unknown fields: %(fields)s") % {"fields": ", ".join(sorted(unknown))},
            code="fields_unknown",
        )
    clean = {key: (value or "").strip() for key, value in values.items()}
    if "name" in clean and not clean["name"]:
        raise ValidationFailed(_("The name must not be empty."), code="name_required")
    if "name" in clean and len(clean["name"]) > 50:
        raise ValidationFailed(_("The name is longer than 50 characters."), code="name_too_long")
    if "phone" in clean:
        clean["phone"] = normalize_phone(clean["phone"])
    return clean


@transaction.atomic
def person_create(
    *,
    actor: Any,
    home_grid: Grid,
    name: str,
    phone: str = "",
    note: str = "",
    photo: Any = None,
) -> Person:
    """Register a person; with `photo`, the cleaned photo is saved in the same transaction."""
    _require_manage(actor, home_grid)
    values = _clean_person({"name": name, "phone": phone, "note": note})
    person = Person(home_grid=home_grid, **values)
    person.full_clean(exclude=["photo", "user"])
    person.save()
    audit_record(actor=actor, action="person.create", target=person, data={"name": person.name})
    if photo:
        person_set_photo(actor=actor, person=person, photo=photo)
    return person


@transaction.atomic
def person_update(
    *, actor: Any, person: Person, changes: dict[str, Any], photo: Any = None
) -> Person:
    """Change name/phone/note; with `photo`, replace the photo in the same transaction."""
    _require_manage(actor, person.home_grid)
    values = _clean_person(changes)
    changed = [key for key, value in values.items() if getattr(person, key) != value]
    for key in changed:
        setattr(person, key, values[key])
    if changed:
        person.save(update_fields=[*changed, "updated_at"])
        audit_record(actor=actor, action="person.update", target=person, data={"fields": changed})
    if photo:
        person_set_photo(actor=actor, person=person, photo=photo)
    return person


# A person's photo (on 公示 boards and cards) is small: 10 MB in, 800 px out.
PHOTO_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_SIDE_PX = 800


@transaction.atomic
def person_set_photo(*, actor: Any, person: Person, photo: Any) -> Person:
    """Replace the person's photo with a cleaned copy (checked image, ≤ 800 px, no EXIF)."""
    _require_manage(actor, person.home_grid)
    cleaned = clean_photo(photo, max_bytes=PHOTO_MAX_BYTES, max_side=PHOTO_MAX_SIDE_PX).content
    old_name = person.photo.name
    storage = person.photo.storage
    person.photo.save(f"person-{person.pk}.jpg", cleaned, save=False)
    person.save(update_fields=["photo", "updated_at"])
    audit_record(
        actor=actor, action="person.photo", target=person, data={"photo": person.photo.name}
    )
    if old_name and old_name != person.photo.name:
        transaction.on_commit(lambda: storage.delete(old_name))
    return person


@transaction.atomic
def grid_assign_person(
    *,
    actor: Any,
    grid: Grid,
    person: Person,
    role: Role,
    start_on: datetime.date,
    end_on: datetime.date | None = None,
    letter_signed_on: datetime.date | None = None,
    backup: Person | None = None,
    duties: str = "",
) -> Assignment:
    """Bind a person to a grid in a role for a term; the same role twice at once is refused."""
    _require_manage(actor, grid)
    if end_on is not None and end_on < start_on:
        raise ValidationFailed(_("The end date is before the start date."), code="term_invalid")
    if backup is not None and backup.pk == person.pk:
        raise ValidationFailed(
            _("A person cannot be their own AB-post partner."), code="backup_self"
        )
    overlapping = Assignment.objects.filter(person=person, grid=grid, role=role).exclude(
        end_on__lt=start_on
    )
    if end_on is not None:
        overlapping = overlapping.exclude(start_on__gt=end_on)
    if overlapping.exists():
        raise ValidationFailed(
            _("%(person)s already holds %(role)s in %(grid)s for part of this term.")
            % {"person": person.name, "role": localized_name(role), "grid": grid.name},
            code="assignment_overlaps",
        )
    assignment = Assignment.objects.create(
        person=person,
        grid=grid,
        role=role,
        start_on=start_on,
        end_on=end_on,
        letter_signed_on=letter_signed_on,
        backup=backup,
        duties=duties.strip(),
    )
    audit_record(
        actor=actor,
        action="assignment.create",
        target=assignment,
        data={"person": person.pk, "grid": grid.code, "role": role.code, "start_on": str(start_on)},
    )
    return assignment


@transaction.atomic
def assignment_end(*, actor: Any, assignment: Assignment, end_on: datetime.date) -> Assignment:
    _require_manage(actor, assignment.grid)
    if end_on < assignment.start_on:
        raise ValidationFailed(_("The end date is before the start date."), code="term_invalid")
    assignment.end_on = end_on
    assignment.save(update_fields=["end_on", "updated_at"])
    audit_record(
        actor=actor, action="assignment.end", target=assignment, data={"end_on": str(end_on)}
    )
    return assignment
