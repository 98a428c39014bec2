"""Real threads on the real database: no overdraft, no deadlock, nothing posted twice."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from ledger import api
from ledger.api import LedgerError, TransferRequest
from ledger.models import Transfer

from .conftest import cid

pytestmark = pytest.mark.django_db(transaction=True)


def run_threads(count: int, work: Callable[[int], Any]) -> list[Any]:
    """Start `count` threads at once (a barrier), each running work(i) on its own connection; their results."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count

    def body(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - the test asserts on it
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=body, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung (deadlock?)"
    return results


def test_it_never_overdraws_one_account_under_16_concurrent_spenders() -> None:
    # given alice with 100 minutes and 16 spenders, each with its own recipient, trying 3 times to take 10
    issuer = api.account_open(ledger="TIME", code="c-issuer", debits_must_not_exceed_credits=False)
    alice = api.account_open(ledger="TIME", code="c-alice")
    recipients = [api.account_open(ledger="TIME", code=f"c-r{i}").id for i in range(16)]
    api.transfer(client_id="c-fund", debit_account_id=issuer.id, credit_account_id=alice.id, amount=100,
                 ledger="TIME")

    def spend(i: int) -> list[str | None]:
        outcomes: list[str | None] = []
        for k in range(3):
            # some go through a two-transfer batch whose other account sorts before alice's, to mix lock orders
            requests = [TransferRequest(f"c-{i}-{k}", alice.id, recipients[i], 10, "TIME")]
            if k == 1:
                requests.append(TransferRequest(f"c-{i}-{k}-b", issuer.id, recipients[(i + 1) % 16], 1, "TIME"))
            outcomes.append(api.create_transfers(requests)[0].error)
        return outcomes

    # when they all spend at once
    results = run_threads(16, spend)
    # then no thread failed with a database error (a deadlock would raise), exactly ten spends succeeded,
    # and alice ends at zero, never below
    assert not [r for r in results if isinstance(r, BaseException)], results
    outcomes = [o for r in results for o in r]
    assert outcomes.count(None) == 10
    assert set(outcomes) == {None, "EXCEEDS_CREDITS"}
    assert api.balance(alice.id).available == 0 and api.balance(alice.id).debits_posted == 100
    assert sum(b.posted for b in api.balances(recipients).values()) == 100 + 16


def test_it_does_not_deadlock_when_batches_cross_the_same_accounts_in_opposite_orders() -> None:
    # given eight accounts each with 1000 minutes
    issuer = api.account_open(ledger="TIME", code="x-issuer", debits_must_not_exceed_credits=False)
    accounts = [api.account_open(ledger="TIME", code=f"x-{i}").id for i in range(8)]
    api.create_transfers([TransferRequest(f"x-fund-{a}", issuer.id, a, 1000, "TIME") for a in accounts])

    def churn(i: int) -> int:
        order = accounts if i % 2 else list(reversed(accounts))
        posted = 0
        for k in range(10):
            batch = [TransferRequest(f"x-{i}-{k}-{j}", order[j], order[(j + 1) % 8], 1, "TIME") for j in range(8)]
            posted += sum(r.ok for r in api.create_transfers(batch))
        return posted

    # when 16 threads move minutes around the ring in both directions
    results = run_threads(16, churn)
    # then every transfer posted and the total is unchanged
    assert results == [80] * 16
    assert sum(b.posted for b in api.balances(accounts).values()) == 8000


def test_it_posts_once_when_the_same_request_is_retried_concurrently() -> None:
    # given a request that 16 clients send at the same moment with the same client id and body
    issuer = api.account_open(ledger="TIME", code="i-issuer", debits_must_not_exceed_credits=False)
    alice = api.account_open(ledger="TIME", code="i-alice")

    def send(i: int) -> api.TransferResult:
        return api.transfer(client_id="i-same", debit_account_id=issuer.id, credit_account_id=alice.id, amount=60,
                            ledger="TIME", memo={"service": 1})

    results = run_threads(16, send)
    # then one transfer exists, every client got it, and all but one were told it was a replay
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert {r.transfer_id for r in results} == {Transfer.objects.get(client_id="i-same").id}
    assert sorted(r.replayed for r in results) == [False] + [True] * 15
    assert api.balance(alice.id).posted == 60


def test_it_refuses_all_but_one_body_when_one_client_id_races_with_different_bodies() -> None:
    # given 8 clients that send one client id, each with a different recipient (so they lock different rows)
    issuer = api.account_open(ledger="TIME", code="m-issuer", debits_must_not_exceed_credits=False)
    targets = [api.account_open(ledger="TIME", code=f"m-{i}").id for i in range(8)]

    def send(i: int) -> str:
        try:
            api.transfer(client_id="m-same", debit_account_id=issuer.id, credit_account_id=targets[i], amount=5,
                         ledger="TIME")
            return "ok"
        except LedgerError as exc:
            return exc.code

    results = run_threads(8, send)
    # then exactly one posted and the others were told their body does not match (no database error)
    assert sorted(results) == ["IDEMPOTENCY_MISMATCH"] * 7 + ["ok"]
    assert Transfer.objects.filter(client_id="m-same").count() == 1
    assert sum(b.posted for b in api.balances(targets).values()) == 5


def test_it_resolves_a_pending_transfer_once_when_post_and_void_race() -> None:
    # given a pending transfer
    issuer = api.account_open(ledger="TIME", code="r-issuer", debits_must_not_exceed_credits=False)
    alice = api.account_open(ledger="TIME", code="r-alice")
    bob = api.account_open(ledger="TIME", code="r-bob")
    api.transfer(client_id=cid(), debit_account_id=issuer.id, credit_account_id=alice.id, amount=50, ledger="TIME")
    pending = api.transfer(client_id=cid(), debit_account_id=alice.id, credit_account_id=bob.id, amount=50,
                           ledger="TIME", pending=True)

    def resolve(i: int) -> str:
        call = api.post_pending if i % 2 else api.void_pending
        try:
            call(client_id=f"r-{i}", pending_id=pending.transfer_id)
            return "ok"
        except LedgerError as exc:
            return exc.code

    # when 8 clients post or void it at once
    results = run_threads(8, resolve)
    # then exactly one resolution happened
    assert sorted(results) == ["PENDING_ALREADY_RESOLVED"] * 7 + ["ok"]
    assert Transfer.objects.filter(pending_id=pending.transfer_id).count() == 1
    assert api.balance(alice.id).debits_pending == 0 and api.balance(bob.id).credits_pending == 0


def test_it_keeps_balances_exact_when_large_batches_and_single_transfers_mix() -> None:
    from ledger import integrity

    # given 20 accounts with 50 minutes each, which may not overdraw
    issuer = api.account_open(ledger="TIME", code="l-issuer", debits_must_not_exceed_credits=False)
    accounts = [api.account_open(ledger="TIME", code=f"l-{i}").id for i in range(20)]
    api.create_transfers([TransferRequest(f"l-fund-{a}", issuer.id, a, 50, "TIME") for a in accounts])

    def work(i: int) -> int:
        import random

        rng = random.Random(i)
        posted = 0
        for k in range(4):
            if i % 2:  # large batches (more than 64: they take turns, without row locks)
                batch = [TransferRequest(f"l-{i}-{k}-{j}", *rng.sample(accounts, 2), rng.randint(1, 9), "TIME")
                         for j in range(100)]
                posted += sum(r.ok for r in api.create_transfers(batch))
            else:  # single transfers beside them (they share the turn and lock their two rows)
                for j in range(10):
                    debit, credit = rng.sample(accounts, 2)
                    posted += api.create_transfers(
                        [TransferRequest(f"l-{i}-{k}-{j}", debit, credit, rng.randint(1, 9), "TIME")]
                    )[0].ok
        return posted

    # when 8 clients post at once
    results = run_threads(8, work)
    # then every balance equals the sum of its entries, nothing overdrew, and minutes were neither made nor lost
    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(results) > 0
    report = integrity.verify()
    assert report.bad_accounts == [] and report.first_bad_transfer is None, report.lines()
    final = api.balances(accounts)
    assert all(b.available >= 0 for b in final.values())
    assert sum(b.posted for b in final.values()) == 20 * 50


def test_it_posts_a_large_batch_once_when_clients_send_it_at_the_same_moment() -> None:
    # given one batch of 100 transfers (large: it looks its client ids up before taking its turn) that 6 clients
    # send at once, and the first request of each client's copy reused for another body in a 7th client's batch
    issuer = api.account_open(ledger="TIME", code="lb-issuer", debits_must_not_exceed_credits=False)
    accounts = [api.account_open(ledger="TIME", code=f"lb-{i}").id for i in range(10)]
    batch = [TransferRequest(f"lb-{j}", issuer.id, accounts[j % 10], 1 + j % 7, "TIME") for j in range(100)]

    def send(i: int) -> list[tuple[bool, bool, str | None]]:
        requests = list(batch)
        if i == 6:
            requests = [TransferRequest(f"lb-{j}", issuer.id, accounts[(j + 1) % 10], 1 + j % 7, "TIME")
                        for j in range(100)]
        return [(r.ok, r.replayed, r.error) for r in api.create_transfers(requests)]

    # when they all post
    results = run_threads(7, send)
    assert not [r for r in results if isinstance(r, BaseException)], results
    # then the batch exists once: either the 7th client's bodies or the others', never both, never twice
    assert Transfer.objects.filter(client_id__in=[f"lb-{j}" for j in range(100)]).count() == 100
    same = results[:6]
    if all(error == "IDEMPOTENCY_MISMATCH" for _ok, _replayed, error in results[6]):
        # one of the six posted it and the other five replayed every request
        assert sum(all(ok and not replayed for ok, replayed, _e in r) for r in same) == 1
        assert sum(all(ok and replayed for ok, replayed, _e in r) for r in same) == 5
    else:
        # the 7th posted first: every copy of the six was refused as a different body
        assert all(ok and not replayed for ok, replayed, _e in results[6])
        assert all(error == "IDEMPOTENCY_MISMATCH" for r in same for _ok, _replayed, error in r)
    # and the balances count each transfer once
    expected = sum(1 + j % 7 for j in range(100))
    assert sum(b.posted for b in api.balances(accounts).values()) == expected
    assert -api.balance(issuer.id).posted == expected
