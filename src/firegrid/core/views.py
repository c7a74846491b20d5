"""Pages of the core app: the health check."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 while this web worker answers: for systemd, the proxy and `firegrid serve`'s tests.

    Deliberately touches no database: a liveness probe must not fail (and restart the service)
    because the database is busy; `firegrid status` reports the database and the queue.
    """
    return JsonResponse({"status": "ok"})
