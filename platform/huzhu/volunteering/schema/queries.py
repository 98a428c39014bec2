"""Queries of volunteering: browse tasks near me, one task, my tasks and service history, the address for the
team (audited), the lead's QR code, the dashboard and the rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene
from django.utils import timezone
from graphene_django.fields import DjangoConnectionField

from huzhu.core.errors import ServiceError
from huzhu.graphql.core import decode_id, require_login
from huzhu.regions.schema import get_region

from .. import selectors, services
from ..errors import VolunteeringError, VolunteeringErrorCode
from .types import (
    AttendanceType,
    CheckinQrType,
    ServiceTaskType,
    ServiceTypeEnum,
    TaskStatusEnum,
    VolunteeringDashboardType,
    VolunteeringErrorType,
    VolunteeringRulesType,
    enum_value,
    errors_of,
    query_error,
    task_page_queryset,
)

MAX_TEXT = 40


class ServiceTaskFilterInput(graphene.InputObjectType):
    class Meta:
        name = "ServiceTaskFilter"

    date_from = graphene.Date()
    date_to = graphene.Date()
    skill = graphene.String(description="Tasks that require this skill.")
    service_type = ServiceTypeEnum()
    urgent = graphene.Boolean()
    status = graphene.List(graphene.NonNull(TaskStatusEnum), description="Default: open and full.")
    region_id = graphene.ID(description="Only this region's subtree.")
    qualified_only = graphene.Boolean(description="Only tasks whose required skills I have.")
    include_past = graphene.Boolean(description="Include tasks that have started (default false).")


class TaskAddressPayload(graphene.ObjectType):
    class Meta:
        name = "TaskAddressPayload"

    address = graphene.String()
    errors = graphene.List(graphene.NonNull(VolunteeringErrorType), required=True)


class TaskCheckinQrPayload(graphene.ObjectType):
    class Meta:
        name = "TaskCheckinQrPayload"

    qr = graphene.Field(CheckinQrType)
    errors = graphene.List(graphene.NonNull(VolunteeringErrorType), required=True)


def _filters(raw: Any) -> selectors.TaskFilters:
    if not raw:
        return selectors.TaskFilters()
    skill = raw.get("skill")
    if skill is not None and len(skill) > MAX_TEXT:
        raise VolunteeringError(VolunteeringErrorCode.TOO_LONG, field="skill")
    return selectors.TaskFilters(
        date_from=raw.get("date_from"), date_to=raw.get("date_to"), skill=skill or None,
        service_type=enum_value(raw.get("service_type")), urgent=raw.get("urgent"),
        statuses=[enum_value(s) for s in raw["status"]] if raw.get("status") else None,
        region=get_region(raw["region_id"], "regionId") if raw.get("region_id") else None,
        qualified_only=bool(raw.get("qualified_only")), include_past=bool(raw.get("include_past")),
    )


def _task_id(value: str, field: str = "taskId") -> int:
    return decode_id(value, "ServiceTask", field=field)


class Query(graphene.ObjectType):
    service_tasks = DjangoConnectionField(
        ServiceTaskType, required=True, filters=ServiceTaskFilterInput(),
        description="Tasks near me: urgent (救急难) first, then my community, my street, the rest; then by start.",
    )
    service_task = graphene.Field(ServiceTaskType, id=graphene.ID(required=True))
    my_tasks = graphene.List(graphene.NonNull(ServiceTaskType), required=True, past=graphene.Boolean(),
                             description="Tasks I am on (claimed or waiting) or lead; upcoming, or past.")
    my_service_history = DjangoConnectionField(AttendanceType, required=True,
                                               description="My confirmed service, newest first.")
    task_address = graphene.Field(TaskAddressPayload, required=True, task_id=graphene.ID(required=True),
                                  description="The household's address, for the task's team only; every read "
                                              "is written to the personal-data audit log.")
    task_checkin_qr = graphene.Field(TaskCheckinQrPayload, required=True, task_id=graphene.ID(required=True),
                                     description="The check-in QR code for the lead's screen; fetch a new one "
                                                 "every refreshInSeconds.")
    volunteering_dashboard = graphene.Field(VolunteeringDashboardType, required=True,
                                            region_id=graphene.ID(required=True), month=graphene.Date())
    volunteering_rules = graphene.Field(VolunteeringRulesType, required=True)

    def resolve_service_tasks(root: Any, info: Any, filters: Any = None, **_args: Any) -> Any:
        user = require_login(info)
        try:
            return task_page_queryset(selectors.task_list(actor=user, filters=_filters(filters)))
        except ServiceError as exc:
            raise query_error(exc)

    def resolve_service_task(root: Any, info: Any, id: str) -> Any:
        user = require_login(info)
        try:
            task_id = _task_id(id, "id")
        except ServiceError:
            return None
        return task_page_queryset(selectors.with_viewer(
            selectors.tasks_visible(actor=user).filter(id=task_id), user)).first()

    def resolve_my_tasks(root: Any, info: Any, past: bool = False) -> Any:
        user = require_login(info)
        return task_page_queryset(selectors.my_tasks(actor=user, past=bool(past)))[:200]

    def resolve_my_service_history(root: Any, info: Any, **_args: Any) -> Any:
        user = require_login(info)
        return selectors.my_service_history(actor=user)

    def resolve_task_address(root: Any, info: Any, task_id: str) -> Any:
        user = require_login(info)
        try:
            address = services.task_address(actor=user, task_id=_task_id(task_id))
        except ServiceError as exc:
            return TaskAddressPayload(address=None, errors=errors_of(exc))
        return TaskAddressPayload(address=address, errors=[])

    def resolve_task_checkin_qr(root: Any, info: Any, task_id: str) -> Any:
        user = require_login(info)
        try:
            qr = services.task_checkin_qr(actor=user, task_id=_task_id(task_id))
        except ServiceError as exc:
            return TaskCheckinQrPayload(qr=None, errors=errors_of(exc))
        return TaskCheckinQrPayload(qr=qr, errors=[])

    def resolve_volunteering_dashboard(root: Any, info: Any, region_id: str, month: date | None = None) -> Any:
        user = require_login(info)
        try:
            region = get_region(region_id, "regionId")
            board = selectors.volunteering_dashboard(actor=user, region=region,
                                                     month=month or timezone.localdate())
        except ServiceError as exc:
            raise query_error(exc)
        return board

    def resolve_volunteering_rules(root: Any, info: Any) -> Any:
        require_login(info)
        return services.rules_get()
