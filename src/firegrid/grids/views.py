"""Pages of the grids app (placeholder until the map page lands)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse


@login_required
def grid_map(request: HttpRequest) -> HttpResponse:
    return HttpResponse("grids")
