"""Reminders to claimed volunteers the day before and an hour before a task; rules updates."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import integrations
from ..access import is_rules_admin
from ..errors import VolunteeringError, VolunteeringErrorCode
from ..models import ServiceTask, TaskClaim, VolunteeringRules
from .common import Status, now_or, rules_get, task_link

E = VolunteeringErrorCode
UPCOMING = (Status.OPEN, Status.FULL)


def _remind(task: ServiceTask, *, kind: str, title: str, body: str) -> int:
    claims = TaskClaim.objects.filter(task_id=task.id, status=TaskClaim.Status.CLAIMED).select_related("volunteer")
    n = 0
    for claim in claims:
        integrations.notify(user=claim.volunteer, kind=kind, title=title, body=body, link=task_link(task.id),
                            data={"taskId": task.id})
        n += 1
    return n


def task_reminders_send(*, now: datetime | None = None) -> int:
    """Send the due reminders; each task's day and hour reminder is sent once (a conditional UPDATE marks it).
    Returns the number of notifications written."""
    at = now_or(now)
    sent = 0
    day_due = (ServiceTask.objects.filter(status__in=UPCOMING, starts_at__gt=at, starts_at__lte=at + timedelta(days=1),
                                          day_reminder_sent_at__isnull=True)
               .order_by("starts_at").values_list("id", flat=True)[:1000])
    for task_id in list(day_due):
        with transaction.atomic():
            if ServiceTask.objects.filter(id=task_id, day_reminder_sent_at__isnull=True).update(
                    day_reminder_sent_at=at) != 1:
                continue
            task = ServiceTask.objects.get(id=task_id)
            if task.starts_at - at <= timedelta(hours=1):
                continue  # the hour reminder says it all
            when = timezone.localtime(task.starts_at).strftime("%m-%d %H:%M")
            sent += _remind(task, kind="task_reminder_day", title=_("明日服务提醒:%(title)s") % {"title": task.title},
                            body=_("%(at)s 开始,请准时到场扫码签到。") % {"at": when})
    hour_due = (ServiceTask.objects.filter(status__in=UPCOMING, starts_at__gt=at,
                                           starts_at__lte=at + timedelta(hours=1), hour_reminder_sent_at__isnull=True)
                .order_by("starts_at").values_list("id", flat=True)[:1000])
    for task_id in list(hour_due):
        with transaction.atomic():
            if ServiceTask.objects.filter(id=task_id, hour_reminder_sent_at__isnull=True).update(
                    hour_reminder_sent_at=at) != 1:
                continue
            task = ServiceTask.objects.get(id=task_id)
            when = timezone.localtime(task.starts_at).strftime("%H:%M")
            sent += _remind(task, kind="task_reminder_hour",
                            title=_("服务即将开始:%(title)s") % {"title": task.title},
                            body=_("%(at)s 开始。到场后请扫描社工的二维码签到。") % {"at": when})
    return sent


RULE_FIELDS = {
    "withdrawal_cutoff_hours": (0, 24 * 14),
    "max_hours_per_week": (1, 168),
    "no_show_limit": (1, 100),
    "suspension_days": (0, 365),
    "checkout_tolerance_minutes": (0, 24 * 60),
    "checkin_opens_minutes": (0, 24 * 60),
    "visit_reminder_days": (0, 28),
    "urgent_notify_limit": (0, 1000),
}


@transaction.atomic
def volunteering_rules_update(*, actor: Any, **changes: int | None) -> VolunteeringRules:
    """The administrator sets the rules (district-wide); only the given fields change, each within range."""
    if not is_rules_admin(actor):
        raise VolunteeringError(E.PERMISSION_DENIED)
    rules = rules_get()
    rules = VolunteeringRules.objects.select_for_update().get(id=rules.id)
    for name, value in changes.items():
        if value is None:
            continue
        if name not in RULE_FIELDS:
            raise VolunteeringError(E.INVALID, field=name)
        field = "".join(p.capitalize() if i else p for i, p in enumerate(name.split("_")))
        if isinstance(value, bool) or not isinstance(value, int):
            raise VolunteeringError(E.INVALID, field=field)
        low, high = RULE_FIELDS[name]
        if not low <= value <= high:
            message = _("必须在 %(low)s 到 %(high)s 之间。") % {"low": low, "high": high}
            raise VolunteeringError(E.OUT_OF_RANGE, message, field=field)
        setattr(rules, name, value)
    rules.updated_by = actor
    rules.full_clean()
    rules.save()
    return rules
