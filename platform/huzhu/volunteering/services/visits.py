"""月探访: a visit task for every key-group household not yet visited this month, and month-end reminders.

The job runs on the 1st (the new month's visits) and daily (households registered or tagged mid-month). One
visit is planned per household and month — a MonthlyVisit row under a unique constraint on (household, month),
inserted before the task — so running the job twice, or on two workers at once, plans nothing twice; a
household whose planned task was cancelled is not planned again that month (the social worker re-plans it).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Exists, F, OuterRef, When
from django.utils import timezone
from django.utils.translation import gettext as _

from huzhu.people.models import Role, RoleGrant
from huzhu.regions.models import Region

from .. import integrations
from ..models import MonthlyVisit, ServiceTask, ServiceType, VisitReminder
from .common import now_or, rules_get
from .lifecycle import service_task_create

log = logging.getLogger(__name__)
VISIT_MINUTES = 60


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(first: date) -> date:
    return (first + timedelta(days=32)).replace(day=1)


def month_bounds(first: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (datetime.combine(first, time.min, tzinfo=tz), datetime.combine(next_month(first), time.min, tzinfo=tz))


def key_households(month: date) -> Any:
    """Key-group households (KEY_GROUP_TAGS) with `visited` (a visit in the month) and `community_id`."""
    from huzhu.households.models import KEY_GROUP_TAGS, Household, Visit

    start, end = month_bounds(month)
    visited = Visit.objects.filter(household_id=OuterRef("pk"), visited_at__gte=start, visited_at__lt=end)
    return (Household.objects.filter(tags__overlap=list(KEY_GROUP_TAGS))
            .annotate(visited=Exists(visited),
                      community_id=Case(When(region__level=Region.Level.GRID, then=F("region__parent_id")),
                                        default=F("region_id"))))


def _social_workers_by_community(community_ids: set[int]) -> dict[int, list[int]]:
    """For each community, the social workers holding the role closest to it (community before street before
    district), in id order."""
    communities = {r.id: r.path for r in Region.objects.filter(id__in=community_ids)}
    grants = list(RoleGrant.objects.filter(role=Role.SOCIAL_WORKER, user__is_active=True)
                  .values_list("user_id", "region__path"))
    out: dict[int, list[int]] = {}
    for cid, path in communities.items():
        covering = [(len(p), uid) for uid, p in grants if path.startswith(p)]
        if not covering:
            out[cid] = []
            continue
        deepest = max(depth for depth, _uid in covering)
        out[cid] = sorted({uid for depth, uid in covering if depth == deepest})
    return out


def _visit_slot(today: date, index: int, now: datetime) -> tuple[datetime, datetime]:
    """Spread the month's visits over its remaining weekdays at 10:00 (local), never in the past."""
    tz = timezone.get_current_timezone()
    end = next_month(month_start(today))
    days = [today + timedelta(days=i) for i in range(1, (end - today).days)]
    days = [d for d in days if d.weekday() < 5] or days or [today]
    day = days[index % len(days)]
    starts = datetime.combine(day, time(10, 0), tzinfo=tz)
    if starts <= now:
        starts = (now + timedelta(hours=2)).replace(minute=0, second=0, microsecond=0)
    return starts, starts + timedelta(minutes=VISIT_MINUTES)


def monthly_visits_plan(*, month: date | None = None, now: datetime | None = None) -> int:
    """Create (open) a one-volunteer home-visit task, led by a social worker of the community, for every
    key-group household not visited in the month and not yet planned. Returns how many were planned.

    Each household is planned in its own transaction; the MonthlyVisit row is inserted first, so a second run
    (or a concurrent one) meets the unique constraint and skips the household.
    """
    at = now_or(now)
    today = timezone.localtime(at).date()
    first = month_start(month or today)
    if next_month(first) <= today:
        return 0  # a past month cannot be visited any more
    planned = MonthlyVisit.objects.filter(household_id=OuterRef("pk"), month=first)
    due = list(key_households(first).filter(visited=False).exclude(Exists(planned))
               .select_related("region").order_by("id")[:5000])
    leads = _social_workers_by_community({h.community_id for h in due})
    from huzhu.people.models import User

    users = {u.id: u for u in User.objects.filter(id__in={uid for ids in leads.values() for uid in ids})}
    count = 0
    per_community: dict[int, int] = defaultdict(int)
    for household in due:
        candidates = leads.get(household.community_id) or []
        if not candidates:
            log.warning("monthly visits: no social worker covers community %s", household.community_id)
            continue
        index = per_community[household.community_id]
        per_community[household.community_id] += 1
        lead = users[candidates[index % len(candidates)]]
        starts, ends = _visit_slot(max(today, first), index, at)
        try:
            with transaction.atomic():
                visit = MonthlyVisit.objects.create(household=household, month=first)
                task = service_task_create(
                    actor=lead, lead=lead, household=household, region=household.region,
                    source=ServiceTask.Source.MONTHLY_VISIT, service_type=ServiceType.HOME_VISIT,
                    title=_("%(month)s 月探访") % {"month": first.strftime("%Y-%m")},
                    description=_("重点对象每月探访:了解近况,记录需求。"), starts_at=starts, ends_at=ends,
                    slots=1, open_now=True, now=at,
                )
                visit.task = task
                visit.save(update_fields=["task"])
        except IntegrityError:
            continue  # planned by another run in the meantime
        count += 1
    return count


def monthly_visit_reminders(*, today: date | None = None) -> int:
    """Near the month end (rules.visit_reminder_days), remind the social workers of each community that still
    has key-group households not visited this month — once a day per community. Returns reminders written."""
    day = today or timezone.localdate()
    first = month_start(day)
    days_left = (next_month(first) - day).days - 1
    if days_left >= rules_get().visit_reminder_days:
        return 0
    rows = (key_households(first).filter(visited=False).values("community_id")
            .annotate(n=Count("id")).order_by("community_id"))
    due = {r["community_id"]: r["n"] for r in rows}
    leads = _social_workers_by_community(set(due))
    from huzhu.people.models import User

    users = {u.id: u for u in User.objects.filter(id__in={uid for ids in leads.values() for uid in ids})}
    names = dict(Region.objects.filter(id__in=due).values_list("id", "name"))
    sent = 0
    for community_id, n in due.items():
        with transaction.atomic():
            _row, created = VisitReminder.objects.get_or_create(region_id=community_id, day=day,
                                                                defaults={"households_due": n})
            if not created:
                continue
            for uid in leads.get(community_id, []):
                integrations.notify(
                    user=users[uid], kind="monthly_visit_reminder",
                    title=_("月探访提醒:%(community)s") % {"community": names.get(community_id, "")},
                    body=_("本月还有 %(n)s 户重点对象未探访,距月底还有 %(days)s 天。") % {"n": n, "days": days_left},
                    link="/visits", data={"regionId": community_id, "due": n},
                )
                sent += 1
    return sent
