"""GraphQL types of volunteering. Field resolvers only read what the list resolver loaded (select_related,
prefetch_related, annotations) and check visibility with the cached role grants: no query per row."""

from __future__ import annotations

from typing import Any

import graphene
from django.db.models import Prefetch
from graphene_django import DjangoObjectType
from graphql import GraphQLError

from huzhu.core.errors import ServiceError
from huzhu.graphql.core import CountableConnection, enum_from_choices, error_type, gid
from huzhu.regions.schema import RegionType

from ..access import can_manage
from ..errors import VolunteeringErrorCode
from ..models import (
    Attendance,
    GroupReservation,
    ServiceTask,
    ServiceType,
    TaskClaim,
    TaskStatusChange,
    VolunteeringRules,
)

VolunteeringErrorCodeEnum = enum_from_choices("VolunteeringErrorCode", VolunteeringErrorCode)
VolunteeringErrorType = error_type("VolunteeringError", VolunteeringErrorCodeEnum)
ServiceTypeEnum = enum_from_choices("VolunteeringServiceType", ServiceType)
TaskStatusEnum = enum_from_choices("ServiceTaskStatus", ServiceTask.Status)
TaskSourceEnum = enum_from_choices("ServiceTaskSource", ServiceTask.Source)
ClaimStatusEnum = enum_from_choices("TaskClaimStatus", TaskClaim.Status)
AttendanceMethodEnum = enum_from_choices("AttendanceMethod", Attendance.Method)
ProximityEnum = graphene.Enum("TaskProximity", [("COMMUNITY", 0), ("STREET", 1), ("FARTHER", 2)])


def enum_value(value: Any) -> Any:
    return getattr(value, "value", value)


def plain(value: Any) -> Any:
    """A TextChoices member as its plain value (graphene enums compare by value type)."""
    return None if value in (None, "") else str(value)


def query_error(exc: ServiceError) -> GraphQLError:
    return GraphQLError(exc.message, extensions={"code": exc.code, "field": exc.field})


def errors_of(exc: ServiceError) -> list[dict[str, Any]]:
    return [{"field": exc.field, "code": exc.code, "message": exc.message}]


def task_page_queryset(qs: Any) -> Any:
    """What a page of tasks loads for its field resolvers: a fixed number of queries whatever its size."""
    claims = TaskClaim.objects.select_related("volunteer", "attendance", "group").order_by("created_at", "id")
    return qs.select_related("region", "region__parent", "lead", "household").prefetch_related(
        Prefetch("claims", queryset=claims, to_attr="prefetched_claims"),
        Prefetch("reservations", queryset=GroupReservation.objects.order_by("id"), to_attr="prefetched_reservations"),
        Prefetch("status_changes", queryset=TaskStatusChange.objects.select_related("actor").order_by("at", "id"),
                 to_attr="prefetched_history"),
    )


class PersonBriefType(graphene.ObjectType):
    """A team member as the team sees them: a display name, no contact data."""

    class Meta:
        name = "VolunteeringPerson"

    id = graphene.ID(required=True)
    display_name = graphene.String(required=True)

    def resolve_id(root: Any, _info: Any) -> str:
        return gid("User", root.pk)

    def resolve_display_name(root: Any, _info: Any) -> str:
        return root.display_name or root.email.split("@")[0]


class HouseholdSummaryType(graphene.ObjectType):
    """The household served, anonymised: category and tags only (the community is the task's region)."""

    class Meta:
        name = "ServiceTaskHousehold"

    category = graphene.String(required=True)
    tags = graphene.List(graphene.NonNull(graphene.String), required=True)


class AttendanceType(DjangoObjectType):
    check_in_method = graphene.Field(AttendanceMethodEnum, required=True)
    check_out_method = graphene.Field(AttendanceMethodEnum)
    task = graphene.Field(lambda: ServiceTaskType, required=True)
    service_date = graphene.Date(required=True)

    class Meta:
        model = Attendance
        name = "TaskAttendance"
        fields = ("checked_in_at", "checked_out_at", "flagged", "minutes", "confirmed_at", "credited_minutes",
                  "corrections")
        interfaces = (graphene.relay.Node,)
        connection_class = CountableConnection

    def resolve_check_in_method(root: Attendance, _info: Any) -> str | None:
        return plain(root.check_in_method)

    def resolve_check_out_method(root: Attendance, _info: Any) -> str | None:
        return plain(root.check_out_method)

    def resolve_service_date(root: Attendance, _info: Any) -> Any:
        return root.service_date


