"""Forms of the registry pages: they parse input; the services decide what is allowed.

Numbers are parsed here only so a phone shows the right keyboard; ranges, phones, types and the
grid are checked by `registry.services`, whose errors come back onto these forms.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from firegrid.grids.forms import CRS_LABELS

from .models import Building, FireResource, Place, RiskLevel

POINT_CRS_CHOICES = [(code, label) for code, label in CRS_LABELS.items()]


def _number(label: Any, *, integer: bool) -> forms.Field:
    attrs = {"inputmode": "numeric" if integer else "decimal", "min": "0"}
    if integer:
        return forms.IntegerField(
            label=label, required=False, min_value=0, widget=forms.NumberInput(attrs=attrs)
        )
    return forms.FloatField(
        label=label,
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={**attrs, "step": "any"}),
    )


def _phone(label: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )


class PlaceForm(forms.Form):
    """Create or edit a place (场所). The point comes from the map, the phone's location or typing.

    `crs` names the datum of `lon`/`lat`: the browser's geolocation is WGS-84; a point tapped on
    a GCJ-02 tile map (AMap, Tencent) is GCJ-02. The service converts to WGS-84.
    """

    name = forms.CharField(label=_("Name"), max_length=200)
    place_type = forms.ChoiceField(label=_("Place type"))
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    lon = forms.FloatField(
        label=_("Longitude"),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    lat = forms.FloatField(
        label=_("Latitude"), widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"})
    )
    crs = forms.ChoiceField(label=_("Coordinate system"), choices=POINT_CRS_CHOICES)
    licence_number = forms.CharField(
        label=_("Business licence number"), max_length=50, required=False
    )
    responsible_name = forms.CharField(
        label=_("Person responsible (消防安全责任人)"), max_length=50, required=False
    )
    responsible_phone = _phone(_("Phone of the person responsible"))
    manager_name = forms.CharField(
        label=_("Fire-safety manager (消防安全管理人)"), max_length=50, required=False
    )
    manager_phone = _phone(_("Phone of the fire-safety manager"))
    phone = _phone(_("Phone"))
    floor_area_m2 = _number(_("Floor area (m²)"), integer=False)
    floors = _number(_("Floors"), integer=True)
    height_m = _number(_("Height (m)"), integer=False)
    beds = _number(_("Beds"), integer=True)
    rooms = _number(_("Rooms"), integer=True)
    occupants = _number(_("Occupants"), integer=True)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(Place.Status.ACTIVE, _("in business")), (Place.Status.CLOSED, _("closed"))],
        required=False,
    )
    grid = forms.TypedChoiceField(
        label=_("Grid set by hand (optional)"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Leave empty: the grid is found from the point."),
    )
    grid_reason = forms.CharField(
        label=_("Reason for the grid set by hand"), max_length=200, required=False
    )

    # The fields handed to the services as `values` / `changes` (services.places.PLACE_FIELDS).
    value_fields = (
        "name",
        "place_type",
        "address",
        "licence_number",
        "responsible_name",
        "responsible_phone",
        "manager_name",
        "manager_phone",
        "phone",
        "floor_area_m2",
        "floors",
        "height_m",
        "beds",
        "rooms",
        "occupants",
        "note",
    )

    def __init__(
        self,
        *args: Any,
        type_choices: Sequence[tuple[Any, Any]] = (),
        grid_choices: Sequence[tuple[Any, str]] = (),
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["place_type"]).choices = [("", "—"), *type_choices]
        cast(forms.ChoiceField, self.fields["grid"]).choices = [
            ("", _("From the point")),
            *grid_choices,
        ]
        if not editing:
            del self.fields["status"]
        else:
            # Editing without touching the point keeps it where it is.
            self.fields["lon"].required = False
            self.fields["lat"].required = False

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        values = {field: data.get(field) for field in self.value_fields}
        if "status" in self.fields and data.get("status"):
            values["status"] = data["status"]
        return values


class ClassificationForm(forms.Form):
    """Override the derived classification by hand (with a reason), or go back to the rules."""

    KEEP = ""
    risk_level = forms.ChoiceField(
        label=_("Risk level"), choices=[("", _("as the rules say")), *RiskLevel.choices]
    )
    is_key_unit = forms.ChoiceField(
        label=_("Key unit (重点单位)"),
        choices=[("", _("as the rules say")), ("yes", _("yes")), ("no", _("no"))],
    )
    is_high_risk_unit = forms.ChoiceField(
        label=_("High fire-risk unit (火灾高危单位)"),
        choices=[("", _("as the rules say")), ("yes", _("yes")), ("no", _("no"))],
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("risk_level", "is_key_unit", "is_high_risk_unit"):
            self.fields[name].required = False

    def overrides(self) -> dict[str, Any]:
        data = self.cleaned_data
        overrides: dict[str, Any] = {}
        if data.get("risk_level"):
            overrides["risk_level"] = data["risk_level"]
        for name in ("is_key_unit", "is_high_risk_unit"):
            if data.get(name):
                overrides[name] = data[name] == "yes"
        return overrides


class DuplicateForm(forms.Form):
    """Merge a likely duplicate into this place, or dismiss the flag (不是重复)."""

    candidate = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[("merge", _("Merge")), ("dismiss", _("Not a duplicate"))])


# ------------------------------------------------------------------ the other registry records


def _text(label: Any, max_length: int, *, required: bool = False) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=required)


class PointForm(forms.Form):
    """A point from the map, the phone's location or typing; `crs` names its datum."""

    lon = forms.FloatField(
        label=_("Longitude"),
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )
    lat = forms.FloatField(
        label=_("Latitude"), widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"})
    )
    crs = forms.ChoiceField(label=_("Coordinate system"), choices=POINT_CRS_CHOICES)
    value_fields: tuple[str, ...] = ()

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            self.fields["lon"].required = False
            self.fields["lat"].required = False

    def values(self, *, drop_empty: bool) -> dict[str, Any]:
        values = {field: self.cleaned_data.get(field) for field in self.value_fields}
        if drop_empty:
            return {k: v for k, v in values.items() if v not in (None, "")}
        return values


