"""The event catalogue: on commit only, to every ancestor region group, the object and the user."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from huzhu.realtime import events


@pytest.fixture
def published() -> Any:
    seen: list[tuple[list[str], dict]] = []

    def hook(groups: list[str], message: dict) -> None:
        seen.append((groups, message))

    events.add_hook(hook)
    yield seen
    events.remove_hook(hook)


@pytest.mark.django_db(transaction=True)
def test_it_publishes_nothing_when_the_transaction_rolls_back(published: Any) -> None:
    # given a service that publishes and then fails
    with pytest.raises(RuntimeError), transaction.atomic():
        events.task_changed(task_id=1, region_path="1.4.9.", status="open", slots_left=2)
        raise RuntimeError("boom")
    # then nothing went out
    assert published == []


@pytest.mark.django_db(transaction=True)
def test_it_publishes_after_commit_to_every_ancestor_region(published: Any) -> None:
    # given a transaction that publishes a task change
    with transaction.atomic():
        events.task_changed(task_id=7, region_path="1.4.9.", status="open", slots_left=2, kind="claimed")
        # when it is not yet committed, then nothing is sent
        assert published == []
    # then once committed, the district, street and community groups and the task's own group get it
    groups, message = published[0]
    assert groups == [
        "rt.task_changed.r.1.", "rt.task_changed.r.1.4.", "rt.task_changed.r.1.4.9.", "rt.task_changed.o.Task.7",
    ]
    assert message["payload"] == {"task_id": 7, "status": "open", "slots_left": 2, "kind": "claimed"}
    assert message["at"] > 0


@pytest.mark.django_db(transaction=True)
def test_it_publishes_at_once_outside_a_transaction(published: Any) -> None:
    events.ledger_balance(user_id=5, balance_minutes=60, available_minutes=30, earned_minutes=90, stars=0)
    assert published[0][0] == ["rt.ledger_balance.u.5"]


def test_it_refuses_an_unknown_topic() -> None:
    with pytest.raises(ValueError):
        events.publish("nope", user_id=1, payload={})


def test_it_makes_group_names_channels_accepts() -> None:
    # given an object key with characters Channels refuses in group names
    name = events.object_group("stock_changed", "Workstation:3 é")
    assert name == "rt.stock_changed.o.Workstation_3__"


@pytest.mark.django_db(transaction=True)
def test_it_delivers_in_memory_events_published_from_another_event_loop(settings: Any) -> None:
    """The embedded default: a job of the in-process worker (its own loop, its own thread) publishes; the hub
    listens on the serving loop. The in-memory layer's queues belong to that loop, so the send runs there."""
    import asyncio
    import threading

    from channels.layers import channel_layers

    from huzhu.realtime.hub import Listener, hub

    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
    channel_layers.backends.clear()
    serving = asyncio.new_event_loop()
    threading.Thread(target=serving.run_forever, daemon=True).start()
    try:
        # given a listener for user 5's balance on the serving loop
        async def listen() -> Listener:
            listener = Listener(groups=[events.user_group(events.LEDGER_BALANCE, 5)])
            await hub().add(listener)
            return listener

        listener = asyncio.run_coroutine_threadsafe(listen(), serving).result(5)

        # when a job running on another loop publishes through sync code
        async def job() -> None:
            await asyncio.to_thread(events.ledger_balance, user_id=5, balance_minutes=60, available_minutes=60,
                                    earned_minutes=60, stars=0)

        asyncio.run(job())
        # then the listener on the serving loop receives it
        message = asyncio.run_coroutine_threadsafe(asyncio.wait_for(listener.queue.get(), 5), serving).result(6)
        assert message["payload"]["balance_minutes"] == 60
    finally:
        serving.call_soon_threadsafe(serving.stop)
        channel_layers.backends.clear()
