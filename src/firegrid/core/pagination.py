"""Pagination of every list of the JSON API: bounded page numbers, one COUNT and one page query.

`?page=` is a whole number from 1 to `MAX_PAGE` (else 422 in the error envelope, before any query:
an unbounded page made an OFFSET neither database can hold); a page past the data but within the
bound is an empty page with the true `count`. `?page_size=` is capped by the endpoint's maximum.
"""

# No `from __future__ import annotations`: ninja builds the pagination Input from annotations.
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

from .params import MAX_PAGE, MAX_PAGE_SIZE


@dataclass(frozen=True)
class Rows:
    """A queryset plus how to render one row: lets the paginator render only the page it cuts."""

    queryset: QuerySet[Any]
    render: Callable[[Any], dict[str, Any]]


class RenderedPagination(PageNumberPagination):
    """PageNumberPagination with bounded input that slices the queryset first and renders only
    that page's rows.

    Returning a rendered list from the view would load and render every row in scope before
    ninja slices it; returning `Rows` keeps each list endpoint at one COUNT and one page query.
    """

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, description=f"1 to {MAX_PAGE}.")
        page_size: int | None = Field(None, ge=1, le=MAX_PAGE_SIZE)

    def paginate_queryset(
        self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        rows: Rows = queryset
        page = super().paginate_queryset(rows.queryset, pagination, request, **params)
        page[self.items_attribute] = [rows.render(row) for row in page[self.items_attribute]]
        return page