class BuildingForm(PointForm):
    """A building (楼栋): registry.services.building_create / building_update."""

    name = _text(_("Name"), 100, required=True)
    address = _text(_("Address"), 300)
    category = forms.ChoiceField(label=_("Category"), choices=Building.Category.choices)
    floors = _number(_("Floors"), integer=True)
    structure = forms.ChoiceField(label=_("Structure"), choices=Building.Structure.choices)
    year_built = _number(_("Year built"), integer=True)
    note = _text(_("Note"), 300)
    value_fields = ("name", "address", "category", "floors", "structure", "year_built", "note")
    field_order = ["lon", "lat", "crs", *value_fields]


class FireResourceForm(PointForm):
    """A fire resource (消防资源): registry.services.fire_resource_create / _update."""

    kind = forms.ChoiceField(label=_("Kind"), choices=FireResource.Kind.choices)
    name = _text(_("Name"), 100, required=True)
    address = _text(_("Address"), 300)
    status = forms.ChoiceField(label=_("Status"), choices=FireResource.Status.choices)
    last_checked_on = forms.DateField(
        label=_("Last checked on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    keeper_name = _text(_("Keeper"), 50)
    keeper_phone = _phone(_("Keeper phone"))
    note = _text(_("Note"), 300)
    value_fields = (
        "kind",
        "name",
        "address",
        "status",
        "last_checked_on",
        "keeper_name",
        "keeper_phone",
        "note",
    )
    field_order = ["lon", "lat", "crs", *value_fields]


class HouseholdForm(forms.Form):
    """A household (住户): registry.services.household_create / household_update.

    The address is asked only of a household without a building (`with_address`)."""

    unit = _text(_("Unit (单元)"), 20)
    room = _text(_("Room"), 20)
    address = _text(_("Address"), 300)
    size = forms.IntegerField(
        label=_("Household size"),
        min_value=1,
        initial=1,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    is_rental = forms.BooleanField(label=_("Rental (出租屋)"), required=False)
    landlord_name = _text(_("Landlord"), 50)
    landlord_phone = _phone(_("Landlord phone"))
    note = _text(_("Note"), 300)

    value_fields = (
        "unit",
        "room",
        "address",
        "size",
        "is_rental",
        "landlord_name",
        "landlord_phone",
        "note",
    )

    def __init__(self, *args: Any, with_address: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_address:
            del self.fields["address"]

    def values(self) -> dict[str, Any]:
        """For a create: the fields filled in."""
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def changes(self) -> dict[str, Any]:
        """For an edit: every field, so an emptied one is emptied."""
        return {k: self.cleaned_data.get(k) for k in self.value_fields if k in self.fields}


class ResidentForm(forms.Form):
    """A resident (居民): the ID number and phone are encrypted by the service, never shown back.

    Editing (`masked` given): the inputs start empty with the stored masked values beside them;
    an empty input keeps the stored value, a new value replaces it."""

    name = _text(_("Full name"), 50, required=True)
    id_number = forms.CharField(
        label=_("ID number"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    phone = _phone(_("Phone"))
    birth_year = _number(_("Birth year"), integer=True)
    lives_alone_elderly = forms.BooleanField(
        label=_("elderly living alone (独居老人)"), required=False
    )
    disabled = forms.BooleanField(label=_("disabled (残疾)"), required=False)
    left_behind_child = forms.BooleanField(label=_("left-behind child (留守儿童)"), required=False)
    key_person = forms.BooleanField(label=_("key person (重点人口)"), required=False)
    limited_mobility = forms.BooleanField(label=_("limited mobility (行动不便)"), required=False)
    note = _text(_("Note"), 300)

    PII_FIELDS = ("id_number", "phone")

    def __init__(self, *args: Any, masked: dict[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = masked is not None
        for field in self.PII_FIELDS:
            self.initial.pop(field, None)  # never the clear value
            if masked is None:
                continue
            stored = masked.get(field, "")
            self.fields[field].help_text = (
                _("Stored: %(masked)s. Leave empty to keep it; type a new one to replace it.")
                % {"masked": stored}
                if stored
                else _("None stored.")
            )
            if stored:
                self.fields[field].widget.attrs["placeholder"] = stored

    def values(self) -> dict[str, Any]:
        """For a create: the fields filled in."""
        return {k: v for k, v in self.cleaned_data.items() if v not in (None, "")}

    def changes(self) -> dict[str, Any]:
        """For an edit: every field, but the ID number and phone only when a new one is typed."""
        return {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in self.PII_FIELDS or v not in (None, "")
        }


# ------------------------------------------------------------------ fire resource line editors


class EquipmentLineForm(forms.Form):
    """One line of a fire room's equipment inventory (器材清单)."""

    name = _text(_("Equipment item"), 100)
    quantity = forms.IntegerField(
        label=_("Quantity"),
        min_value=1,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric", "min": "1"}),
    )
    expires_on = forms.DateField(
        label=_("Expires on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    note = _text(_("Note"), 200)

    def line(self) -> dict[str, Any] | None:
        """The line for the service, or None for a blank or deleted line."""
        data = self.cleaned_data
        if not data or data.get("DELETE"):
            return None
        if not data.get("name") and data.get("quantity") is None:
            return None
        line: dict[str, Any] = {"name": data.get("name", ""), "quantity": data.get("quantity")}
        if data.get("expires_on"):
            line["expires_on"] = data["expires_on"]
        if data.get("note"):
            line["note"] = data["note"]
        return line


class MemberLineForm(forms.Form):
    """One member of a volunteer team (义务消防队) or micro fire station (微型消防站).

    `member` is the stored member's id: it keeps the linked person, and a phone left as the
    masked form shown to a viewer who may not see phones keeps the stored number."""

    member = forms.IntegerField(required=False, widget=forms.HiddenInput)
    name = _text(_("Full name"), 50)
    phone = _phone(_("Phone"))

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not data or bool(data.get("DELETE")) or not (data.get("name") or data.get("phone"))


EquipmentFormSet = forms.formset_factory(EquipmentLineForm, extra=2, can_delete=True, max_num=200)
MemberFormSet = forms.formset_factory(MemberLineForm, extra=2, can_delete=True, max_num=500)
