"""Mutations of volunteering: parse the arguments, call one service, return its result or typed errors."""

from __future__ import annotations

from typing import Any

import graphene

from huzhu.graphql.core import BaseMutation, decode_id
from huzhu.people.models import User
from huzhu.regions.schema import get_region

from .. import services
from ..errors import VolunteeringError, VolunteeringErrorCode
from .types import (
    AttendanceType,
    GroupReservationType,
    ServiceTaskType,
    ServiceTypeEnum,
    TaskClaimType,
    VolunteeringErrorType,
    VolunteeringRulesType,
    enum_value,
)

E = VolunteeringErrorCode


def _task_id(value: str, field: str = "taskId") -> int:
    return decode_id(value, "ServiceTask", field=field)


def _user_id(value: str, field: str = "volunteerId") -> int:
    return decode_id(value, "User", field=field)


def _user(value: str | None, field: str) -> Any:
    if not value:
        raise VolunteeringError(E.REQUIRED, field=field)
    user = User.objects.filter(id=_user_id(value, field), is_active=True).first()
    if user is None:
        raise VolunteeringError(E.NOT_FOUND, field=field)
    return user


def _need(value: str | None) -> Any:
    """The need a task serves, by its staff id (Need:…) or by the anonymised id the open-needs list gives a social
    worker (PublicNeed:…): both name the same row, and the service checks the actor may manage its region."""
    if not value:
        return None
    from graphql_relay import from_global_id

    from huzhu.households.models import Need

    try:
        kind = from_global_id(value)[0]
    except Exception:  # malformed: decode_id below says INVALID
        kind = "Need"
    type_name = "PublicNeed" if kind == "PublicNeed" else "Need"
    need = Need.objects.select_related("household", "household__region").filter(
        id=decode_id(value, type_name, field="needId")).first()
    if need is None:
        raise VolunteeringError(E.NOT_FOUND, field="needId")
    return need


def _redemption(value: str | None) -> Any:
    if not value:
        return None
    from huzhu.timebank.models import Redemption

    redemption = Redemption.objects.select_related("region").filter(
        id=decode_id(value, "Redemption", field="redemptionId")).first()
    if redemption is None:
        raise VolunteeringError(E.NOT_FOUND, field="redemptionId")
    return redemption


_Payload = BaseMutation


class ServiceTaskCreateInput(graphene.InputObjectType):
    class Meta:
        name = "ServiceTaskCreateInput"

    title = graphene.String(required=True)
    service_type = ServiceTypeEnum()
    region_id = graphene.ID(description="The community; taken from the need or redemption when given.")
    starts_at = graphene.DateTime(required=True)
    ends_at = graphene.DateTime(required=True)
    slots = graphene.Int(required=True)
    lead_id = graphene.ID(required=True, description="The leading social worker (a User id).")
    required_skills = graphene.List(graphene.NonNull(graphene.String))
    description = graphene.String()
    urgent = graphene.Boolean()
    place = graphene.String()
    organisation_name = graphene.String()
    need_id = graphene.ID()
    redemption_id = graphene.ID()
    open_now = graphene.Boolean()


class ServiceTaskCreate(_Payload):
    class Arguments:
        input = ServiceTaskCreateInput(required=True)

    task = graphene.Field(ServiceTaskType)
    errors = graphene.List(graphene.NonNull(VolunteeringErrorType), required=True)

    @classmethod
    def perform(cls, info: Any, *, input: Any) -> Any:
        need = _need(input.get("need_id"))
        redemption = _redemption(input.get("redemption_id"))
        region = get_region(input["region_id"], "regionId") if input.get("region_id") else None
        task = services.service_task_create(
            actor=info.context.user, title=input["title"], service_type=enum_value(input.get("service_type")) or "",
            region=region, starts_at=input["starts_at"], ends_at=input["ends_at"], slots=input["slots"],
            lead=_user(input.get("lead_id"), "leadId"), required_skills=input.get("required_skills"),
            description=input.get("description") or "", urgent=bool(input.get("urgent")),
            place=input.get("place") or "", organisation_name=input.get("organisation_name") or "",
            need=need, redemption=redemption, open_now=bool(input.get("open_now")),
        )
        return cls(task=task, errors=[])


class ServiceTaskOpen(_Payload):
    class Arguments:
        task_id = graphene.ID(required=True)

    task = graphene.Field(ServiceTaskType)
    errors = graphene.List(graphene.NonNull(VolunteeringErrorType), required=True)

    @classmethod
    def perform(cls, info: Any, *, task_id: str) -> Any:
        return cls(task=services.service_task_open(actor=info.context.user, task_id=_task_id(task_id)), errors=[])


