"""Forms of the people pages: parsing only; the services validate phones and check rights."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from firegrid.grids.models import Grid


class PersonForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=50)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    photo = forms.FileField(
        label=_("Photo"), required=False, widget=forms.FileInput(attrs={"accept": "image/*"})
    )


class PersonCreateForm(PersonForm):
    home_grid = forms.ModelChoiceField(label=_("Registered at grid"), queryset=Grid.objects.none())

    field_order = ["home_grid", "name", "phone", "note", "photo"]

    def __init__(self, *args: Any, grids: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["home_grid"].queryset = grids  # type: ignore[attr-defined]
