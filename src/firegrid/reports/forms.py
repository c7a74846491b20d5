"""Forms of the citizen report pages: the public report form and the staff triage actions.

The forms only parse; every rule (location inside the jurisdiction, attribute answers, photo
type and size, rate limits) is `report_submit`'s, whose errors land back on the fields here.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from firegrid.core.errors import ApplicationError
from firegrid.core.i18n import localized

from .models import Report, ReportService, ServiceAttribute

ATTRIBUTE_KEY_RE = re.compile(r"attribute\[(.+)\]")
CRS_CHOICES = [("wgs84", "WGS-84"), ("gcj02", "GCJ-02"), ("bd09", "BD-09")]
# Where a service error naming one of these keys is shown on the form.
ERROR_FIELDS = {
    "service_code": "service",
    "service": "service",
    "location": "lon",
    "lon": "lon",
    "lat": "lon",
    "long": "lon",
    "crs": "lon",
    "place_id": "lon",
    "address": "address",
    "address_string": "address",
    "description": "description",
    "photos": "photos",
    "photo": "photos",
    "media": "photos",
    "contact_name": "contact_name",
    "contact_phone": "contact_phone",
    "phone": "contact_phone",
    "contact_email": "contact_email",
    "email": "contact_email",
    "device_id": None,
}


def max_photos() -> int:
    return int(getattr(settings, "FIREGRID_REPORT_MAX_PHOTOS", 3))


def attribute_field_name(service_code: str, attribute_code: str) -> str:
    return f"attr__{service_code}__{attribute_code}"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several files from one `<input type=file multiple>`; checking them is the service's job."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else [data]
        single = super().clean
        return [single(item, initial) for item in files if item]


def _attribute_field(attribute: ServiceAttribute) -> forms.Field:
    label = localized(attribute.description, attribute.description_en)
    common: dict[str, Any] = {
        "label": label,
        "required": False,
        "help_text": attribute.datatype_description,
    }
    choices = [
        (
            str(value.get("key", "")),
            localized(str(value.get("name", "")), str(value.get("name_en", ""))),
        )
        for value in (attribute.values or [])
    ]
    kind = attribute.datatype
    if kind == ServiceAttribute.Datatype.NUMBER:
        return forms.CharField(
            widget=forms.TextInput(attrs={"inputmode": "decimal"}), max_length=40, **common
        )
    if kind == ServiceAttribute.Datatype.DATETIME:
        return forms.CharField(
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}), max_length=40, **common
        )
    if kind == ServiceAttribute.Datatype.TEXT:
        return forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=4000, **common)
    if kind == ServiceAttribute.Datatype.SINGLEVALUELIST:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == ServiceAttribute.Datatype.MULTIVALUELIST:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    return forms.CharField(max_length=300, **common)


class ReportForm(forms.Form):
    """The public report form (群众举报): what, where, photos, and an optional contact."""

    service = forms.ChoiceField(label=_("What is the problem?"), widget=forms.RadioSelect)
    description = forms.CharField(
        label=_("Describe it"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": 4000}),
        max_length=4000,
        help_text=_("What you saw and where exactly (floor, entrance). Up to 4,000 characters."),
    )
    lon = forms.FloatField(
        label=_("Longitude"), required=False, widget=forms.HiddenInput(attrs={"id": "id_lon"})
    )
    lat = forms.FloatField(
        label=_("Latitude"), required=False, widget=forms.HiddenInput(attrs={"id": "id_lat"})
    )
    crs = forms.ChoiceField(
        choices=CRS_CHOICES, initial="wgs84", required=False, widget=forms.HiddenInput
    )
    address = forms.CharField(
        label=_("Address or landmark"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    place = forms.IntegerField(required=False, widget=forms.HiddenInput)
    photos = PhotosField(
        label=_("Photos"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/*", "capture": "environment"}),
    )
    contact_name = forms.CharField(
        label=_("Your name"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_phone = forms.CharField(
        label=_("Mobile phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    contact_email = forms.CharField(
        label=_("Email"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    device_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # The second step after a duplicate suggestion: "submit mine anyway" or "follow that one".
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)
    link_to = forms.CharField(required=False, max_length=12, widget=forms.HiddenInput)

    def __init__(self, *args: Any, services: list[ReportService], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.services = services
        cast(forms.ChoiceField, self.fields["service"]).choices = [
            (s.code, localized(s.name, s.name_en)) for s in services
        ]
        self.fields["photos"].help_text = _(
            "Up to %(count)d photos. Faces and number plates may be blacked out by staff."
        ) % {"count": max_photos()}
        self.attribute_groups: list[tuple[ReportService, list[str]]] = []
        for service in services:
            names = []
            for attribute in service.attributes.all():
                if not attribute.variable:
                    continue
                name = attribute_field_name(service.code, attribute.code)
                self.fields[name] = _attribute_field(attribute)
                self.fields[name].show_required = attribute.required  # type: ignore[attr-defined]
                names.append(name)
            self.attribute_groups.append((service, names))

    def service_options(self) -> list[dict[str, Any]]:
        """Each service with its description and its questions' bound fields (for the page)."""
        chosen = str(self["service"].value() or "")
        return [
            {
                "code": service.code,
                "name": localized(service.name, service.name_en),
                "description": localized(service.description, service.description_en),
                "urgent": service.urgent,
                "checked": service.code == chosen,
                "fields": [self[name] for name in names],
            }
            for service, names in self.attribute_groups
        ]

    def attributes_for(self, service_code: str) -> dict[str, Any]:
        """The answers to the chosen service's questions (empty answers left out)."""
        prefix = f"attr__{service_code}__"
        answers: dict[str, Any] = {}
        for name, value in self.cleaned_data.items():
            if name.startswith(prefix) and value not in ("", None, []):
                answers[name.removeprefix(prefix)] = value
        return answers

    def add_service_error(self, exc: ApplicationError) -> None:
        """Put a service error on the fields its details name (else on the form)."""
        details = exc.details if isinstance(exc.details, dict) else {}
        service_code = self.data.get("service", "")
        placed = False
        for key, value in details.items():
            field_key, message = (str(value), exc.message) if key == "field" else (key, value)
            field = self._error_field(str(field_key), service_code)
            if field is not None and field in self.fields:
                self.add_error(field, str(message))
                placed = True
        if not placed:
            self.add_error(None, str(exc.message))

    def _error_field(self, key: str, service_code: str) -> str | None:
        match = ATTRIBUTE_KEY_RE.fullmatch(key)
        if match:
            candidate = attribute_field_name(service_code, match.group(1))
            return candidate if candidate in self.fields else None
        if key.startswith(("photos", "photo", "media")):
            return "photos"
        if key in ERROR_FIELDS:
            return ERROR_FIELDS[key]
        return key if key in self.fields else None