class ServiceTaskCancel(_Payload):
    class Arguments:
        task_id = graphene.ID(required=True)
        reason = graphene.String()

    task = graphene.Field(ServiceTaskType)
    errors = graphene.List(graphene.NonNull(VolunteeringErrorType), required=True)

    @classmethod
    def perform(cls, info: Any, *, task_id: str, reason: str = "") -> Any:
        task = services.service_task_cancel(actor=info.context.user, task_id=_task_id(task_id), reason=reason or "")
        return cls(task=task, errors=[])


class TaskClaimMutation(_Payload):
    class Arguments:
        task_id = graphene.ID(required=True)
        idempotency_key = graphene.String(required=True)
        group_code = graphene.String(description="A group's join code: claim one of its reserved slots.")
        waitlist = graphene.Boolean(description="Join the waiting list if the task is full (else TASK_FULL).")

    claim = graphene.Field(TaskClaimType)
    task = graphene.Field(ServiceTaskType)
    errors = graphene.List(graphene.NonNull(VolunteeringErrorType), required=True)

    class Meta:
        name = "TaskClaimPayload"

    @classmethod
    def perform(cls, info: Any, *, task_id: str, idempotency_key: str, group_code: str = "",
                waitlist: bool = False) -> Any:
        claim = services.task_claim(actor=info.context.user, task_id=_task_id(task_id),
                                    idempotency_key=idempotency_key, group_code=group_code or "",
                                    waitlist=bool(waitlist))
        return cls(claim=claim, task=services.task_get(actor=info.context.user, task_id=claim.task_id), errors=[])


class TaskWithdraw(_Payload):
    class Arguments:
        task_id = graphene.ID(required=True)

    claim = graphene.Field(TaskClaimType)
    task = graphene.Field(ServiceTaskType)
    errors = graphene.List(graphene.NonNull(VolunteeringErrorType), required=True)

    @classmethod
    def perform(cls, info: Any, *, task_id: str) -> Any:
        claim = services.task_withdraw(actor=info.context.user, task_id=_task_id(task_id))
        return cls(claim=claim, task=services.task_get(actor=info.context.user, task_id=claim.task_id), errors=[])


class _Scan(_Payload):
    class Meta:
        abstract = True

    class Arguments:
        token = graphene.String(required=True)
        task_id = graphene.ID(description="The task the volunteer means (a code of another task is refused).")

    attendance = graphene.Field(AttendanceType)
    errors = graphene.List(graphene.NonNull(VolunteeringErrorType), required=True)


class TaskCheckIn(_Scan):
    @classmethod
    def perform(cls, info: Any, *, token: str, task_id: str | None = None) -> Any:
        attendance = services.task_check_in(actor=info.context.user, token=token,
                                            task_id=_task_id(task_id) if task_id else None)
        return cls(attendance=attendance, errors=[])


class TaskCheckOut(_Scan):
    @classmethod
    def perform(cls, info: Any, *, token: str, task_id: str | None = None) -> Any:
        attendance = services.task_check_out(actor=info.context.user, token=token,
                                             task_id=_task_id(task_id) if task_id else None)
        return cls(attendance=attendance, errors=[])


class _Manual(_Payload):
    class Meta:
        abstract = True

    class Arguments:
        task_id = graphene.ID(required=True)
        volunteer_id = graphene.ID(required=True)
        at = graphene.DateTime(description="When it happened (default now; not in the future).")

    attendance = graphene.Field(AttendanceType)
    errors = graphene.List(graphene.NonNull(VolunteeringErrorType), required=True)


class TaskManualCheckIn(_Manual):
    @classmethod
    def perform(cls, info: Any, *, task_id: str, volunteer_id: str, at: Any = None) -> Any:
        attendance = services.task_manual_check_in(actor=info.context.user, task_id=_task_id(task_id),
                                                   volunteer_id=_user_id(volunteer_id), at=at)
        return cls(attendance=attendance, errors=[])


class TaskManualCheckOut(_Manual):
    @classmethod
    def perform(cls, info: Any, *, task_id: str, volunteer_id: str, at: Any = None) -> Any:
        attendance = services.task_manual_check_out(actor=info.context.user, task_id=_task_id(task_id),
                                                    volunteer_id=_user_id(volunteer_id), at=at)
        return cls(attendance=attendance, errors=[])


class AttendanceAdjust(_Payload):
    class Arguments:
        task_id = graphene.ID(required=True)
        volunteer_id = graphene.ID(required=True)
        minutes = graphene.Int(required=True)
        reason = graphene.String(required=True)

    attendance = graphene.Field(AttendanceType)
    errors = graphene.List(graphene.NonNull(VolunteeringErrorType), required=True)

    @classmethod
    def perform(cls, info: Any, *, task_id: str, volunteer_id: str, minutes: int, reason: str) -> Any:
        attendance = services.attendance_adjust(actor=info.context.user, task_id=_task_id(task_id),
                                                volunteer_id=_user_id(volunteer_id), minutes=minutes, reason=reason)
        return cls(attendance=attendance, errors=[])


