"""The procrastinate worker that `huzhu serve` runs in-process picks up jobs deferred through Django."""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import transaction
from procrastinate.contrib.django.models import ProcrastinateJob

from huzhu.core.tasks import ping
from huzhu.core.worker import InProcessWorker


def _wait_for(predicate: Any, timeout: float = 20.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.mark.django_db(transaction=True)
def test_it_runs_a_deferred_job_in_the_serving_process() -> None:
    # given the in-process worker, listening
    worker = InProcessWorker(name="test", polling_interval=0.5).start()
    try:
        assert worker.error is None
        # when a request defers a job (through Django's own connection, inside a transaction)
        with transaction.atomic():
            job_id = ping.defer(note="hello")
        # then the worker runs it to success
        assert _wait_for(lambda: ProcrastinateJob.objects.get(id=job_id).status == "succeeded"), (
            ProcrastinateJob.objects.get(id=job_id).status
        )
    finally:
        worker.stop()
    assert not worker.thread.is_alive()
    assert worker.error is None


@pytest.mark.django_db(transaction=True)
def test_it_never_runs_a_job_deferred_in_a_rolled_back_transaction() -> None:
    # given a job deferred inside a transaction that then fails
    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        ping.defer(note="never")
        raise Boom
    # then no job exists for a worker to run: the defer went through Django's connection
    # (procrastinate's tables are not flushed between tests: look for this job's own arguments)
    assert not ProcrastinateJob.objects.filter(task_name="huzhu.core.ping", args__note="never").exists()


@pytest.mark.django_db(transaction=True)
def test_it_runs_the_queue_dry_with_run_worker_wait_false() -> None:
    # the way `huzhu procrastinate worker` works, in one call: run what is queued, then return
    from huzhu.core.worker import worker_app

    ids = [ping.defer(note=str(i)) for i in range(3)]
    worker_app().run_worker(wait=False, install_signal_handlers=False, listen_notify=False)
    assert sorted(ProcrastinateJob.objects.filter(id__in=ids).values_list("status", flat=True)) == ["succeeded"] * 3
