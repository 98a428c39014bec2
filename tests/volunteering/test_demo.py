"""The volunteering demo step: ~150 tasks across the streets, confirmed minutes credited to the time bank."""

from __future__ import annotations

import time

import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def test_it_loads_the_demo_tasks_and_credits_confirmed_minutes() -> None:
    from huzhu.core.demo import DemoContext
    from huzhu.people import demo as people_demo
    from huzhu.regions import demo as regions_demo
    from huzhu.timebank.models import EarnRecord
    from huzhu.volunteering import demo
    from huzhu.volunteering.models import Attendance, ServiceTask, TaskClaim

    # given the demo's regions and people (households are optional for this step)
    ctx = DemoContext()
    regions_demo.load(ctx)
    people_demo.load(ctx)
    # when the volunteering step runs
    started = time.perf_counter()
    demo.load(ctx)
    seconds = time.perf_counter() - started
    # then ~150 tasks in every street, past ones completed or cancelled, upcoming ones open/full/draft
    tasks = ServiceTask.objects.all()
    assert tasks.count() == 150
    streets = {t.region.parent.code for t in tasks.select_related("region__parent")}
    assert streets == {"jiangchuan", "gumei", "xinzhuang"}
    statuses = set(tasks.values_list("status", flat=True))
    assert {"completed", "cancelled", "open"} <= statuses
    assert tasks.filter(status="open", slots_left__gt=0).count() >= 10
    assert tasks.filter(urgent=True, status__in=["open", "full"]).exists()
    # slots add up: slots_left = slots − live claims on every open or full task
    for task in tasks.filter(status__in=["open", "full"]):
        assert task.slots_left == task.slots - TaskClaim.objects.filter(task=task, status="claimed").count()
    # and every confirmed minute is in the time bank under the task's key, exactly once
    confirmed = Attendance.objects.filter(confirmed_at__isnull=False, minutes__gt=0)
    assert confirmed.count() >= 100
    keys = dict(EarnRecord.objects.filter(idempotency_key__startswith="task:").values_list("idempotency_key",
                                                                                           "minutes"))
    assert keys == {a.earning_key: a.minutes for a in confirmed}
    # and nobody is on two overlapping tasks
    spans: dict[int, list] = {}
    for claim in TaskClaim.objects.filter(status="claimed").select_related("task"):
        for start, end in spans.get(claim.volunteer_id, []):
            assert not (start < claim.task.ends_at and claim.task.starts_at < end)
        spans.setdefault(claim.volunteer_id, []).append((claim.task.starts_at, claim.task.ends_at))
    print(f"volunteering demo: {tasks.count()} tasks, {confirmed.count()} credited in {seconds:.1f}s")
    assert seconds < 45  # ~4,000 queries, most of them inside earn_service_minutes (25 per credit)
