"""Helpers every volunteering service uses: the rules row, the scoped task fetch, status changes, events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db.models import F
from django.utils import timezone

from .. import integrations
from ..access import task_scope_q
from ..errors import VolunteeringError, VolunteeringErrorCode
from ..models import ServiceTask, TaskStatusChange, VolunteeringRules

Status = ServiceTask.Status


def rules_get() -> VolunteeringRules:
    """The administrator's rules (created with the defaults on first use)."""
    rules, _created = VolunteeringRules.objects.get_or_create(id=1)
    return rules


def now_or(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def task_get(*, actor: Any, task_id: int, for_update: bool = False) -> ServiceTask:
    """The task if the actor may see it; another street's task answers exactly like a missing one."""
    if not isinstance(task_id, int) or isinstance(task_id, bool):
        raise VolunteeringError(VolunteeringErrorCode.INVALID, field="taskId")
    qs = ServiceTask.objects.filter(task_scope_q(actor), id=task_id)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    task = qs.select_related("region", "region__parent").first()
    if task is None:
        raise VolunteeringError(VolunteeringErrorCode.NOT_FOUND, field="taskId")
    return task


def task_get_unscoped(task_id: int, *, for_update: bool = False) -> ServiceTask:
    """For the system's jobs, which act for nobody in particular."""
    qs = ServiceTask.objects.filter(id=task_id)
    if for_update:
        qs = qs.select_for_update(of=("self",))
    task = qs.select_related("region", "region__parent").first()
    if task is None:
        raise VolunteeringError(VolunteeringErrorCode.NOT_FOUND, field="taskId")
    return task


def transition(task: ServiceTask, to: str, *, allowed_from: tuple[str, ...], actor: Any = None, note: str = "",
               now: datetime | None = None) -> bool:
    """Move the task to `to` if it is in one of `allowed_from`, with one conditional UPDATE, and record the
    change. Returns False (and records nothing) when another transaction moved it first."""
    at = now_or(now)
    changed = ServiceTask.objects.filter(id=task.id, status__in=allowed_from).update(status=to, updated_at=at)
    if changed != 1:
        return False
    TaskStatusChange.objects.create(task_id=task.id, from_status=task.status, to_status=to,
                                    actor=actor if actor is not None and actor.pk else None, note=note[:200], at=at)
    task.status = str(to)
    return True


def require_status(task: ServiceTask, *allowed: str) -> None:
    if task.status not in allowed:
        raise VolunteeringError(VolunteeringErrorCode.BAD_TRANSITION,
                                params={"status": Status(task.status).label})


def sync_full_status(task: ServiceTask, *, actor: Any = None, now: datetime | None = None) -> None:
    """open ↔ full from the current public slots (call while holding the task row, after changing slots)."""
    row = ServiceTask.objects.filter(id=task.id).values("status", "slots_left").get()
    task.slots_left = row["slots_left"]
    task.status = row["status"]
    if task.status == Status.OPEN and task.slots_left == 0:
        transition(task, Status.FULL, allowed_from=(Status.OPEN,), actor=actor, now=now)
    elif task.status == Status.FULL and task.slots_left > 0:
        transition(task, Status.OPEN, allowed_from=(Status.FULL,), actor=actor, now=now)


def publish(task: ServiceTask, kind: str = "changed") -> None:
    """task_changed after commit, with the committed status and slots (read now, inside the transaction)."""
    row = ServiceTask.objects.filter(id=task.id).values("status", "slots_left").get()
    integrations.task_changed(task_id=task.id, region_path=task.region.path, status=row["status"],
                              slots_left=row["slots_left"], kind=kind)


def add_slots(task: ServiceTask, n: int) -> None:
    if n:
        ServiceTask.objects.filter(id=task.id).update(slots_left=F("slots_left") + n)


def street_of(task: ServiceTask) -> Any:
    """The street (街道) of the task's community: the time bank credits hours per street."""
    region: Any = task.region
    while region is not None and region.level not in ("street", "district"):
        region = region.parent
    return region


def task_link(task_id: int) -> str:
    return f"/tasks/{task_id}"