class TaskClaimType(DjangoObjectType):
    status = graphene.Field(ClaimStatusEnum, required=True)
    volunteer = graphene.Field(PersonBriefType, required=True)
    group_name = graphene.String()
    attendance = graphene.Field(AttendanceType)

    class Meta:
        model = TaskClaim
        name = "TaskClaim"
        fields = ("id", "created_at", "promoted_at", "withdrawn_at", "no_show", "from_group_block")
        interfaces = (graphene.relay.Node,)

    def resolve_status(root: TaskClaim, _info: Any) -> str | None:
        return plain(root.status)

    def resolve_group_name(root: TaskClaim, _info: Any) -> str | None:
        return root.group.organisation_name if root.group is not None else None

    def resolve_attendance(root: TaskClaim, _info: Any) -> Any:
        return getattr(root, "attendance", None)


class GroupReservationType(DjangoObjectType):
    class Meta:
        model = GroupReservation
        name = "GroupReservation"
        fields = ("id", "organisation_name", "reserved_slots", "slots_left", "join_code", "release_at",
                  "released_at")
        interfaces = (graphene.relay.Node,)


class TaskStatusChangeType(graphene.ObjectType):
    class Meta:
        name = "TaskStatusChange"

    from_status = graphene.Field(TaskStatusEnum)
    to_status = graphene.Field(TaskStatusEnum, required=True)
    at = graphene.DateTime(required=True)
    actor = graphene.Field(PersonBriefType, description="Null when the system made the change.")
    note = graphene.String(required=True)

    def resolve_from_status(root: TaskStatusChange, _info: Any) -> str | None:
        return plain(root.from_status)

    def resolve_to_status(root: TaskStatusChange, _info: Any) -> str | None:
        return plain(root.to_status)


class ServiceTaskType(DjangoObjectType):
    service_type = graphene.Field(ServiceTypeEnum, required=True)
    status = graphene.Field(TaskStatusEnum, required=True)
    source = graphene.Field(TaskSourceEnum, required=True)
    region = graphene.Field(RegionType, required=True)
    street = graphene.Field(RegionType)
    required_skills = graphene.List(graphene.NonNull(graphene.String), required=True)
    planned_minutes = graphene.Int(required=True)
    lead = graphene.Field(PersonBriefType, required=True)
    household = graphene.Field(HouseholdSummaryType)
    proximity = graphene.Field(ProximityEnum)
    my_claim_status = graphene.Field(ClaimStatusEnum, description="The viewer's claim on this task, if any.")
    can_manage = graphene.Boolean(required=True)
    is_lead = graphene.Boolean(required=True)
    claimed_count = graphene.Int(required=True)
    waitlist_count = graphene.Int(required=True)
    claims = graphene.List(graphene.NonNull(TaskClaimType), required=True,
                           description="The team and the waiting list: managers of the task only (else empty).")
    reservations = graphene.List(graphene.NonNull(GroupReservationType), required=True,
                                 description="Group reservations: managers of the task only (else empty).")
    status_history = graphene.List(graphene.NonNull(TaskStatusChangeType), required=True)

    class Meta:
        model = ServiceTask
        name = "ServiceTask"
        fields = ("id", "title", "description", "place", "starts_at", "ends_at", "slots", "slots_left", "urgent",
                  "organisation_name", "created_at")
        interfaces = (graphene.relay.Node,)
        connection_class = CountableConnection

    @staticmethod
    def _claims(root: ServiceTask) -> list[TaskClaim]:
        claims = getattr(root, "prefetched_claims", None)
        if claims is None:
            claims = list(root.claims.select_related("volunteer", "attendance", "group").order_by("created_at", "id"))
            root.prefetched_claims = claims  # type: ignore[attr-defined]
        return claims

    def resolve_status(root: ServiceTask, _info: Any) -> str | None:
        return plain(root.status)

    def resolve_source(root: ServiceTask, _info: Any) -> str | None:
        return plain(root.source)

    def resolve_service_type(root: ServiceTask, _info: Any) -> str | None:
        return plain(root.service_type)

    def resolve_street(root: ServiceTask, _info: Any) -> Any:
        return root.region.parent

    def resolve_planned_minutes(root: ServiceTask, _info: Any) -> int:
        return root.planned_minutes

    def resolve_household(root: ServiceTask, _info: Any) -> Any:
        household = root.household
        if household is None:
            return None
        return HouseholdSummaryType(category=household.category, tags=list(household.tags))

    def resolve_proximity(root: ServiceTask, _info: Any) -> Any:
        return getattr(root, "proximity", None)

    def resolve_my_claim_status(root: ServiceTask, info: Any) -> Any:
        if hasattr(root, "viewer_claim_status"):
            return root.viewer_claim_status
        for claim in ServiceTaskType._claims(root):
            if claim.volunteer_id == info.context.user.pk and claim.status != TaskClaim.Status.WITHDRAWN:
                return plain(claim.status)
        return None

    def resolve_can_manage(root: ServiceTask, info: Any) -> bool:
        return can_manage(info.context.user, root)

    def resolve_is_lead(root: ServiceTask, info: Any) -> bool:
        return root.lead_id == info.context.user.pk

    def resolve_claimed_count(root: ServiceTask, _info: Any) -> int:
        return sum(1 for c in ServiceTaskType._claims(root) if c.status == TaskClaim.Status.CLAIMED)

    def resolve_waitlist_count(root: ServiceTask, _info: Any) -> int:
        return sum(1 for c in ServiceTaskType._claims(root) if c.status == TaskClaim.Status.WAITLISTED)

    def resolve_claims(root: ServiceTask, info: Any) -> list[TaskClaim]:
        if not can_manage(info.context.user, root):
            return []
        return ServiceTaskType._claims(root)

    def resolve_reservations(root: ServiceTask, info: Any) -> Any:
        if not can_manage(info.context.user, root):
            return []
        got = getattr(root, "prefetched_reservations", None)
        return got if got is not None else list(root.reservations.order_by("id"))

    def resolve_status_history(root: ServiceTask, _info: Any) -> Any:
        got = getattr(root, "prefetched_history", None)
        return got if got is not None else list(root.status_changes.select_related("actor").order_by("at", "id"))


