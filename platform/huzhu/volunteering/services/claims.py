"""Claiming a slot, the waiting list, withdrawal and group reservations.

Race safety: a claim takes a public slot with one conditional UPDATE (`slots_left > 0`), so of fifty
concurrent claims for the last slot exactly one sees a row count of 1. The volunteer's own user row is locked
first, so one volunteer's concurrent claims run one after another and cannot both pass the overlap or weekly
checks. Withdrawal locks the task row; promoting a waiting volunteer tries that volunteer's row with SKIP LOCKED
(a volunteer busy claiming something else right now is passed over this time), so lock order never inverts.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.core.errors import check_text
from huzhu.people import access
from huzhu.people.models import Role, User, VolunteerProfile

from .. import integrations
from ..access import can_manage
from ..errors import VolunteeringError, VolunteeringErrorCode
from ..models import GroupReservation, ServiceTask, Suspension, TaskClaim
from .common import (
    Status,
    add_slots,
    now_or,
    publish,
    require_status,
    rules_get,
    sync_full_status,
    task_get,
    task_get_unscoped,
    task_link,
)

E = VolunteeringErrorCode
LIVE = (TaskClaim.Status.CLAIMED, TaskClaim.Status.WAITLISTED)
CLAIMABLE = (Status.OPEN, Status.FULL)
MAX_KEY = 100


def _check_key(idempotency_key: str) -> str:
    key = (idempotency_key or "").strip()
    if not key:
        raise VolunteeringError(E.REQUIRED, field="idempotencyKey")
    if len(key) > MAX_KEY:
        raise VolunteeringError(E.TOO_LONG, field="idempotencyKey")
    return key


def _lock_user(user: Any) -> None:
    list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


def volunteer_profile(actor: Any) -> VolunteerProfile:
    profile = VolunteerProfile.objects.filter(user_id=actor.pk).first()
    if profile is None:
        raise VolunteeringError(E.NOT_A_VOLUNTEER)
    return profile


def is_minor(profile: VolunteerProfile, task: ServiceTask) -> bool:
    """Only the birth year is stored, so we are careful: in the year someone turns 18 they still count as under
    18 (they may not have had their birthday yet). No birth year on file: treated as an adult."""
    if profile.birth_year is None:
        return False
    return timezone.localtime(task.starts_at).year - profile.birth_year <= 18


def check_suspension(actor: Any, now: datetime) -> None:
    suspension = Suspension.objects.filter(volunteer_id=actor.pk, until__gt=now).order_by("-until").first()
    if suspension is not None:
        until = timezone.localtime(suspension.until).strftime("%Y-%m-%d %H:%M")
        raise VolunteeringError(E.SUSPENDED, params={"until": until})


def check_skills(profile: VolunteerProfile, task: ServiceTask) -> None:
    missing = sorted(set(task.required_skills) - set(profile.skills or []))
    if missing:
        raise VolunteeringError(E.MISSING_SKILL, params={"skills": "、".join(missing)})


def check_overlap(actor: Any, task: ServiceTask) -> None:
    clash = TaskClaim.objects.filter(
        volunteer_id=actor.pk, status=TaskClaim.Status.CLAIMED,
        task__status__in=ServiceTask.ACTIVE_STATUSES,
        task__starts_at__lt=task.ends_at, task__ends_at__gt=task.starts_at,
    ).exclude(task_id=task.id)
    if clash.exists():
        raise VolunteeringError(E.OVERLAP)


def week_bounds(at: datetime) -> tuple[datetime, datetime]:
    """Monday 00:00 to the next Monday 00:00 in the platform's time zone, around `at`."""
    local = timezone.localtime(at)
    monday = (local - timedelta(days=local.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
    return monday, monday + timedelta(days=7)


def check_weekly_limit(actor: Any, task: ServiceTask, max_hours: int) -> None:
    start, end = week_bounds(task.starts_at)
    spans = TaskClaim.objects.filter(
        volunteer_id=actor.pk, status=TaskClaim.Status.CLAIMED,
        task__status__in=(*ServiceTask.ACTIVE_STATUSES, Status.COMPLETED),
        task__starts_at__gte=start, task__starts_at__lt=end,
    ).exclude(task_id=task.id).values_list("task__starts_at", "task__ends_at")
    planned = sum(int((e - s).total_seconds() // 60) for s, e in spans)
    if planned + task.planned_minutes > max_hours * 60:
        raise VolunteeringError(E.WEEKLY_LIMIT, params={"hours": max_hours})


def _eligible(actor: Any, profile: VolunteerProfile, task: ServiceTask, *, now: datetime) -> None:
    rules = rules_get()
    check_suspension(actor, now)
    check_skills(profile, task)
    check_overlap(actor, task)
    check_weekly_limit(actor, task, rules.max_hours_per_week)


@transaction.atomic
def task_claim(*, actor: Any, task_id: int, idempotency_key: str, group_code: str = "",
               waitlist: bool = False) -> TaskClaim:
    """Give the actor one slot of the task (or, with `waitlist`, a place on its waiting list when it is full).

    A retry with the same key returns the first result. Raises TASK_FULL when no slot is left, OVERLAP,
    MISSING_SKILL, WEEKLY_LIMIT, SUSPENDED, UNDER_18_GROUP_ONLY, GROUP_CODE_INVALID, TASK_NOT_OPEN,
    ALREADY_CLAIMED. The task_changed event and the notification go out after commit.
    """
    key = _check_key(idempotency_key)
    group_code = (group_code or "").strip()[:16]
    now = timezone.now()
    _lock_user(actor)
    existing = TaskClaim.objects.filter(volunteer_id=actor.pk, idempotency_key=key).first()
    if existing is not None:
        if existing.task_id != task_id:
            raise VolunteeringError(E.IDEMPOTENCY_MISMATCH, field="idempotencyKey")
        return existing
    task = task_get(actor=actor, task_id=task_id)
    if not access.has_role(actor, Role.VOLUNTEER, task.region):
        raise VolunteeringError(E.NOT_A_VOLUNTEER)
    profile = volunteer_profile(actor)
    if task.status not in CLAIMABLE or task.starts_at <= now:
        raise VolunteeringError(E.TASK_NOT_OPEN)
    if TaskClaim.objects.filter(task_id=task.id, volunteer_id=actor.pk, status__in=LIVE).exists():
        raise VolunteeringError(E.ALREADY_CLAIMED)
    group = None
    if group_code:
        group = GroupReservation.objects.filter(task_id=task.id, join_code=group_code).first()
        if group is None:
            raise VolunteeringError(E.GROUP_CODE_INVALID, field="groupCode")
    if group is None and is_minor(profile, task):
        raise VolunteeringError(E.UNDER_18_GROUP_ONLY)
    _eligible(actor, profile, task, now=now)

    claim = TaskClaim(task=task, volunteer=actor, idempotency_key=key, group=group)
    # A group member takes one of the group's reserved slots while the block is still held for the group.
    if group is not None and GroupReservation.objects.filter(
        id=group.id, released_at__isnull=True, slots_left__gt=0
    ).update(slots_left=F("slots_left") - 1) == 1:
        claim.from_group_block = True
    # Conditional update: of fifty concurrent claims for the last slot exactly one sees a row count of 1.
    elif ServiceTask.objects.filter(id=task.id, status__in=CLAIMABLE, slots_left__gt=0).update(
        slots_left=F("slots_left") - 1
    ) != 1:
        if not waitlist:
            raise VolunteeringError(E.TASK_FULL)
        claim.status = TaskClaim.Status.WAITLISTED
    claim.full_clean()
    claim.save()
    if claim.status == TaskClaim.Status.CLAIMED:
        sync_full_status(task, actor=actor, now=now)
        publish(task, "claimed")
        integrations.notify(
            user=actor, kind="task_claim_confirmed", title=_("报名成功:%(title)s") % {"title": task.title},
            body=_("开始时间 %(at)s。请按时到场,扫码签到。") % {"at": _fmt(task.starts_at)},
            link=task_link(task.id), data={"taskId": task.id},
        )
    else:
        integrations.notify(
            user=actor, kind="task_waitlisted", title=_("已加入候补:%(title)s") % {"title": task.title},
            body=_("有名额空出时将自动为您补上,并通知您。"), link=task_link(task.id), data={"taskId": task.id},
        )
    return claim


def _fmt(at: datetime) -> str:
    return timezone.localtime(at).strftime("%Y-%m-%d %H:%M")


@transaction.atomic
def task_withdraw(*, actor: Any, task_id: int) -> TaskClaim:
    """The volunteer leaves the task (or its waiting list). Before the cut-off the slot goes to the first
    eligible volunteer on the waiting list, or back to everyone; after it, WITHDRAWAL_CLOSED."""
    now = timezone.now()
    task = task_get(actor=actor, task_id=task_id, for_update=True)
    claim = (TaskClaim.objects.select_for_update()
             .filter(task_id=task.id, volunteer_id=actor.pk, status__in=LIVE).first())
    if claim is None:
        raise VolunteeringError(E.NOT_CLAIMED)
    was = claim.status
    claim.status = TaskClaim.Status.WITHDRAWN
    claim.withdrawn_at = now
    if was == TaskClaim.Status.WAITLISTED:
        claim.save(update_fields=["status", "withdrawn_at"])
        return claim
    require_status(task, *CLAIMABLE)
    rules = rules_get()
    if now > task.starts_at - rules.withdrawal_cutoff:
        raise VolunteeringError(E.WITHDRAWAL_CLOSED, params={"hours": rules.withdrawal_cutoff_hours})
    claim.save(update_fields=["status", "withdrawn_at"])
    _free_slot(task, claim, now=now, actor=actor)
    publish(task, "withdrawn")
    return claim


def _free_slot(task: ServiceTask, claim: TaskClaim, *, now: datetime, actor: Any) -> None:
    """A claimed slot became free: back to its group's block if the block is still held, else to the waiting
    list, else to everyone."""
    if claim.from_group_block and claim.group_id and GroupReservation.objects.filter(
        id=claim.group_id, released_at__isnull=True
    ).update(slots_left=F("slots_left") + 1) == 1:
        return
    free_public_slots(task, 1, now=now, actor=actor)


def free_public_slots(task: ServiceTask, n: int, *, now: datetime, actor: Any = None) -> int:
    """Give `n` public slots to the waiting list first (in order of joining), the rest to everyone.
    Call while holding the task row. Returns how many volunteers were promoted."""
    promoted = 0
    if task.starts_at > now:
        for _i in range(n):
            if not _promote_one(task, now=now):
                break
            promoted += 1
    add_slots(task, n - promoted)
    sync_full_status(task, actor=actor, now=now)
    return promoted


def _promote_one(task: ServiceTask, *, now: datetime) -> bool:
    waiting = list(TaskClaim.objects.select_for_update().filter(
        task_id=task.id, status=TaskClaim.Status.WAITLISTED).order_by("created_at", "id")[:20])
    for claim in waiting:
        # SKIP LOCKED: a volunteer whose row is locked is claiming something else right now; try the next one.
        if not list(User.objects.select_for_update(skip_locked=True).filter(pk=claim.volunteer_id)
                    .values_list("pk", flat=True)):
            continue
        volunteer = User.objects.get(pk=claim.volunteer_id)
        try:
            _eligible(volunteer, volunteer_profile(volunteer), task, now=now)
        except VolunteeringError as exc:
            claim.status = TaskClaim.Status.WITHDRAWN
            claim.withdrawn_at = now
            claim.note = f"候补失效:{exc.code}"
            claim.save(update_fields=["status", "withdrawn_at", "note"])
            continue
        claim.status = TaskClaim.Status.CLAIMED
        claim.promoted_at = now
        claim.save(update_fields=["status", "promoted_at"])
        integrations.notify(
            user=volunteer, kind="task_promoted", title=_("候补成功:%(title)s") % {"title": task.title},
            body=_("有名额空出,您已从候补名单转为正式报名。开始时间 %(at)s。") % {"at": _fmt(task.starts_at)},
            link=task_link(task.id), data={"taskId": task.id},
        )
        return True
    return False


# --- group reservations ---------------------------------------------------------------------------------------


@transaction.atomic
def group_reservation_create(*, actor: Any, task_id: int, organisation_name: str, reserved_slots: int,
                             release_at: datetime) -> GroupReservation:
    """Reserve a block of the task's public slots for an organisation's members (schools, companies, party
    branches); they claim with the returned join code. Unused slots go back to everyone at `release_at`."""
    now = timezone.now()
    task = task_get(actor=actor, task_id=task_id, for_update=True)
    if not can_manage(actor, task):
        raise VolunteeringError(E.PERMISSION_DENIED)
    require_status(task, Status.DRAFT, Status.OPEN, Status.FULL)
    name = check_text(organisation_name, field="organisationName", max_length=100, required=True)
    if isinstance(reserved_slots, bool) or not isinstance(reserved_slots, int) or not 1 <= reserved_slots <= 200:
        raise VolunteeringError(E.OUT_OF_RANGE, field="reservedSlots")
    if not isinstance(release_at, datetime) or timezone.is_naive(release_at):
        raise VolunteeringError(E.INVALID, field="releaseAt")
    if release_at >= task.starts_at:
        raise VolunteeringError(E.RELEASE_AFTER_START, field="releaseAt")
    if release_at <= now:
        raise VolunteeringError(E.TIME_IN_PAST, field="releaseAt")
    if ServiceTask.objects.filter(id=task.id, slots_left__gte=reserved_slots).update(
        slots_left=F("slots_left") - reserved_slots
    ) != 1:
        raise VolunteeringError(E.SLOTS_TAKEN, field="reservedSlots")
    reservation = GroupReservation(
        task=task, organisation_name=name, reserved_slots=reserved_slots, slots_left=reserved_slots,
        join_code=secrets.token_hex(4).upper(), release_at=release_at, created_by=actor,
    )
    reservation.full_clean()
    reservation.save()
    sync_full_status(task, actor=actor, now=now)
    publish(task, "reserved")
    return reservation


@transaction.atomic
def group_reservation_release(*, reservation_id: int, now: datetime | None = None) -> int:
    """Give the group's unused reserved slots back to everyone (the waiting list first), once `release_at` has
    come. Idempotent: a released reservation releases nothing. Returns the number of slots released."""
    at = now_or(now)
    reservation = GroupReservation.objects.filter(id=reservation_id).first()
    if reservation is None:
        return 0
    task = task_get_unscoped(reservation.task_id, for_update=True)
    reservation = GroupReservation.objects.select_for_update().get(id=reservation_id)
    if reservation.released_at is not None or reservation.release_at > at:
        return 0
    n = reservation.slots_left
    reservation.slots_left = 0
    reservation.released_at = at
    reservation.save(update_fields=["slots_left", "released_at"])
    if task.status in CLAIMABLE and n:
        free_public_slots(task, n, now=at)
        publish(task, "released")
    elif n:
        add_slots(task, n)
    return n


def reservations_due(now: datetime | None = None) -> list[int]:
    at = now_or(now)
    return list(GroupReservation.objects.filter(released_at__isnull=True, release_at__lte=at)
                .order_by("release_at").values_list("id", flat=True)[:500])

