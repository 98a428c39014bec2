"""Confirming served minutes into the time bank, exactly once, and correcting them by reversal.

Exactly once: the task row is locked first (two social workers confirming at once run one after the other),
each attendance is taken by a conditional UPDATE (`confirmed_at IS NULL`), and the time bank's idempotency
key `task:<task>:vol:<user>` would refuse a second credit anyway. The credit is written by
timebank.earn_service_minutes inside this transaction: if it fails, the confirmation rolls back with it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import F, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.core.errors import check_text

from .. import integrations
from ..access import can_manage
from ..errors import VolunteeringError, VolunteeringErrorCode
from ..models import Attendance, MinutesChange, ServiceTask, TaskClaim
from .attendance import record_no_shows
from .common import Status, publish, require_status, street_of, task_get, task_link, transition

E = VolunteeringErrorCode
MAX_IDS = 200


def earning_key(task_id: int, volunteer_id: int, correction: int = 0) -> str:
    base = f"task:{task_id}:vol:{volunteer_id}"
    return base if correction == 0 else f"{base}:corr:{correction}"


def _check_ids(volunteer_ids: Any) -> list[int]:
    if not isinstance(volunteer_ids, (list, tuple)) or not volunteer_ids:
        raise VolunteeringError(E.REQUIRED, field="volunteerIds")
    if len(volunteer_ids) > MAX_IDS or any(isinstance(i, bool) or not isinstance(i, int) for i in volunteer_ids):
        raise VolunteeringError(E.INVALID, field="volunteerIds")
    return sorted(set(volunteer_ids))


def _credit(task: ServiceTask, attendance: Attendance, *, minutes: int, key: str, actor: Any) -> None:
    integrations.earn_service_minutes(
        volunteer=attendance.volunteer, minutes=minutes, idempotency_key=key, confirmed_by=actor,
        street=street_of(task), organisation_name=task.organisation_name, service_date=attendance.service_date,
        memo=f"{task.title}"[:200],
    )


@transaction.atomic
def hours_confirm(*, actor: Any, task_id: int, volunteer_ids: list[int] | None = None,
                  visit_notes: str = "") -> list[Attendance]:
    """Confirm the minutes of the given volunteers (or of all who have checked out) and credit each one's
    time-bank account in this transaction. When the last one is confirmed the task completes: no-shows are
    recorded, the household's visit is written, a redemption's hold is posted.

    Raises ALREADY_CONFIRMED when there is nothing left to confirm because it was confirmed before (a double
    click, or another social worker first), NOT_CHECKED_OUT for a named volunteer still checked in.
    """
    now = timezone.now()
    visit_notes = check_text(visit_notes, field="visitNotes", max_length=2000)
    task = task_get(actor=actor, task_id=task_id, for_update=True)
    if not can_manage(actor, task):
        raise VolunteeringError(E.PERMISSION_DENIED)
    if task.status == Status.COMPLETED:
        raise VolunteeringError(E.ALREADY_CONFIRMED)
    require_status(task, Status.IN_PROGRESS)
    qs = Attendance.objects.filter(task_id=task.id).select_related("volunteer").order_by("id")
    if volunteer_ids is not None:
        ids = _check_ids(volunteer_ids)
        attendances = list(qs.filter(volunteer_id__in=ids))
        if len(attendances) != len(ids):
            raise VolunteeringError(E.NOT_CHECKED_IN, field="volunteerIds")
        if any(a.checked_out_at is None for a in attendances):
            raise VolunteeringError(E.NOT_CHECKED_OUT, field="volunteerIds")
    else:
        attendances = list(qs.filter(checked_out_at__isnull=False))
        if not attendances:
            raise VolunteeringError(E.NOTHING_TO_CONFIRM)
    confirmed: list[Attendance] = []
    for attendance in attendances:
        key = earning_key(task.id, attendance.volunteer_id)
        # Conditional update: whoever confirms an attendance first is the only one who credits it.
        if Attendance.objects.filter(id=attendance.id, confirmed_at__isnull=True, checked_out_at__isnull=False) \
                .update(confirmed_at=now, confirmed_by=actor, credited_minutes=F("minutes")) != 1:
            continue
        attendance.refresh_from_db()
        if attendance.minutes > 0:
            _credit(task, attendance, minutes=attendance.minutes, key=key, actor=actor)
            attendance.earning_key = key
            attendance.save(update_fields=["earning_key"])
        integrations.notify(
            user=attendance.volunteer, kind="hours_confirmed",
            title=_("服务时长已确认:%(title)s") % {"title": task.title},
            body=_("%(minutes)s 分钟已存入您的时间银行账户。") % {"minutes": attendance.minutes},
            link=task_link(task.id), data={"taskId": task.id, "minutes": attendance.minutes},
        )
        confirmed.append(attendance)
    if not confirmed:
        raise VolunteeringError(E.ALREADY_CONFIRMED)
    maybe_complete(task, actor=actor, now=now, visit_notes=visit_notes)
    publish(task, "confirmed")
    return confirmed


def maybe_complete(task: ServiceTask, *, actor: Any, now: datetime, visit_notes: str = "") -> bool:
    """in_progress → completed once every checked-in volunteer is confirmed and nobody else can still come
    (everyone claimed has checked in, or the task has ended). Call while holding the task row."""
    if task.status != Status.IN_PROGRESS:
        return False
    attendances = Attendance.objects.filter(task_id=task.id)
    if attendances.filter(confirmed_at__isnull=True).exists():
        return False
    missing = TaskClaim.objects.filter(task_id=task.id, status=TaskClaim.Status.CLAIMED, attendance__isnull=True)
    if missing.exists() and now < task.ends_at:
        return False
    record_no_shows(task, now=now)
    if not transition(task, Status.COMPLETED, allowed_from=(Status.IN_PROGRESS,), actor=actor, now=now):
        return False
    if task.household_id:
        first_in = min(attendances.aggregate(first=Min("checked_in_at"))["first"] or task.starts_at, now)
        integrations.record_visit(
            actor=actor, household=task.household, visited_at=first_in, task_id=task.id,
            notes=visit_notes or _("%(type)s服务(任务 #%(id)s)已完成。") % {
                "type": task.get_service_type_display(), "id": task.id},
        )
    if task.redemption_id:
        integrations.redemption_settle(redemption_id=task.redemption_id, delivered=True, actor=actor)
    if task.need is not None and task.need.status == "matched":
        integrations.need_set_status(actor=actor, need=task.need, status="fulfilled", note=f"task:{task.id}")
    return True


@transaction.atomic
def hours_correct(*, actor: Any, task_id: int, volunteer_id: int, minutes: int, reason: str) -> Attendance:
    """Correct confirmed minutes: reverse the previous credit and credit the new amount under a new key
    (`...:corr:<n>`). Ledger entries are never edited; the change is kept as a MinutesChange with both keys."""
    from .attendance import _check_minutes

    minutes = _check_minutes(minutes)
    reason = check_text(reason, field="reason", max_length=200, required=True)
    task = task_get(actor=actor, task_id=task_id, for_update=True)
    if not can_manage(actor, task):
        raise VolunteeringError(E.PERMISSION_DENIED)
    if isinstance(volunteer_id, bool) or not isinstance(volunteer_id, int):
        raise VolunteeringError(E.INVALID, field="volunteerId")
    attendance = (Attendance.objects.select_for_update().select_related("volunteer")
                  .filter(task_id=task.id, volunteer_id=volunteer_id).first())
    if attendance is None:
        raise VolunteeringError(E.NOT_CHECKED_IN, field="volunteerId")
    if attendance.confirmed_at is None:
        raise VolunteeringError(E.NOT_CONFIRMED)
    before = attendance.credited_minutes or 0
    if minutes == before:
        raise VolunteeringError(E.INVALID, _("与已确认的时长相同,无需更正。"), field="minutes")
    number = attendance.corrections + 1
    old_key = attendance.earning_key
    new_key = earning_key(task.id, volunteer_id, number) if minutes > 0 else ""
    if old_key:
        integrations.reverse_earning(idempotency_key=old_key, actor=actor, reason=reason)
    if minutes > 0:
        _credit(task, attendance, minutes=minutes, key=new_key, actor=actor)
    MinutesChange.objects.create(attendance=attendance, kind=MinutesChange.Kind.CORRECT, from_minutes=before,
                                 to_minutes=minutes, reason=reason, actor=actor, reversed_key=old_key,
                                 new_key=new_key, at=timezone.now())
    attendance.minutes = minutes
    attendance.credited_minutes = minutes
    attendance.earning_key = new_key
    attendance.corrections = number
    attendance.save(update_fields=["minutes", "credited_minutes", "earning_key", "corrections"])
    integrations.notify(
        user=attendance.volunteer, kind="hours_corrected",
        title=_("服务时长已更正:%(title)s") % {"title": task.title},
        body=_("由 %(before)s 分钟更正为 %(after)s 分钟。原因:%(reason)s") % {
            "before": before, "after": minutes, "reason": reason},
        link=task_link(task.id), data={"taskId": task.id, "minutes": minutes},
    )
    return attendance
