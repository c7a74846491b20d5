""" "Today" (今日待办): a field worker's landing page, phone first."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from firegrid.inspections.views.office import start_url

from ..selectors_today import today_for


@login_required
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    today = today_for(request.user)

    def rows(tasks: list[Any]) -> list[dict[str, Any]]:
        return [
            {"task": t, "start_url": start_url(t), "days_late": (today.day - t.due_on).days}
            for t in tasks
        ]

    return render(
        request,
        "dashboard/today.html",
        {"today": today, "due_today": rows(today.due_today), "overdue": rows(today.overdue)},
    )
