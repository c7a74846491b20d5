"""Who hears of a citizen report.

Staff: the people posted at the level that must triage it (in-app inbox and the configured
notification channels, through `notifications.services.notify`).

The reporter: the public status page always shows the news. When they left an email address it
is sent there through the notifications app's mail channel; a phone number goes to the "sms"
channel, which has no gateway here: it is logged through the "log" channel and, when
FIREGRID_SMS_WEBHOOK_URL is set, POSTed there as JSON ({"phone", "text"}). Both run in the task
queue after the transaction commits, so a slow mail server never holds a triage click.
"""

from __future__ import annotations

import json
import logging
import urllib.request
from functools import partial

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.core import pii
from firegrid.grids.models import Grid
from firegrid.hazards.services.notify import responsible_people
from firegrid.notifications.channels import LogChannel, MailChannel, Message
from firegrid.people.models import Assignment, Person

from .models import Report, ReportEvent

logger = logging.getLogger("firegrid.notify")
SMS_TIMEOUT_SECONDS = 5.0


def triage_people(grid: Grid) -> list[Person]:
    """Everyone posted at `grid` today in a role that triages (`can_triage`: not a 志愿者 or
    楼栋长), plus the managing people of the nearest level up (this grid included) that has any:
    a leaf's workers and its community office."""
    today = timezone.localdate()
    posted = set(
        Assignment.objects.active(today)
        .filter(grid=grid, role__can_triage=True)
        .values_list("person_id", flat=True)
    )
    managers: list[Person] = []
    ancestors = list(reversed(grid.ancestor_ids))  # this grid first, the root last
    grids = {g.pk: g for g in Grid.objects.filter(pk__in=ancestors).defer("boundary")}
    for grid_id in ancestors:
        if grid_id in grids:
            managers = responsible_people(grids[grid_id])
            if managers:
                break
    ids = posted | {p.pk for p in managers}
    return list(Person.objects.filter(pk__in=ids).order_by("pk"))


def notify_triage(*, report: Report, kind: str) -> int:
    """Tell the responsible level a report waits for triage (new, or escalated to them)."""
    from firegrid.notifications.services import notify

    from .services.submit import staff_link

    grid = report.owner_grid
    if kind == "report.escalated":
        recipients = responsible_people(grid) or triage_people(grid)
        subject = _("Citizen report %(code)s escalated to you: triage overdue") % {
            "code": report.tracking_code
        }
    else:
        recipients = triage_people(grid)
        subject = _("New citizen report %(code)s: %(service)s") % {
            "code": report.tracking_code,
            "service": report.service.name,
        }
    due = timezone.localtime(report.triage_due) if report.triage_due else None
    body = report.description[:500]
    if due is not None:
        body += "\n" + _("Triage due: %(at)s") % {"at": due.strftime("%Y-%m-%d %H:%M")}
    sent = notify(
        recipients=recipients,
        kind=kind,
        subject=subject,
        body=body,
        link=staff_link(report),
        target=report,
        dedupe_key=f"report:{report.pk}:{kind}:{report.escalations}",
    )
    return len(sent)


def notify_reporter(*, report: Report, text: str) -> list[str]:
    """Send `text` to the reporter's email / phone after commit; the channels used."""
    channels = []
    if report.contact_email:
        channels.append("email")
    if report.contact_phone:
        channels.append("sms")
    if channels:
        ReportEvent.objects.create(
            report=report,
            action="reporter_told",
            at=timezone.now(),
            public=False,
            note=text[:500],
            data={"channels": channels},
        )
        transaction.on_commit(partial(_enqueue, report.pk, text), robust=True)
    return channels


def _enqueue(report_id: int, text: str) -> None:
    from .tasks import report_tell_reporter_task

    report_tell_reporter_task.enqueue(report_id, text)


def tell_reporter(*, report_id: int, text: str) -> int:
    """The task body: decrypt the contact and hand the message to the channels."""
    report = Report.objects.filter(pk=report_id).first()
    if report is None:
        return 0
    subject = _("Your fire hazard report %(code)s") % {"code": report.tracking_code}
    message = Message("report.reporter", subject, text, status_link(report), ())
    sent = 0
    email = pii.decrypt(report.contact_email)
    if email:
        MailChannel([email]).send(message)
        sent += 1
    phone = pii.decrypt(report.contact_phone)
    if phone:
        send_sms(phone=phone, text=f"{subject}: {text}")
        sent += 1
    return sent


def send_sms(*, phone: str, text: str) -> None:
    """The "sms" channel: no gateway in FireGrid itself; logged, and POSTed to the optional
    FIREGRID_SMS_WEBHOOK_URL. Never raises."""
    LogChannel().send(Message("report.sms", text[:70], "", "", (pii.mask_phone(phone),)))
    url = str(getattr(settings, "FIREGRID_SMS_WEBHOOK_URL", "") or "")
    if not url.startswith(("https://", "http://")):
        return
    payload = json.dumps({"phone": phone, "text": text}, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(  # noqa: S310 (scheme checked above)
        url, data=payload, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=SMS_TIMEOUT_SECONDS):  # noqa: S310
            pass
    except OSError as exc:
        logger.warning("sms webhook failed: %s", exc)


def status_link(report: Report) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("report:status", args=[report.tracking_code])
    except NoReverseMatch:
        return f"/report/track/{report.tracking_code}/"
