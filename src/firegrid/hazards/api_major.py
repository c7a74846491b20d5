"""/api/v1: GB 35181 major-hazard determinations (重大火灾隐患判定) of a place and their
collective confirmation (集体讨论, at least three people)."""

# No `from __future__ import annotations`: ninja resolves annotations of @paginate-wrapped views
# in the pagination module's namespace, where postponed annotations do not resolve.
import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from firegrid.core.pagination import RenderedPagination, Rows
from firegrid.grids.schemas import ErrorOut

from .major import selectors
from .major.services import determination_confirm, determination_run
from .models import MajorDetermination

router = Router(tags=["major hazards"])
WRITE_ERRORS = {403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class DeterminationIn(Schema):
    hazard_id: int | None = Field(None, description="The hazard that prompted the run, if any.")


class ConfirmerIn(Schema):
    name: str = Field(..., max_length=50)
    post: str = Field(..., max_length=50, description="职务: the person's post.")


class ConfirmIn(Schema):
    confirmers: list[ConfirmerIn] = Field(
        ..., description="Everyone who took part (at least 3 different names)."
    )
    note: str = Field("", max_length=4000, description="The decision record (集体讨论记录).")


class MatchedOut(Schema):
    code: str
    kind: Literal["direct", "comprehensive"]
    text: str
    text_en: str
    verified: bool = Field(..., description="False: wording not checked against the standard.")
    hazards: list[int] = Field(..., description="Open hazards of the place with this element.")


class ConfirmerOut(Schema):
    name: str
    post: str


class DeterminationOut(Schema):
    id: int
    place_id: int
    place_name: str
    hazard_id: int | None
    rule_set: str = Field(..., description="The edition and version that decided.")
    place_category: Literal["crowded", "flammable", "other"]
    is_major: bool
    reason: Literal["direct", "comprehensive", "below_threshold", "not_judged"]
    matched: list[MatchedOut]
    threshold: int | None
    threshold_verified: bool | None = Field(
        ..., description="False: the threshold is not checked against the standard's text."
    )
    determined_at: datetime.datetime
    determined_by: str
    final: bool = Field(..., description="True once the collective confirmation is recorded.")
    confirmed_at: datetime.datetime | None
    confirmers: list[ConfirmerOut]
    confirmation_note: str
    confirmation_recorded_by: str | None


def determination_out(d: MajorDetermination) -> dict[str, Any]:
    """Needs place, determined_by and confirmation_recorded_by selected."""
    recorder = d.confirmation_recorded_by
    return {
        "id": d.pk,
        "place_id": d.place_id,
        "place_name": d.place.name,
        "hazard_id": d.hazard_id,
        "rule_set": d.rule_set,
        "place_category": d.place_category,
        "is_major": d.is_major,
        "reason": d.reason,
        "matched": d.matched,
        "threshold": d.threshold,
        "threshold_verified": selectors.threshold_info(d).verified,
        "determined_at": d.determined_at,
        "determined_by": d.determined_by.get_username(),
        "final": d.final,
        "confirmed_at": d.confirmed_at,
        "confirmers": d.confirmers,
        "confirmation_note": d.confirmation_note,
        "confirmation_recorded_by": recorder.get_username() if recorder else None,
    }


@router.post(
    "/places/{int:place_id}/major-determinations",
    response={201: DeterminationOut, **WRITE_ERRORS},
)
def run_determination(request: HttpRequest, place_id: int, payload: DeterminationIn) -> Any:
    """Judge the place with the current GB 35181 rule set from its open hazards' element codes
    and store the result (not final until confirmed). Needs a managing post over the place."""
    made = determination_run(actor=request.user, place_id=place_id, hazard_id=payload.hazard_id)
    return Status(
        201,
        determination_out(
            selectors.determination_get(actor=request.user, determination_id=made.pk)
        ),
    )


@router.get(
    "/places/{int:place_id}/major-determinations",
    response={200: list[DeterminationOut], 404: ErrorOut},
)
@paginate(RenderedPagination, page_size=50)
def list_determinations(request: HttpRequest, place_id: int) -> Any:
    """A place's determinations, newest first."""
    found = selectors.determination_list(actor=request.user, place_id=place_id)
    return Rows(found, determination_out)


@router.get(
    "/major-determinations/{int:determination_id}",
    response={200: DeterminationOut, 404: ErrorOut},
)
def get_determination(request: HttpRequest, determination_id: int) -> Any:
    """One determination: matched elements, the rule set that decided, the confirmation."""
    return determination_out(
        selectors.determination_get(actor=request.user, determination_id=determination_id)
    )


@router.post(
    "/major-determinations/{int:determination_id}/confirm",
    response={200: DeterminationOut, **WRITE_ERRORS},
)
def confirm_determination(request: HttpRequest, determination_id: int, payload: ConfirmIn) -> Any:
    """Record the collective decision (≥ 3 different people); a second one answers 409. A major
    determination then makes the place's open hazards major and tells the street level and the
    fire agency at once."""
    determination_confirm(
        actor=request.user,
        determination_id=determination_id,
        confirmers=[c.dict() for c in payload.confirmers],
        note=payload.note,
    )
    return determination_out(
        selectors.determination_get(actor=request.user, determination_id=determination_id)
    )