class HoursConfirm(_Payload):
    class Arguments:
        task_id = graphene.ID(required=True)
        volunteer_ids = graphene.List(graphene.NonNull(graphene.ID), description="Default: all checked out.")
        visit_notes = graphene.String(description="The visit record for the household (when the task completes).")

    attendances = graphene.List(graphene.NonNull(AttendanceType))
    task = graphene.Field(ServiceTaskType)
    errors = graphene.List(graphene.NonNull(VolunteeringErrorType), required=True)

    @classmethod
    def perform(cls, info: Any, *, task_id: str, volunteer_ids: list[str] | None = None,
                visit_notes: str = "") -> Any:
        ids = [_user_id(v, "volunteerIds") for v in volunteer_ids] if volunteer_ids is not None else None
        confirmed = services.hours_confirm(actor=info.context.user, task_id=_task_id(task_id), volunteer_ids=ids,
                                           visit_notes=visit_notes or "")
        return cls(attendances=confirmed, task=services.task_get(actor=info.context.user,
                                                                 task_id=_task_id(task_id)), errors=[])


class HoursCorrect(_Payload):
    class Arguments:
        task_id = graphene.ID(required=True)
        volunteer_id = graphene.ID(required=True)
        minutes = graphene.Int(required=True)
        reason = graphene.String(required=True)

    attendance = graphene.Field(AttendanceType)
    errors = graphene.List(graphene.NonNull(VolunteeringErrorType), required=True)

    @classmethod
    def perform(cls, info: Any, *, task_id: str, volunteer_id: str, minutes: int, reason: str) -> Any:
        attendance = services.hours_correct(actor=info.context.user, task_id=_task_id(task_id),
                                            volunteer_id=_user_id(volunteer_id), minutes=minutes, reason=reason)
        return cls(attendance=attendance, errors=[])


class GroupReservationCreate(_Payload):
    class Arguments:
        task_id = graphene.ID(required=True)
        organisation_name = graphene.String(required=True)
        reserved_slots = graphene.Int(required=True)
        release_at = graphene.DateTime(required=True, description="Unused slots reopen to everyone then.")

    reservation = graphene.Field(GroupReservationType)
    errors = graphene.List(graphene.NonNull(VolunteeringErrorType), required=True)

    @classmethod
    def perform(cls, info: Any, *, task_id: str, organisation_name: str, reserved_slots: int, release_at: Any) -> Any:
        reservation = services.group_reservation_create(
            actor=info.context.user, task_id=_task_id(task_id), organisation_name=organisation_name,
            reserved_slots=reserved_slots, release_at=release_at)
        return cls(reservation=reservation, errors=[])


class VolunteeringRulesInput(graphene.InputObjectType):
    class Meta:
        name = "VolunteeringRulesInput"

    withdrawal_cutoff_hours = graphene.Int()
    max_hours_per_week = graphene.Int()
    no_show_limit = graphene.Int()
    suspension_days = graphene.Int()
    checkout_tolerance_minutes = graphene.Int()
    checkin_opens_minutes = graphene.Int()
    visit_reminder_days = graphene.Int()
    urgent_notify_limit = graphene.Int()


class VolunteeringRulesUpdate(_Payload):
    class Arguments:
        input = VolunteeringRulesInput(required=True)

    rules = graphene.Field(VolunteeringRulesType)
    errors = graphene.List(graphene.NonNull(VolunteeringErrorType), required=True)

    @classmethod
    def perform(cls, info: Any, *, input: Any) -> Any:
        rules = services.volunteering_rules_update(actor=info.context.user, **dict(input))
        return cls(rules=rules, errors=[])


class Mutation(graphene.ObjectType):
    service_task_create = ServiceTaskCreate.Field()
    service_task_open = ServiceTaskOpen.Field()
    service_task_cancel = ServiceTaskCancel.Field()
    task_claim = TaskClaimMutation.Field()
    task_withdraw = TaskWithdraw.Field()
    task_check_in = TaskCheckIn.Field()
    task_check_out = TaskCheckOut.Field()
    task_manual_check_in = TaskManualCheckIn.Field()
    task_manual_check_out = TaskManualCheckOut.Field()
    attendance_adjust = AttendanceAdjust.Field()
    hours_confirm = HoursConfirm.Field()
    hours_correct = HoursCorrect.Field()
    group_reservation_create = GroupReservationCreate.Field()
    volunteering_rules_update = VolunteeringRulesUpdate.Field()
