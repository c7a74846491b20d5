"""Forms of the grid pages: they only parse input; the services decide what is allowed."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from firegrid.core.coords import CRS_CHOICES
from firegrid.core.i18n import localized_name
from firegrid.people.models import Role

CRS_LABELS = {
    "wgs84": _("WGS-84 (GPS, 天地图, OpenStreetMap)"),
    "gcj02": _("GCJ-02 (AMap, Tencent maps)"),
    "bd09": _("BD-09 (Baidu maps)"),
}


class DateInput(forms.DateInput):
    input_type = "date"


class RoleChoiceField(forms.ModelChoiceField):
    """Roles (岗位) labelled in the viewer's language: options render while the request's
    language is active, so English pages list `name_en`."""

    def label_from_instance(self, obj: Any) -> str:
        return localized_name(obj)


class GridEditForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    households = forms.IntegerField(label=_("Households"), min_value=0, required=False)
    population = forms.IntegerField(label=_("Population"), min_value=0, required=False)


class AssignmentForm(forms.Form):
    """Add an assignment (定人定岗定责). Person ids are resolved through the viewer's scope."""

    person_q = forms.CharField(label=_("Find a person (name or phone)"), required=False)
    person = forms.IntegerField(label=_("Person"), widget=forms.Select)
    role = RoleChoiceField(label=_("Role"), queryset=Role.objects.order_by("sort_order", "code"))
    start_on = forms.DateField(label=_("Start date"), widget=DateInput)
    end_on = forms.DateField(label=_("End date"), widget=DateInput, required=False)
    letter_signed_on = forms.DateField(
        label=_("Responsibility letter signed on"), widget=DateInput, required=False
    )
    backup = forms.IntegerField(
        label=_("Backup partner (AB post)"), required=False, widget=forms.Select
    )
    duties = forms.CharField(label=_("Duties"), max_length=300, required=False)

    def __init__(
        self,
        *args: Any,
        person_choices: Sequence[tuple[Any, str]] = (),
        backup_choices: Sequence[tuple[Any, str]] = (),
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("initial", {}).setdefault("start_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["person"].widget.choices = [("", "—"), *person_choices]
        self.fields["backup"].widget.choices = [("", "—"), *backup_choices]


class AssignmentEndForm(forms.Form):
    end_on = forms.DateField(label=_("End date"), widget=DateInput)


class GridImportForm(forms.Form):
    file = forms.FileField(label=_("GeoJSON file (FeatureCollection)"))
    crs = forms.ChoiceField(label=_("Coordinate system of the file"), choices=())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        crs_field = cast(forms.ChoiceField, self.fields["crs"])
        crs_field.choices = [(crs, CRS_LABELS[crs]) for crs in CRS_CHOICES]


class GridImportCommitForm(forms.Form):
    """The second step: the token of the checked file kept on the server."""

    token = forms.CharField(max_length=64, widget=forms.HiddenInput)
    crs = forms.ChoiceField(choices=[(crs, crs) for crs in CRS_CHOICES], widget=forms.HiddenInput)