class CheckinQrType(graphene.ObjectType):
    class Meta:
        name = "TaskCheckinQr"

    token = graphene.String(required=True)
    url = graphene.String(required=True, description="What the QR code encodes: the scan page with the token.")
    svg_data_uri = graphene.String(required=True, description="data:image/svg+xml,... for an <img src>.")
    expires_at = graphene.DateTime(required=True)
    refresh_in_seconds = graphene.Int(required=True)


class VolunteeringRulesType(DjangoObjectType):
    class Meta:
        model = VolunteeringRules
        name = "VolunteeringRules"
        fields = ("withdrawal_cutoff_hours", "max_hours_per_week", "no_show_limit", "suspension_days",
                  "checkout_tolerance_minutes", "checkin_opens_minutes", "visit_reminder_days",
                  "urgent_notify_limit", "updated_at")


# --- dashboard ---------------------------------------------------------------------------------------------


class VisitRateRowType(graphene.ObjectType):
    class Meta:
        name = "VisitRateRow"

    region = graphene.Field(RegionType, required=True)
    key_households = graphene.Int(required=True)
    visited = graphene.Int(required=True)
    rate_percent = graphene.Int(required=True, description="Whole percent, rounded down; goal 100.")


class StreetHoursType(graphene.ObjectType):
    class Meta:
        name = "StreetServiceHours"

    region = graphene.Field(RegionType, required=True)
    minutes = graphene.Int(required=True)
    active_volunteers = graphene.Int(required=True)
    tasks_served = graphene.Int(required=True)


class OverdueHouseholdType(graphene.ObjectType):
    """A key-group household not visited in the month, anonymised."""

    class Meta:
        name = "OverdueHousehold"

    household_id = graphene.ID(required=True)
    community = graphene.Field(RegionType, required=True)
    category = graphene.String(required=True)
    tags = graphene.List(graphene.NonNull(graphene.String), required=True)
    last_visited_at = graphene.DateTime()

    def resolve_household_id(root: Any, _info: Any) -> str:
        return gid("Household", root.household_id)


class VolunteeringDashboardType(graphene.ObjectType):
    class Meta:
        name = "VolunteeringDashboard"

    region = graphene.Field(RegionType, required=True)
    month = graphene.Date(required=True)
    total = graphene.Field(VisitRateRowType, required=True)
    communities = graphene.List(graphene.NonNull(VisitRateRowType), required=True)
    streets = graphene.List(graphene.NonNull(VisitRateRowType), required=True)
    overdue = graphene.List(graphene.NonNull(OverdueHouseholdType), required=True,
                            description="At most 200, never visited or least recently visited first.")
    overdue_count = graphene.Int(required=True)
    hours = graphene.List(graphene.NonNull(StreetHoursType), required=True)
    minutes_total = graphene.Int(required=True)
    active_volunteers = graphene.Int(required=True)
