"""The inbox page (站内通知): list, open (marks read, then follows the link), mark all read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from firegrid.core.errors import NotFound

from . import selectors, services

PER_PAGE = 25


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    only_unread = request.GET.get("unread") == "1"
    rows = selectors.notification_list(request.user, unread=True if only_unread else None)
    page = Paginator(rows, PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page": page,
            "notifications": list(page),
            "only_unread": only_unread,
            "query_string": "unread=1" if only_unread else "",
            "unread_count": selectors.notification_unread_count(request.user),
        },
    )


@login_required
@require_GET
def badge(request: HttpRequest) -> HttpResponse:
    """The nav's unread count as a fragment, fetched by htmx after the page loads, so pages
    do not pay for the COUNT (and their query-count tests stay as they are)."""
    return render(request, "notifications/_badge.html")


@login_required
@require_POST
def open_notification(request: HttpRequest, notification_id: int) -> HttpResponse:
    try:
        notification = selectors.notification_get(request.user, notification_id)
    except NotFound as exc:
        raise Http404(str(exc.message)) from exc
    services.notification_mark_read(actor=request.user, ids=[notification.pk])
    return redirect(notification.link or "notifications:inbox")


@login_required
@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.notification_mark_all_read(actor=request.user)
    messages.success(request, _("Notifications marked read: %(count)d.") % {"count": count})
    return redirect("notifications:inbox")
