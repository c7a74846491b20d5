"""Registry pages (being written): map, list, detail, create/edit, placard."""

from django.http import Http404, HttpRequest, HttpResponse


def _not_yet(request: HttpRequest, **kwargs: object) -> HttpResponse:
    raise Http404


place_map = place_list = place_create = place_detail = place_edit = _not_yet
place_placard = place_geojson = _not_yet
