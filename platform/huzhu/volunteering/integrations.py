"""The other apps' services that volunteering calls, in one place (DESIGN: apps talk through services).

Each call imports its service when it runs, so volunteering loads even where an app is not installed, and
each one runs inside the caller's transaction: a credit, a visit record or a notification written here rolls
back with the confirmation that caused it.
"""

from __future__ import annotations

import importlib
import logging
from datetime import date, datetime
from typing import Any

from huzhu.core.errors import ServiceError

from .errors import VolunteeringError, VolunteeringErrorCode

log = logging.getLogger(__name__)


def _service(module: str, name: str) -> Any | None:
    try:
        return getattr(importlib.import_module(module), name)
    except ModuleNotFoundError as exc:
        if exc.name and module.startswith(exc.name):
            return None
        raise
    except AttributeError:
        return None


def _call(fn: Any, fallback: VolunteeringErrorCode, **kwargs: Any) -> Any:
    """Call another app's service; its ServiceError comes back as a VolunteeringError (same code when
    volunteering knows it, else `fallback` with the other app's message), so every payload speaks one enum."""
    try:
        return fn(**kwargs)
    except VolunteeringError:
        raise
    except ServiceError as exc:
        if exc.code in VolunteeringErrorCode.values:
            raise VolunteeringError(VolunteeringErrorCode(exc.code), exc.message, field=exc.field)
        raise VolunteeringError(fallback, exc.message, field=exc.field)


# --- time bank ----------------------------------------------------------------------------------------------


def earn_service_minutes(*, volunteer: Any, minutes: int, idempotency_key: str, confirmed_by: Any, street: Any,
                         organisation_name: str, service_date: date, memo: str = "") -> Any:
    earn = _service("huzhu.timebank.services", "earn_service_minutes")
    if earn is None:
        raise VolunteeringError(VolunteeringErrorCode.TIMEBANK_UNAVAILABLE)
    return _call(earn, VolunteeringErrorCode.TIMEBANK_REFUSED, volunteer=volunteer, minutes=minutes,
                 idempotency_key=idempotency_key, confirmed_by=confirmed_by, street=street,
                 organisation_name=organisation_name, service_date=service_date, memo=memo)


def reverse_earning(*, idempotency_key: str, actor: Any, reason: str) -> Any:
    reverse = _service("huzhu.timebank.services", "reverse_earning")
    if reverse is None:
        raise VolunteeringError(VolunteeringErrorCode.TIMEBANK_UNAVAILABLE)
    return _call(reverse, VolunteeringErrorCode.TIMEBANK_REFUSED, idempotency_key=idempotency_key, actor=actor,
                 reason=reason)


def redemption_settle(*, redemption_id: int, delivered: bool, actor: Any) -> Any:
    settle = _service("huzhu.timebank.services", "redemption_settle")
    if settle is None:
        raise VolunteeringError(VolunteeringErrorCode.TIMEBANK_UNAVAILABLE)
    return _call(settle, VolunteeringErrorCode.TIMEBANK_REFUSED, redemption_id=redemption_id, delivered=delivered,
                 actor=actor)


def redemption_schedule(*, redemption_id: int, task_id: int, actor: Any) -> Any:
    """Tell the time bank which task delivers the redemption (optional: skipped if it has no such service)."""
    schedule = _service("huzhu.timebank.services", "redemption_schedule")
    if schedule is None:
        return None
    return _call(schedule, VolunteeringErrorCode.TIMEBANK_REFUSED, redemption_id=redemption_id, task_id=task_id,
                 actor=actor)


# --- households ---------------------------------------------------------------------------------------------


def personal_data_read(*, actor: Any, household: Any, fields: list[str], purpose: str) -> dict:
    """The audited read of a household's personal data; `allow=True` because volunteering has already checked
    that the actor is on the task's team (households cannot know that)."""
    read = _service("huzhu.households.services", "personal_data_read")
    if read is None:
        raise VolunteeringError(VolunteeringErrorCode.NO_ADDRESS)
    return _call(read, VolunteeringErrorCode.HOUSEHOLDS_REFUSED, actor=actor, household=household, fields=fields,
                 purpose=purpose, allow=True)


def record_visit(*, actor: Any, household: Any, visited_at: datetime, notes: str, task_id: int) -> Any:
    """Write the household's visit record through households' own service."""
    visit = _service("huzhu.households.services", "visit_record")
    if visit is None:
        log.warning("households.services.visit_record is missing: no visit recorded for task %s", task_id)
        return None
    return _call(visit, VolunteeringErrorCode.HOUSEHOLDS_REFUSED, actor=actor, household=household,
                 visited_at=visited_at, notes=notes)


def need_set_status(*, actor: Any, need: Any, status: str, note: str = "") -> Any:
    """Move the household's need along (matched when a task is created for it, fulfilled when the task completes,
    open again when it is cancelled); households checks the transition, volunteering has checked the actor."""
    set_status = _service("huzhu.households.services", "need_set_status")
    if set_status is None:
        return None
    return _call(set_status, VolunteeringErrorCode.HOUSEHOLDS_REFUSED, actor=actor, need=need, status=status,
                 note=note, allow=True)


# --- realtime -----------------------------------------------------------------------------------------------


def task_changed(*, task_id: int, region_path: str, status: str, slots_left: int, kind: str = "changed") -> None:
    publish = _service("huzhu.realtime.events", "task_changed")
    if publish is not None:
        publish(task_id=task_id, region_path=region_path, status=status, slots_left=slots_left, kind=kind)


def notify(*, user: Any, kind: str, title: str, body: str = "", link: str = "", data: dict | None = None) -> None:
    """A notification in the user's inbox, written in the caller's transaction (realtime pushes it on commit)."""
    send = _service("huzhu.realtime.services", "notify")
    if send is None:
        log.info("notify(%s, %s): realtime.services.notify is not installed", getattr(user, "pk", None), kind)
        return
    send(user=user, kind=kind, title=str(title), body=str(body), link=link, data=data)