class TrackForm(forms.Form):
    code = forms.CharField(
        label=_("Tracking code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )

    def clean_code(self) -> str:
        return "".join(str(self.cleaned_data["code"]).split()).upper()


# ------------------------------------------------------------------------------ staff actions


class ConfirmForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=500)


class CloseForm(forms.Form):
    # "The hazard was fixed" is reached through the hazard workflow, not chosen by hand.
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[c for c in Report.CloseReason.choices if c[0] != Report.CloseReason.RESOLVED],
    )
    note = forms.CharField(
        label=_("Note for the reporter"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    referral = forms.CharField(label=_("Referred to"), required=False, max_length=200)
    duplicate_of = forms.CharField(
        label=_("Tracking code of the original report"), required=False, max_length=20
    )

    def clean_duplicate_of(self) -> str:
        return "".join(str(self.cleaned_data["duplicate_of"]).split()).upper()


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Why hide it"), max_length=200)


class BlockForm(forms.Form):
    reason = forms.CharField(label=_("Why block the sender"), max_length=200)
    days = forms.IntegerField(
        label=_("For how many days (empty: until lifted in the admin)"),
        min_value=1,
        max_value=3650,
        required=False,
    )


class RedactForm(forms.Form):
    """A rectangle to black out, in percent of the photo's width and height (0–100)."""

    x0 = forms.FloatField(label=_("Left (%)"), min_value=0, max_value=100)
    y0 = forms.FloatField(label=_("Top (%)"), min_value=0, max_value=100)
    x1 = forms.FloatField(label=_("Right (%)"), min_value=0, max_value=100)
    y1 = forms.FloatField(label=_("Bottom (%)"), min_value=0, max_value=100)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if {"x0", "y0", "x1", "y1"} <= data.keys() and (
            data["x1"] <= data["x0"] or data["y1"] <= data["y0"]
        ):
            raise forms.ValidationError(_("The box must have its right/bottom past its left/top."))
        return data


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("open reports")), *Report.State.choices, ("all", _("all"))],
    )
    service = forms.ChoiceField(label=_("Kind"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args: Any, services: list[ReportService], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["service"]).choices = [
            ("", _("all kinds")),
            *[(s.code, localized(s.name, s.name_en)) for s in services],
        ]
