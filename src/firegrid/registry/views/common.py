"""What the registry pages share: 404 for records out of scope, filters, options, links."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from firegrid.core.errors import ApplicationError, NotFound
from firegrid.core.i18n import localized, localized_name
from firegrid.grids import selectors as grid_selectors
from firegrid.people.scope import user_scope

from .. import selectors
from ..models import PlaceType, RiskLevel

T = TypeVar("T")

PER_PAGE = 25
RISK_COLORS: dict[str, str] = {
    RiskLevel.HIGH.value: "#c92a2a",
    RiskLevel.MEDIUM.value: "#e67700",
    RiskLevel.LOW.value: "#2b8a3e",
}


def get_or_404(getter: Callable[..., T], user: Any, object_id: int) -> T:
    """A selector's `NotFound` (also for records outside the scope) as a 404 page."""
    try:
        return getter(user, object_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc


def int_param(request: HttpRequest, key: str) -> int | None:
    try:
        return int(request.GET.get(key) or 0) or None
    except ValueError:
        return None


def group_name(place_type: PlaceType) -> str:
    return localized(place_type.group, place_type.group_en)


def type_choices(*, groups: bool = False) -> list[tuple[Any, Any]]:
    """Place types as <optgroup>s by group; with `groups`, the groups themselves come first
    (a filter value that is a group name takes the whole group)."""
    grouped: dict[str, list[tuple[str, str]]] = {}
    labels: dict[str, str] = {}
    for place_type in selectors.place_type_list():
        grouped.setdefault(place_type.group, []).append(
            (place_type.code, localized_name(place_type))
        )
        labels[place_type.group] = group_name(place_type)
    choices: list[tuple[Any, Any]] = []
    if groups:
        from django.utils.translation import gettext as _

        choices.append((_("Type groups"), [(group, labels[group]) for group in grouped]))
    choices.extend((labels[group], options) for group, options in grouped.items())
    return choices


def grid_options(user: Any, *, levels: int = 3) -> list[dict[str, Any]]:
    """The viewer's scope roots and `levels` levels below, indented, for a grid filter."""
    options: list[dict[str, Any]] = []

    def walk(node: dict[str, Any], level: int) -> None:
        options.append({"id": node["id"], "label": f"{'　' * level}{node['name']}"})
        for child in node["children"]:
            walk(child, level + 1)

    for root in grid_selectors.grid_tree(user, levels=levels):
        walk(root, 0)
    return options


def query_string(filters: dict[str, Any]) -> str:
    return urlencode({key: value for key, value in filters.items() if value not in ("", None)})


def ledger_export_url(kind: str, query: str = "") -> str:
    """The Excel export of a list with the same filters (every list's kind has a ledger)."""
    url = reverse("registry:ledger_export", args=[kind])
    return f"{url}?{query}" if query else url


def may_add_records(user: Any) -> bool:
    """Whether the viewer may add registry records anywhere (a role with can_edit_registry)."""
    return user_scope(user).may_edit_registry_somewhere


def error_field(exc: ApplicationError) -> str | None:
    details = exc.details if isinstance(exc.details, dict) else {}
    field = details.get("field")
    return str(field) if field else None


def add_service_error(form: Any, exc: ApplicationError) -> None:
    """Put a service error on the field it names (when the form has it), else on the form."""
    field = error_field(exc)
    if field == "override_reason":
        field = "reason"
    form.add_error(field if field in form.fields else None, str(exc.message))
