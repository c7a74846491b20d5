"""Forms of the office pages: they parse input; the services and selectors decide the rest."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import InspectionTask, ScheduleRule
from .selectors import TaskFilters

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _blank(label: Any, choices: Any) -> list[tuple[Any, Any]]:
    return [("", label), *choices]


class TaskFilterForm(forms.Form):
    """The task list's filters (GET); the same query string drives the CSV export."""

    # Any number is accepted: a grid outside the viewer's scope is a 404, not a silent "all".
    grid = forms.IntegerField(label=_("Grid"), required=False, widget=forms.Select)
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=_blank(_("Any state"), InspectionTask.State.choices),
    )
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=_blank(_("Any kind"), ScheduleRule.Kind.choices)
    )
    origin = forms.ChoiceField(
        label=_("Origin"),
        required=False,
        choices=_blank(_("Any origin"), InspectionTask.Origin.choices),
    )
    assignee = forms.TypedChoiceField(
        label=_("Assignee"), coerce=int, empty_value=None, required=False
    )
    due_from = forms.DateField(label=_("Due from"), required=False, widget=DATE_INPUT)
    due_to = forms.DateField(label=_("Due until"), required=False, widget=DATE_INPUT)
    q = forms.CharField(
        label=_("Place name"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Place name")}),
    )

    def __init__(
        self,
        *args: Any,
        grid_choices: list[tuple[int, str]],
        assignee_choices: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        grid_widget: Any = self.fields["grid"].widget
        grid_widget.choices = _blank(_("All my grids"), grid_choices)
        assignee_field: Any = self.fields["assignee"]
        assignee_field.choices = _blank(_("Anyone"), assignee_choices)

    def filters(self) -> TaskFilters:
        """The valid filters; an invalid value is ignored rather than failing the page."""
        if self.is_bound:
            self.is_valid()  # cleaned_data keeps only the fields that parsed
        data: dict[str, Any] = getattr(self, "cleaned_data", {})
        return TaskFilters(
            grid_id=data.get("grid"),
            state=data.get("state") or "",
            kind=data.get("kind") or "",
            origin=data.get("origin") or "",
            assignee_id=data.get("assignee"),
            due_from=data.get("due_from"),
            due_to=data.get("due_to"),
            q=(data.get("q") or "").strip(),
        )


class TaskCreateForm(forms.Form):
    """A task made by hand (不定期检查): a place, or a whole grid for a patrol."""

    place = forms.TypedChoiceField(
        label=_("Place"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Choose the grid first to list its places. Leave empty for a grid patrol."),
    )
    grid = forms.TypedChoiceField(label=_("Grid"), coerce=int, empty_value=None, required=False)
    origin = forms.ChoiceField(
        label=_("Why"),
        choices=_blank(
            "—",
            [c for c in InspectionTask.Origin.choices if c[0] != InspectionTask.Origin.SCHEDULE],
        ),
    )
    reason = forms.CharField(
        label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )
    due_on = forms.DateField(label=_("Due on"), widget=DATE_INPUT)
    assignee = forms.TypedChoiceField(
        label=_("Assignee"),
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Leave empty to take the task yourself."),
    )

    def __init__(
        self,
        *args: Any,
        grid_choices: list[tuple[int, str]],
        place_choices: list[tuple[int, str]],
        assignee_choices: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["grid"].choices = _blank("—", grid_choices)
        fields["place"].choices = _blank(_("No place: patrol the grid"), place_choices)
        fields["assignee"].choices = _blank(_("Myself"), assignee_choices)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("place") and not data.get("grid"):
            raise forms.ValidationError(_("Choose a place or a grid."))
        return data


class TaskCancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled?"), max_length=300)


class TaskReassignForm(forms.Form):
    person = forms.TypedChoiceField(label=_("Hand it to"), coerce=int)

    def __init__(self, *args: Any, person_choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field: Any = self.fields["person"]
        field.choices = person_choices
