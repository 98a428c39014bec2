"""Demo volunteering: ~150 service tasks over the past month and the next two weeks in the three streets.

Past tasks are completed (claims, QR or manual check-in/out, confirmed minutes, a few no-shows) or cancelled;
upcoming ones are open with free slots, full, or drafts, a few urgent (救急难), some serving households'
service needs. Rows are bulk-created (the services refuse times in the past).

The confirmed minutes are credited through timebank.earn_service_minutes with the tasks' own idempotency keys
(in the demo's transaction). A few of the time bank's open redemptions become tasks: at once when the time
bank's step ran first, else once the demo has committed (the time bank's step then runs after this one).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, time, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from huzhu.people.models import VolunteerProfile

from . import integrations
from .models import Attendance, ServiceTask, ServiceType, TaskClaim, TaskStatusChange, VolunteeringRules
from .services.hours import earning_key

log = logging.getLogger(__name__)
STREETS = ("jiangchuan", "gumei", "xinzhuang")
TYPES = ["home_visit", "home_visit", "meal_delivery", "cleaning", "hospital_escort", "haircut", "tutoring",
         "psychological_support", "repair", "community_activity"]
TITLES = {
    "home_visit": "上门探访", "meal_delivery": "助餐送餐", "cleaning": "居家清洁", "hospital_escort": "陪同就医",
    "haircut": "上门理发", "tutoring": "课业辅导", "psychological_support": "心理疏导", "repair": "家电维修",
    "community_activity": "社区义诊活动", "legal_advice": "法律咨询", "first_aid": "应急救护",
}
PAST, UPCOMING = 100, 50
S = ServiceTask.Status


def load(ctx: Any) -> None:
    rng = ctx.rng
    tz = timezone.get_current_timezone()
    now = timezone.now()
    today = timezone.localdate()
    VolunteeringRules.objects.get_or_create(id=1)
    streets = [ctx.regions[c] for c in STREETS]
    communities = {s.code: [ctx.regions[f"{s.code}-c{i}"] for i in range(1, 5)] for s in streets}
    leads = {s.code: [ctx.users[f"sw-{i}"] for i in range(20) if i % 3 == k] for k, s in enumerate(streets)}
    volunteers = {s.code: [ctx.users[f"vol-{i}"] for i in range(300) if i % 3 == k] for k, s in enumerate(streets)}
    profiles = {p.user_id: p for p in VolunteerProfile.objects.filter(
        user__in=[u for us in volunteers.values() for u in us])}
    needs = _service_needs(communities)
    busy: dict[int, list[tuple[datetime, datetime]]] = defaultdict(list)

    tasks: list[ServiceTask] = []
    plans: list[dict[str, Any]] = []
    for n in range(PAST + UPCOMING):
        past = n < PAST
        street = streets[n % 3]
        community = rng.choice(communities[street.code])
        day = today - timedelta(days=rng.randint(1, 30)) if past else today + timedelta(days=rng.randint(1, 14))
        starts = datetime.combine(day, time(rng.choice((9, 10, 14, 15)), rng.choice((0, 30))), tzinfo=tz)
        ends = starts + timedelta(minutes=rng.choice((60, 90, 120)))
        need = needs[community.id].pop() if needs[community.id] and rng.random() < 0.5 else None
        service_type = need.service_type if need and need.service_type in ServiceType.values else rng.choice(TYPES)
        urgent = bool(need and need.urgent) or (not past and rng.random() < 0.08)
        skills = [service_type] if service_type not in ("home_visit", "community_activity") and rng.random() < .6 \
            else []
        slots = rng.randint(1, 4) if service_type != "community_activity" else rng.randint(5, 10)
        lead = rng.choice(leads[street.code])
        if past:
            status = S.CANCELLED if rng.random() < 0.12 else S.COMPLETED
        else:
            status = S.DRAFT if rng.random() < 0.1 else S.OPEN
        task = ServiceTask(
            title=f"{TITLES.get(service_type, '志愿服务')}·{community.name}", service_type=service_type,
            source=ServiceTask.Source.NEED if need else ServiceTask.Source.ACTIVITY, need=need,
            household=need.household if need else None, region=community,
            place=f"{community.name}党群服务站" if not need else "", starts_at=starts, ends_at=ends,
            required_skills=skills, slots=slots, slots_left=slots, urgent=urgent, lead=lead,
            organisation_name=f"{street.name}志愿者协会", status=status, created_by=lead,
        )
        # Who serves: volunteers of the street with the skills, free at that time, nobody twice at once.
        want = 0 if status == S.DRAFT else (rng.randint(1, slots) if past else rng.randint(0, slots))
        team: list[Any] = []
        for user in rng.sample(volunteers[street.code], len(volunteers[street.code])):
            if len(team) == want:
                break
            profile = profiles.get(user.pk)
            if profile is None or not set(skills) <= set(profile.skills or []):
                continue
            if any(s < ends and starts < e for s, e in busy[user.pk]):
                continue
            busy[user.pk].append((starts, ends))
            team.append(user)
        task.slots_left = slots - len(team)
        if status == S.OPEN and task.slots_left == 0:
            task.status = S.FULL
        tasks.append(task)
        plans.append({"team": team, "created": starts - timedelta(days=rng.randint(3, 10)), "need": need})
    ServiceTask.objects.bulk_create(tasks)
    ctx.advance("志愿服务 tasks", len(tasks))

    claims: list[TaskClaim] = []
    attendances: list[Attendance] = []
    history: list[TaskStatusChange] = []
    for task, plan in zip(tasks, plans, strict=True):
        created = min(plan["created"], now - timedelta(hours=1))
        history.append(TaskStatusChange(task=task, from_status="", to_status=S.DRAFT, actor=task.lead, at=created))
        steps: dict[str, list[str]] = {
            S.DRAFT: [], S.OPEN: [S.OPEN], S.FULL: [S.OPEN, S.FULL], S.CANCELLED: [S.OPEN, S.CANCELLED],
            S.COMPLETED: [S.OPEN, S.IN_PROGRESS, S.COMPLETED]}
        fixed_times: dict[str, datetime] = {S.IN_PROGRESS: task.starts_at,
                                            S.COMPLETED: task.ends_at + timedelta(hours=2)}
        previous: str = S.DRAFT
        for i, to in enumerate(steps[task.status], start=1):
            at = fixed_times.get(to, min(created + timedelta(minutes=10 * i), now))
            history.append(TaskStatusChange(task=task, from_status=previous, to_status=to,
                                            actor=task.lead, at=at))
            previous = to
        for k, user in enumerate(plan["team"]):
            claim = TaskClaim(task=task, volunteer=user, idempotency_key=f"demo:{task.pk}:{user.pk}",
                              status=TaskClaim.Status.CLAIMED)
            claims.append(claim)
            if task.status != S.COMPLETED:
                continue
            if k > 0 and rng.random() < 0.08:  # a no-show
                claim.no_show, claim.no_show_at = True, task.ends_at
                continue
            manual = rng.random() < 0.15
            checked_in = task.starts_at + timedelta(minutes=rng.randint(-10, 10))
            forgot = rng.random() < 0.05
            checked_out = task.ends_at if forgot else task.ends_at + timedelta(minutes=rng.randint(-20, 10))
            minutes = min(int((checked_out - checked_in).total_seconds() // 60), task.planned_minutes + 30)
            attendances.append(Attendance(
                claim=claim, task=task, volunteer=user, checked_in_at=checked_in,
                check_in_method=Attendance.Method.MANUAL if manual else Attendance.Method.QR,
                checked_in_by=task.lead if manual else user, checked_out_at=checked_out,
                check_out_method=Attendance.Method.AUTO if forgot else Attendance.Method.QR,
                checked_out_by=None if forgot else user, flagged=forgot, minutes=minutes,
                confirmed_at=task.ends_at + timedelta(hours=2), confirmed_by=task.lead, credited_minutes=minutes,
                earning_key=earning_key(task.pk, user.pk),
            ))
    TaskClaim.objects.bulk_create(claims)
    for attendance in attendances:
        attendance.claim_id = attendance.claim.pk
    Attendance.objects.bulk_create(attendances)
    TaskStatusChange.objects.bulk_create(history)
    ctx.advance("志愿服务 attendance", len(attendances))

    _households_follow_up(tasks, plans)
    _credit_confirmed(ctx, attendances)
    ctx.data["volunteering_task_ids"] = [t.pk for t in tasks]
    # Some of the time bank's open redemptions become tasks: now if its step ran before this one, else once
    # the demo has committed (its step then runs after this one).
    if "timebank_open_redemptions" in ctx.data:
        _redemption_tasks(ctx)
    else:
        transaction.on_commit(lambda: _redemption_tasks(ctx))


def _service_needs(communities: dict[str, list[Any]]) -> dict[int, list[Any]]:
    """Open service needs per community (a grid's household counts for its community)."""
    out: dict[int, list[Any]] = defaultdict(list)
    try:
        from huzhu.households.models import Need
    except ImportError:  # pragma: no cover - households not installed
        return out
    ids = {c.id for cs in communities.values() for c in cs}
    for need in (Need.objects.filter(kind="service", status="open").select_related("household__region")
                 .order_by("-id")[:400]):
        region = need.household.region
        community_id = region.parent_id if region.level == "grid" else region.id
        if community_id is not None and community_id in ids:
            out[community_id].append(need)
    return out


def _households_follow_up(tasks: list[ServiceTask], plans: list[dict[str, Any]]) -> None:
    """Through households' services: needs with a task are matched (fulfilled once completed), and each
    completed task with a household leaves its visit record."""
    for task, plan in zip(tasks, plans, strict=True):
        need = plan["need"]
        if need is None or task.status in (S.DRAFT, S.CANCELLED):
            continue
        integrations.need_set_status(actor=task.lead, need=need, status="matched", note=f"task:{task.pk}")
        if task.status == S.COMPLETED:
            integrations.need_set_status(actor=task.lead, need=need, status="fulfilled", note=f"task:{task.pk}")
            integrations.record_visit(actor=task.lead, household=task.household, visited_at=task.starts_at,
                                      notes=f"{task.get_service_type_display()}服务已完成。", task_id=task.pk)


def _credit_confirmed(ctx: Any, attendances: list[Attendance]) -> None:
    """Credit every confirmed minute through the time bank's own service, under the task's idempotency key
    (the time bank's demo step keeps the accounts this opens)."""
    if integrations._service("huzhu.timebank.services", "earn_service_minutes") is None:
        return
    from .services.hours import _credit

    tasks = {t.pk: t for t in ServiceTask.objects.filter(id__in={a.task_id for a in attendances})
             .select_related("region", "region__parent", "lead")}
    credited = 0
    for attendance in attendances:
        if attendance.minutes > 0:
            task = tasks[attendance.task_id]
            _credit(task, attendance, minutes=attendance.minutes, key=attendance.earning_key, actor=task.lead)
            credited += 1
    ctx.advance("志愿服务 credited", credited)


def _redemption_tasks(ctx: Any) -> None:
    from huzhu.timebank.models import Redemption

    from .services.lifecycle import service_task_create

    ids = list(ctx.data.get("timebank_open_redemptions") or [])[:6]
    tz = timezone.get_current_timezone()
    for n, redemption in enumerate(Redemption.objects.filter(id__in=ids, status="requested")
                                   .select_related("region").order_by("id")):
        region = redemption.region
        street = region if region.level == "street" else region.parent
        if street is None:
            continue
        lead = next((ctx.users[f"sw-{i}"] for i in range(20) if STREETS[i % 3] == street.code), None)
        if lead is None:
            continue
        day = timezone.localdate() + timedelta(days=2 + n)
        starts = datetime.combine(day, time(10, 0), tzinfo=tz)
        community = region if region.level == "community" else ctx.regions[f"{street.code}-c1"]
        try:
            with transaction.atomic():
                service_task_create(
                    actor=lead, lead=lead, redemption=redemption, region=community, service_type="",
                    title=f"时间银行兑换·{TITLES.get(redemption.service_type, '志愿服务')}", starts_at=starts,
                    ends_at=starts + timedelta(minutes=redemption.minutes), slots=1, open_now=True,
                )
        except Exception:
            log.exception("demo: a task for redemption %s failed", redemption.pk)
