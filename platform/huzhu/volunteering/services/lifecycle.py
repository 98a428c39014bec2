"""Creating, opening and cancelling service tasks; urgent tasks notify nearby qualified volunteers at once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.core.errors import check_text
from huzhu.people import access
from huzhu.people.models import Role, VolunteerProfile
from huzhu.regions.models import Region

from .. import integrations
from ..access import can_manage, can_manage_region
from ..errors import VolunteeringError, VolunteeringErrorCode
from ..models import ServiceTask, ServiceType, Suspension, TaskClaim, TaskStatusChange
from .common import Status, publish, require_status, rules_get, street_of, task_get, task_link, transition

E = VolunteeringErrorCode
MAX_DURATION = timedelta(hours=24)
MAX_SKILLS = 10


def _community_of(region: Region) -> Region:
    if region.level == Region.Level.GRID and region.parent_id is not None:
        region = Region.objects.get(id=region.parent_id)
    if region.level != Region.Level.COMMUNITY:
        raise VolunteeringError(E.INVALID, _("服务地点必须是一个社区。"), field="regionId")
    return region


def _check_times(starts_at: Any, ends_at: Any, now: datetime) -> None:
    for value, field in ((starts_at, "startsAt"), (ends_at, "endsAt")):
        if not isinstance(value, datetime) or timezone.is_naive(value):
            raise VolunteeringError(E.INVALID, field=field)
    if starts_at <= now:
        raise VolunteeringError(E.TIME_IN_PAST, field="startsAt")
    if ends_at <= starts_at or ends_at - starts_at > MAX_DURATION:
        raise VolunteeringError(E.BAD_TIME_RANGE, field="endsAt")


def _check_skills(skills: list[str] | None) -> list[str]:
    skills = [s.strip() for s in (skills or [])]
    if len(skills) > MAX_SKILLS or any(not s or len(s) > 40 for s in skills):
        raise VolunteeringError(E.INVALID, _("技能列表无效。"), field="requiredSkills")
    return sorted(set(skills))


@transaction.atomic
def service_task_create(
    *,
    actor: Any,
    title: str,
    service_type: str,
    region: Region | None,
    starts_at: datetime,
    ends_at: datetime,
    slots: int,
    lead: Any,
    required_skills: list[str] | None = None,
    description: str = "",
    urgent: bool = False,
    place: str = "",
    organisation_name: str = "",
    need: Any = None,
    redemption: Any = None,
    household: Any = None,
    source: str | None = None,
    open_now: bool = False,
    now: datetime | None = None,
) -> ServiceTask:
    """A task in draft (or open, with `open_now`) led by `lead`, a social worker of the place.

    With `need` the task serves that household's service need (its community, its urgency); with `redemption`
    it delivers a time-bank redemption; otherwise it is a community activity. Raises PERMISSION_DENIED unless
    the actor is staff, social worker or administrator of the place.
    """
    now = now or timezone.now()
    title = check_text(title, field="title", max_length=100, required=True)
    description = check_text(description, field="description", max_length=2000)
    place = check_text(place, field="place", max_length=200)
    organisation_name = check_text(organisation_name, field="organisationName", max_length=100)
    # A need or redemption outside the actor's area answers like one that does not exist.
    if need is not None and not can_manage_region(actor, need.household.region):
        raise VolunteeringError(E.NOT_FOUND, field="needId")
    if redemption is not None and not can_manage_region(actor, redemption.region):
        raise VolunteeringError(E.NOT_FOUND, field="redemptionId")
    if need is not None:
        if getattr(need, "kind", None) != "service" or need.status not in ("open", "proposed", "matched"):
            raise VolunteeringError(E.INVALID, _("只能为未完成的服务类需求创建任务。"), field="needId")
        household = need.household
        service_type = service_type or need.service_type
        urgent = bool(urgent or need.urgent)
        source = ServiceTask.Source.NEED
    elif redemption is not None:
        if redemption.status not in ("requested", "scheduled"):
            raise VolunteeringError(E.INVALID, _("该兑换已结算。"), field="redemptionId")
        service_type = service_type or redemption.service_type
        source = ServiceTask.Source.REDEMPTION
        if region is None:
            region = redemption.region
    if household is not None:
        region = household.region
        source = source or ServiceTask.Source.MONTHLY_VISIT
    if region is None:
        raise VolunteeringError(E.REQUIRED, field="regionId")
    region = _community_of(region)
    if not can_manage_region(actor, region):
        raise VolunteeringError(E.PERMISSION_DENIED)
    if redemption is not None and not region.path.startswith(redemption.region.path) \
            and not redemption.region.path.startswith(region.path):
        raise VolunteeringError(E.INVALID, _("任务地点须在兑换申请的区域内。"), field="regionId")
    if service_type not in ServiceType.values:
        raise VolunteeringError(E.INVALID, _("未知的服务类型。"), field="serviceType")
    _check_times(starts_at, ends_at, now)
    if isinstance(slots, bool) or not isinstance(slots, int) or not 1 <= slots <= 200:
        raise VolunteeringError(E.OUT_OF_RANGE, field="slots")
    skills = _check_skills(required_skills)
    if lead is None or not access.has_role(lead, Role.SOCIAL_WORKER, region):
        raise VolunteeringError(E.LEAD_NOT_SOCIAL_WORKER, field="leadId")
    task = ServiceTask(
        title=title, description=description, service_type=service_type,
        source=source or ServiceTask.Source.ACTIVITY, region=region, place=place, starts_at=starts_at,
        ends_at=ends_at, required_skills=skills, slots=slots, slots_left=slots, urgent=bool(urgent), lead=lead,
        organisation_name=organisation_name or settings.HUZHU_ORGANISATION_NAME, created_by=actor,
        need=need, redemption=redemption, household=household,
    )
    task.full_clean()
    task.save()
    TaskStatusChange.objects.create(task=task, from_status="", to_status=Status.DRAFT, actor=actor, at=now)
    if need is not None and need.status in ("open", "proposed"):
        integrations.need_set_status(actor=actor, need=need, status="matched", note=f"task:{task.id}")
    if redemption is not None:
        integrations.redemption_schedule(redemption_id=redemption.id, task_id=task.id, actor=actor)
    if open_now:
        _open(task, actor=actor, now=now)
    return task


def _open(task: ServiceTask, *, actor: Any, now: datetime) -> None:
    if task.starts_at <= now:
        raise VolunteeringError(E.TIME_IN_PAST, field="startsAt")
    if not transition(task, Status.OPEN, allowed_from=(Status.DRAFT,), actor=actor, now=now):
        raise VolunteeringError(E.CONFLICT)
    if task.slots_left == 0:  # every slot reserved for groups while in draft
        transition(task, Status.FULL, allowed_from=(Status.OPEN,), actor=actor, now=now)
    publish(task, "created")
    if task.urgent:
        notify_urgent(task, now=now)


@transaction.atomic
def service_task_open(*, actor: Any, task_id: int) -> ServiceTask:
    """draft → open: volunteers can see and claim it; an urgent task notifies nearby qualified volunteers."""
    task = task_get(actor=actor, task_id=task_id, for_update=True)
    if not can_manage(actor, task):
        raise VolunteeringError(E.PERMISSION_DENIED)
    require_status(task, Status.DRAFT)
    _open(task, actor=actor, now=timezone.now())
    return task


def notify_urgent(task: ServiceTask, *, now: datetime) -> int:
    """救急难: tell the volunteers nearby (the task's street, its own community first) who have the skills,
    may claim in this region, are not suspended and are adults — at once, in this transaction."""
    street = street_of(task)
    limit = rules_get().urgent_notify_limit
    ancestors = task.region.ancestor_ids()
    profiles = (
        VolunteerProfile.objects.filter(home_community__path__startswith=street.path,
                                        skills__contains=task.required_skills,
                                        user__role_grants__role=Role.VOLUNTEER,
                                        user__role_grants__region_id__in=ancestors,
                                        user__is_active=True)
        .exclude(user_id__in=Suspension.objects.filter(until__gt=now).values("volunteer_id"))
        .exclude(birth_year__gte=timezone.localtime(task.starts_at).year - 18)
        .select_related("user").distinct()
    )
    chosen = sorted(profiles, key=lambda p: (p.home_community_id != task.region_id, p.user_id))[:limit]
    for profile in chosen:
        integrations.notify(
            user=profile.user, kind="urgent_task", title=_("救急难:%(title)s") % {"title": task.title},
            body=_("%(community)s 急需志愿者,%(at)s 开始,还有 %(n)s 个名额。") % {
                "community": task.region.name, "at": timezone.localtime(task.starts_at).strftime("%m-%d %H:%M"),
                "n": task.slots_left},
            link=task_link(task.id), data={"taskId": task.id, "urgent": True},
        )
    return len(chosen)


@transaction.atomic
def service_task_cancel(*, actor: Any, task_id: int, reason: str = "") -> ServiceTask:
    """Cancel a task that has no confirmed hours; its volunteers are told; a redemption's hold is voided."""
    reason = check_text(reason, field="reason", max_length=200)
    task = task_get(actor=actor, task_id=task_id, for_update=True)
    if not can_manage(actor, task):
        raise VolunteeringError(E.PERMISSION_DENIED)
    require_status(task, Status.DRAFT, Status.OPEN, Status.FULL, Status.IN_PROGRESS)
    if task.attendances.filter(confirmed_at__isnull=False).exists():
        raise VolunteeringError(E.ALREADY_CONFIRMED)
    cancel(task, actor=actor, reason=reason, now=timezone.now())
    return task


def cancel(task: ServiceTask, *, actor: Any, reason: str, now: datetime) -> None:
    """Cancel (the caller holds the task row and has checked the rules)."""
    if not transition(task, Status.CANCELLED, allowed_from=(Status.DRAFT, Status.OPEN, Status.FULL,
                                                            Status.IN_PROGRESS),
                      actor=actor, note=reason, now=now):
        raise VolunteeringError(E.CONFLICT)
    claims = TaskClaim.objects.filter(task_id=task.id, status__in=(TaskClaim.Status.CLAIMED,
                                                                   TaskClaim.Status.WAITLISTED))
    for claim in claims.select_related("volunteer"):
        integrations.notify(
            user=claim.volunteer, kind="task_cancelled", title=_("任务已取消:%(title)s") % {"title": task.title},
            body=reason or _("社工取消了该任务。"), link=task_link(task.id), data={"taskId": task.id},
        )
    if task.redemption_id:
        integrations.redemption_settle(redemption_id=task.redemption_id, delivered=False, actor=actor or task.lead)
    if task.need_id and not ServiceTask.objects.filter(need_id=task.need_id, status__in=(
            Status.OPEN, Status.FULL, Status.IN_PROGRESS, Status.COMPLETED)).exclude(id=task.id).exists():
        need = task.need
        if need is not None and need.status == "matched":
            integrations.need_set_status(actor=actor or task.lead, need=need, status="open",
                                         note=f"task:{task.id} cancelled")
    publish(task, "cancelled")
