"""Pages of the people app (placeholder)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def people_list(request: HttpRequest) -> HttpResponse:
    return HttpResponse("people")
