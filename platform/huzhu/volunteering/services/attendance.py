"""Check-in and out by QR code (码上办), by hand, the automatic check-out, and no-shows.

The lead's screen shows a QR code of a signed token {task id, nonce} stamped with the time (Django's
TimestampSigner). It is valid for TOKEN_MAX_AGE seconds and the screen fetches a new one every ROTATE_SECONDS,
so a photo of the code is useless a minute later. A volunteer uses each code once per action: the nonce is
stored per volunteer and action, and a second use is TOKEN_REPLAYED.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote

import segno
from django.conf import settings
from django.core.signing import BadSignature, SignatureExpired, TimestampSigner, b62_encode
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.core.errors import check_text

from .. import integrations
from ..access import can_manage, is_lead
from ..errors import VolunteeringError, VolunteeringErrorCode
from ..models import Attendance, MinutesChange, ServiceTask, Suspension, TaskClaim, UsedCheckinToken
from .common import Status, now_or, publish, require_status, rules_get, task_get, task_get_unscoped, task_link
from .common import transition as _transition

E = VolunteeringErrorCode
SALT = "huzhu.volunteering.checkin"
TOKEN_MAX_AGE = 120
ROTATE_SECONDS = 60
MAX_TOKEN_LENGTH = 300
CHECKIN_STATUSES = (Status.OPEN, Status.FULL, Status.IN_PROGRESS)


class _Signer(TimestampSigner):
    """TimestampSigner whose clock can be set, so that tests can make a token issued minutes ago."""

    def __init__(self, at: float | None = None) -> None:
        super().__init__(salt=SALT)
        self._at = at

    def timestamp(self) -> str:
        return b62_encode(int(self._at if self._at is not None else time.time()))


def issue_token(task_id: int, *, at: float | None = None) -> str:
    nonce = secrets.token_urlsafe(12)
    return _Signer(at).sign_object({"t": task_id, "n": nonce})


def read_token(token: Any) -> tuple[int, str]:
    """(task id, nonce) of a valid token; TOKEN_EXPIRED or TOKEN_INVALID otherwise."""
    if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
        raise VolunteeringError(E.TOKEN_INVALID, field="token")
    try:
        data = _Signer().unsign_object(token, max_age=TOKEN_MAX_AGE)
    except SignatureExpired:
        raise VolunteeringError(E.TOKEN_EXPIRED, field="token")
    except (BadSignature, ValueError, UnicodeDecodeError):
        raise VolunteeringError(E.TOKEN_INVALID, field="token")
    if not isinstance(data, dict) or not isinstance(data.get("t"), int) or not isinstance(data.get("n"), str):
        raise VolunteeringError(E.TOKEN_INVALID, field="token")
    return data["t"], data["n"][:32]


@dataclass
class CheckinQr:
    task_id: int
    token: str
    url: str
    svg_data_uri: str
    expires_at: datetime
    refresh_in_seconds: int


def task_checkin_qr(*, actor: Any, task_id: int) -> CheckinQr:
    """A fresh QR code for the lead's screen (the lead only). Writes nothing: tokens are checked by signature."""
    task = task_get(actor=actor, task_id=task_id)
    if not is_lead(actor, task):
        raise VolunteeringError(E.NOT_LEAD)
    require_status(task, *CHECKIN_STATUSES)
    token = issue_token(task.id)
    url = f"{settings.PUBLIC_BASE_URL.rstrip('/')}/scan?token={quote(token, safe='')}"
    svg = segno.make(url, error="m").svg_data_uri(scale=4, border=2)
    return CheckinQr(task_id=task.id, token=token, url=url, svg_data_uri=svg,
                     expires_at=timezone.now() + timedelta(seconds=TOKEN_MAX_AGE),
                     refresh_in_seconds=ROTATE_SECONDS)


def _claim_for_token(actor: Any, token: Any, task_id: int | None) -> tuple[TaskClaim, str]:
    token_task, nonce = read_token(token)
    if task_id is not None and task_id != token_task:
        raise VolunteeringError(E.TOKEN_OTHER_TASK, field="token")
    # Lock order everywhere: task row, then claim, then attendance (the lead's manual check-in does the same).
    list(ServiceTask.objects.select_for_update().filter(id=token_task).values_list("id", flat=True))
    claim = (TaskClaim.objects.select_for_update(of=("self",))
             .filter(task_id=token_task, volunteer_id=actor.pk, status=TaskClaim.Status.CLAIMED)
             .select_related("task", "task__region").first())
    if claim is None:  # the code is not for a task this volunteer is on
        raise VolunteeringError(E.TOKEN_OTHER_TASK, field="token")
    return claim, nonce


