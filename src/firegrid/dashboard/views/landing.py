"""The landing page ("/" and after login): sends each user where their work starts."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from ..selectors_landing import Landing, landing_for, who_to_ask

TARGETS = {Landing.OVERVIEW: "dashboard:overview", Landing.TODAY: "dashboard:today"}


@login_required
@require_GET
def page(request: HttpRequest) -> HttpResponse:
    landing = landing_for(request.user)
    if landing in TARGETS:
        return redirect(TARGETS[landing])
    person, offices = who_to_ask(request.user)
    return render(request, "dashboard/landing_no_post.html", {"person": person, "offices": offices})
