"""The same lifecycle step for several hazards (office bulk actions): one by one, each in its own
transaction, so one refusal does not stop the others."""

from __future__ import annotations

import datetime
from typing import Any

from firegrid.core.errors import ApplicationError

from .lifecycle import StepIn, hazard_step

# Steps offered for several hazards at once: none needs a photo or a per-hazard value.
BULK_ACTIONS = ("confirm", "reject", "verify_fix", "acknowledge", "escalate", "issue_notice")


def hazards_bulk_step(
    *,
    actor: Any,
    hazard_ids: list[int],
    action: str,
    note: str = "",
    deadline: datetime.date | None = None,
) -> list[dict[str, Any]]:
    """Each id's outcome: {"id", "ok", "state", "code", "message"}."""
    results = []
    for hazard_id in hazard_ids:
        data = StepIn(action=action, note=note, deadline=deadline)
        try:
            hazard = hazard_step(actor=actor, hazard_id=hazard_id, data=data)
        except ApplicationError as exc:
            results.append(
                {"id": hazard_id, "ok": False, "state": None, "code": exc.code,
                 "message": str(exc.message)}
            )  # fmt: skip
        else:
            results.append(
                {"id": hazard_id, "ok": True, "state": hazard.state, "code": "", "message": ""}
            )
    return results