def _use_nonce(actor: Any, task: ServiceTask, action: str, nonce: str, at: datetime) -> None:
    if UsedCheckinToken.objects.filter(volunteer_id=actor.pk, action=action, nonce=nonce).exists():
        raise VolunteeringError(E.TOKEN_REPLAYED, field="token")
    UsedCheckinToken.objects.create(volunteer_id=actor.pk, task=task, action=action, nonce=nonce, used_at=at)


def _check_window(task: ServiceTask, at: datetime) -> None:
    opens = task.starts_at - timedelta(minutes=rules_get().checkin_opens_minutes)
    if task.status not in CHECKIN_STATUSES or not opens <= at <= task.ends_at:
        raise VolunteeringError(E.CHECKIN_NOT_OPEN)


def _start(task: ServiceTask, actor: Any, at: datetime) -> bool:
    if _transition(task, Status.IN_PROGRESS, allowed_from=(Status.OPEN, Status.FULL), actor=actor, now=at):
        publish(task, "started")
        return True
    return False


def _check_in(claim: TaskClaim, *, method: str, by: Any, at: datetime) -> Attendance:
    if Attendance.objects.filter(claim_id=claim.id).exists():
        raise VolunteeringError(E.ALREADY_CHECKED_IN)
    _check_window(claim.task, at)
    attendance = Attendance(claim=claim, task=claim.task, volunteer_id=claim.volunteer_id, checked_in_at=at,
                            check_in_method=method, checked_in_by=by)
    attendance.full_clean()
    attendance.save()
    # the lead's attendance screen follows each arrival live (the first one also starts the task)
    if not _start(claim.task, by, at):
        publish(claim.task, "checked_in")
    return attendance


def served_minutes(task: ServiceTask, checked_in_at: datetime, checked_out_at: datetime, tolerance: int) -> int:
    """Check-out − check-in in whole minutes, capped at the planned length plus the tolerance."""
    raw = max(0, int((checked_out_at - checked_in_at).total_seconds() // 60))
    return min(raw, task.planned_minutes + tolerance)


def _check_out(attendance: Attendance, task: ServiceTask, *, method: str, by: Any, at: datetime,
               flagged: bool = False) -> Attendance:
    if attendance.checked_out_at is not None:
        raise VolunteeringError(E.ALREADY_CHECKED_OUT)
    at = max(at, attendance.checked_in_at)
    attendance.checked_out_at = at
    attendance.check_out_method = method
    attendance.checked_out_by = by
    attendance.flagged = flagged
    attendance.minutes = served_minutes(task, attendance.checked_in_at, at, rules_get().checkout_tolerance_minutes)
    attendance.save(update_fields=["checked_out_at", "check_out_method", "checked_out_by", "flagged", "minutes"])
    return attendance


@transaction.atomic
def task_check_in(*, actor: Any, token: str, task_id: int | None = None, now: datetime | None = None) -> Attendance:
    """The volunteer scanned the lead's QR code to check in. TOKEN_EXPIRED / TOKEN_INVALID / TOKEN_OTHER_TASK /
    TOKEN_REPLAYED / ALREADY_CHECKED_IN / CHECKIN_NOT_OPEN. The first check-in starts the task."""
    at = now_or(now)
    claim, nonce = _claim_for_token(actor, token, task_id)
    _use_nonce(actor, claim.task, "in", nonce, at)
    return _check_in(claim, method=Attendance.Method.QR, by=actor, at=at)


@transaction.atomic
def task_check_out(*, actor: Any, token: str, task_id: int | None = None, now: datetime | None = None) -> Attendance:
    """The volunteer scanned the lead's QR code again to check out; the minutes served are computed (capped)."""
    at = now_or(now)
    claim, nonce = _claim_for_token(actor, token, task_id)
    _use_nonce(actor, claim.task, "out", nonce, at)
    attendance = Attendance.objects.select_for_update().filter(claim_id=claim.id).first()
    if attendance is None:
        raise VolunteeringError(E.NOT_CHECKED_IN)
    if attendance.checked_out_at is None and claim.task.status != Status.IN_PROGRESS:
        raise VolunteeringError(E.CHECKIN_NOT_OPEN)
    _check_out(attendance, claim.task, method=Attendance.Method.QR, by=actor, at=at)
    publish(claim.task, "checked_out")  # the lead's screen shows the minutes to confirm without a reload
    return attendance


def _managed_claim(actor: Any, task_id: int, volunteer_id: int) -> tuple[ServiceTask, TaskClaim]:
    task = task_get(actor=actor, task_id=task_id, for_update=True)
    if not can_manage(actor, task):
        raise VolunteeringError(E.PERMISSION_DENIED)
    if isinstance(volunteer_id, bool) or not isinstance(volunteer_id, int):
        raise VolunteeringError(E.INVALID, field="volunteerId")
    claim = (TaskClaim.objects.select_for_update()
             .filter(task_id=task.id, volunteer_id=volunteer_id, status=TaskClaim.Status.CLAIMED).first())
    if claim is None:
        raise VolunteeringError(E.NOT_CLAIMED, field="volunteerId")
    claim.task = task
    return task, claim


def _manual_time(at: datetime | None, now: datetime) -> datetime:
    if at is None:
        return now
    if not isinstance(at, datetime) or timezone.is_naive(at) or at > now:
        raise VolunteeringError(E.INVALID, field="at")
    return at


@transaction.atomic
def task_manual_check_in(*, actor: Any, task_id: int, volunteer_id: int, at: datetime | None = None) -> Attendance:
    """The social worker checks a volunteer in by hand (no phone, broken camera); recorded as manual, by whom."""
    now = timezone.now()
    _task, claim = _managed_claim(actor, task_id, volunteer_id)
    return _check_in(claim, method=Attendance.Method.MANUAL, by=actor, at=_manual_time(at, now))


@transaction.atomic
def task_manual_check_out(*, actor: Any, task_id: int, volunteer_id: int, at: datetime | None = None) -> Attendance:
    now = timezone.now()
    task, claim = _managed_claim(actor, task_id, volunteer_id)
    attendance = Attendance.objects.select_for_update().filter(claim_id=claim.id).first()
    if attendance is None:
        raise VolunteeringError(E.NOT_CHECKED_IN, field="volunteerId")
    _check_out(attendance, task, method=Attendance.Method.MANUAL, by=actor, at=_manual_time(at, now))
    publish(task, "checked_out")
    return attendance


def _check_minutes(minutes: Any) -> int:
    if isinstance(minutes, bool) or not isinstance(minutes, int):
        raise VolunteeringError(E.INVALID, field="minutes")
    if not 0 <= minutes <= 24 * 60:
        raise VolunteeringError(E.OUT_OF_RANGE, field="minutes")
    return minutes


@transaction.atomic
def attendance_adjust(*, actor: Any, task_id: int, volunteer_id: int, minutes: int, reason: str) -> Attendance:
    """Before confirmation the lead may set the minutes served, with a reason (kept as a MinutesChange).
    After confirmation: ALREADY_CONFIRMED — use hours_correct, which reverses and re-credits."""
    minutes = _check_minutes(minutes)
    reason = check_text(reason, field="reason", max_length=200, required=True)
    _task, claim = _managed_claim(actor, task_id, volunteer_id)
    attendance = Attendance.objects.select_for_update().filter(claim_id=claim.id).first()
    if attendance is None:
        raise VolunteeringError(E.NOT_CHECKED_IN, field="volunteerId")
    if attendance.checked_out_at is None:
        raise VolunteeringError(E.NOT_CHECKED_OUT, field="volunteerId")
    if attendance.confirmed_at is not None:
        raise VolunteeringError(E.ALREADY_CONFIRMED)
    MinutesChange.objects.create(attendance=attendance, kind=MinutesChange.Kind.ADJUST,
                                 from_minutes=attendance.minutes, to_minutes=minutes, reason=reason, actor=actor,
                                 at=timezone.now())
    attendance.minutes = minutes
    attendance.flagged = False  # the lead has looked at it
    attendance.save(update_fields=["minutes", "flagged"])
    return attendance


# --- after the planned end: automatic check-out, no-shows -------------------------------------------------


@transaction.atomic
def attendance_auto_checkout(*, task_id: int, now: datetime | None = None) -> int:
    """Check out, at the planned end, every volunteer still checked in once the task has ended; flag each one
    for the lead. Returns how many. Safe to run again: a checked-out attendance is left alone."""
    at = now_or(now)
    task = task_get_unscoped(task_id, for_update=True)
    if task.ends_at > at:
        return 0
    open_ones = list(Attendance.objects.select_for_update()
                     .filter(task_id=task.id, checked_out_at__isnull=True).order_by("id"))
    for attendance in open_ones:
        _check_out(attendance, task, method=Attendance.Method.AUTO, by=None, at=task.ends_at, flagged=True)
    if open_ones:
        publish(task, "checked_out")
        integrations.notify(
            user=task.lead, kind="attendance_flagged",
            title=_("%(n)s 位志愿者未签退:%(title)s") % {"n": len(open_ones), "title": task.title},
            body=_("系统已按计划结束时间自动签退,请核对时长后确认。"), link=task_link(task.id),
            data={"taskId": task.id},
        )
    return len(open_ones)


def record_no_shows(task: ServiceTask, *, now: datetime) -> list[int]:
    """Claimed, never checked in, task over: a no-show. After `no_show_limit` of them (since the last
    suspension) the volunteer may not claim for `suspension_days`. Returns the volunteers' ids."""
    rules = rules_get()
    claims = list(TaskClaim.objects.select_for_update(of=("self",)).select_related("volunteer")
                  .filter(task_id=task.id, status=TaskClaim.Status.CLAIMED, no_show=False, attendance__isnull=True))
    for claim in claims:
        claim.no_show = True
        claim.no_show_at = now
        claim.save(update_fields=["no_show", "no_show_at"])
        last = Suspension.objects.filter(volunteer_id=claim.volunteer_id).order_by("-starts_at").first()
        count_qs = TaskClaim.objects.filter(volunteer_id=claim.volunteer_id, no_show=True)
        if last is not None:
            count_qs = count_qs.filter(no_show_at__gt=last.starts_at)
        count = count_qs.count()
        if count >= rules.no_show_limit:
            Suspension.objects.create(volunteer_id=claim.volunteer_id, starts_at=now,
                                      until=now + timedelta(days=rules.suspension_days), no_shows=count)
            integrations.notify(
                user=claim.volunteer, kind="claims_suspended", title=_("暂停报名通知"),
                body=_("您已有 %(n)s 次报名后未到岗,%(days)s 天内不能报名新任务。") % {
                    "n": count, "days": rules.suspension_days},
            )
    return [c.volunteer_id for c in claims]


@transaction.atomic
def task_close_attendance(*, task_id: int, now: datetime | None = None) -> dict[str, int]:
    """Once a task has ended: auto check-out the forgotten, record the no-shows; a task nobody came to is
    cancelled. Run by the sweep job; idempotent (attendance_closed_at)."""
    at = now_or(now)
    task = task_get_unscoped(task_id, for_update=True)
    if task.ends_at > at or task.attendance_closed_at is not None or task.status not in CHECKIN_STATUSES:
        return {"checked_out": 0, "no_shows": 0, "cancelled": 0}
    checked_out = attendance_auto_checkout(task_id=task.id, now=at)
    no_shows = record_no_shows(task, now=at)
    cancelled = 0
    if not Attendance.objects.filter(task_id=task.id).exists():
        from .lifecycle import cancel

        cancel(task, actor=None, reason=str(_("无人签到,系统自动取消")), now=at)
        cancelled = 1
    else:
        from .hours import maybe_complete

        if maybe_complete(task, actor=task.lead, now=at):
            publish(task, "completed")
    ServiceTask.objects.filter(id=task.id).update(attendance_closed_at=at)
    return {"checked_out": checked_out, "no_shows": len(no_shows), "cancelled": cancelled}


def tasks_to_close(now: datetime | None = None) -> list[int]:
    at = now_or(now)
    return list(ServiceTask.objects.filter(status__in=CHECKIN_STATUSES, ends_at__lte=at,
                                           attendance_closed_at__isnull=True)
                .order_by("ends_at").values_list("id", flat=True)[:500])
