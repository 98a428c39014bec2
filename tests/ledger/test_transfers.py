"""Single and batched transfers: results, balances, idempotency, linked chains, reversals, bad input."""

from __future__ import annotations

import pytest
from django.db import transaction

from ledger import api
from ledger.api import Balance, LedgerError, TransferRequest
from ledger.models import Entry, Transfer

from .conftest import Book, cid, snapshot

pytestmark = pytest.mark.django_db


def test_it_posts_a_transfer_as_two_entries_and_returns_both_balances(book: Book) -> None:
    # given an issuer and a volunteer with nothing
    # when 90 minutes are issued to alice
    result = book.fund(book.alice, 90)
    # then one transfer, two entries that sum to zero, and both balances after it come back
    assert result.ok and not result.replayed and result.error is None
    assert result.balances == {
        book.issuer.id: Balance(debits_posted=90),
        book.alice.id: Balance(credits_posted=90),
    }
    entries = list(Entry.objects.filter(transfer_id=result.transfer_id).order_by("-is_debit"))
    assert [(e.account_id, e.is_debit, e.posted, e.pending) for e in entries] == [
        (book.issuer.id, True, 90, 0),
        (book.alice.id, False, 90, 0),
    ]
    assert api.balance(book.alice.id).posted == 90 and api.balance(book.issuer.id).posted == -90


def test_it_returns_the_first_result_for_a_retry_with_the_same_body(book: Book) -> None:
    # given a transfer already posted under a client id
    first = api.transfer(client_id="retry-1", debit_account_id=book.issuer.id, credit_account_id=book.alice.id,
                         amount=30, ledger="TIME", memo={"task": 7})
    # when the same request is sent again
    again = api.transfer(client_id="retry-1", debit_account_id=book.issuer.id, credit_account_id=book.alice.id,
                         amount=30, ledger="TIME", memo={"task": 7})
    # then it is the first transfer, replayed, and nothing was posted twice
    assert again.replayed and again.transfer_id == first.transfer_id
    assert Transfer.objects.filter(client_id="retry-1").count() == 1
    assert api.balance(book.alice.id).posted == 30


def test_it_refuses_a_retry_with_a_different_body_and_writes_nothing(book: Book) -> None:
    # given a transfer posted under a client id
    api.transfer(client_id="retry-2", debit_account_id=book.issuer.id, credit_account_id=book.alice.id,
                 amount=30, ledger="TIME")
    before = snapshot()
    # when the id is reused for another amount, then for another memo
    for change in ({"amount": 31}, {"memo": {"note": "other"}}):
        fields = {"debit_account_id": book.issuer.id, "credit_account_id": book.alice.id, "amount": 30,
                  "ledger": "TIME", **change}
        with pytest.raises(LedgerError) as exc:
            api.transfer(client_id="retry-2", **fields)
        # then it is refused as a mismatch, and nothing changed
        assert exc.value.code == "IDEMPOTENCY_MISMATCH" and exc.value.client_id == "retry-2"
    assert snapshot() == before


def test_it_lets_one_request_of_a_batch_fail_without_failing_the_others(book: Book) -> None:
    # given alice with 60 minutes
    book.fund(book.alice, 60)
    # when a batch asks for 50, then 50 again (too much), then 10
    results = api.create_transfers([
        TransferRequest(cid(), book.alice.id, book.bob.id, 50, "TIME"),
        TransferRequest(cid(), book.alice.id, book.bob.id, 50, "TIME"),
        TransferRequest(cid(), book.alice.id, book.carol.id, 10, "TIME"),
    ])
    # then the first and third post, the second is refused for lack of credits
    assert [r.error for r in results] == [None, "EXCEEDS_CREDITS", None]
    assert results[1].transfer_id is None and results[1].balances == {}
    assert results[0].balances[book.alice.id].available == 10
    assert results[2].balances[book.alice.id].available == 0
    assert api.balances([book.bob.id, book.carol.id]) == {
        book.bob.id: Balance(credits_posted=50),
        book.carol.id: Balance(credits_posted=10),
    }


def test_it_posts_a_linked_chain_all_or_nothing(book: Book) -> None:
    # given alice with 100 minutes
    book.fund(book.alice, 100)
    before = snapshot()
    # when a chain of three linked transfers has its last one fail, followed by an unlinked one
    results = api.create_transfers([
        TransferRequest(cid(), book.alice.id, book.bob.id, 40, "TIME", linked=True),
        TransferRequest(cid(), book.alice.id, book.carol.id, 40, "TIME", linked=True),
        TransferRequest(cid(), book.alice.id, book.carol.id, 40, "TIME"),
        TransferRequest(cid(), book.alice.id, book.bob.id, 5, "TIME"),
    ])
    # then none of the chain posted: the failing one names why, the others say the chain failed
    assert [r.error for r in results] == ["LINKED_EVENT_FAILED", "LINKED_EVENT_FAILED", "EXCEEDS_CREDITS", None]
    # and only the independent transfer after the chain changed anything
    assert Transfer.objects.count() == before[0] + 1
    assert api.balance(book.alice.id).available == 95 and api.balance(book.carol.id).posted == 0
    # when the chain fits, every member posts
    ok = api.create_transfers([
        TransferRequest(cid(), book.alice.id, book.bob.id, 40, "TIME", linked=True),
        TransferRequest(cid(), book.alice.id, book.carol.id, 40, "TIME"),
    ])
    assert all(r.ok for r in ok) and api.balance(book.alice.id).available == 15


def test_it_undoes_everything_when_the_callers_transaction_rolls_back(book: Book) -> None:
    # given a caller that posts inside its own transaction and then fails
    before = snapshot()
    with pytest.raises(RuntimeError), transaction.atomic():
        book.fund(book.alice, 60)
        raise RuntimeError("caller failed after posting")
    # then the transfer is gone with the caller's transaction
    assert snapshot() == before


def test_it_holds_posts_part_of_and_releases_a_pending_transfer(book: Book) -> None:
    # given alice with 120 minutes and a pending transfer of 100 to bob
    book.fund(book.alice, 120)
    pending = api.transfer(client_id=cid(), debit_account_id=book.alice.id, credit_account_id=book.bob.id,
                           amount=100, ledger="TIME", pending=True, code="redeem")
    # then the hold lowers alice's available balance but not her posted balance
    alice = pending.balances[book.alice.id]
    assert (alice.posted, alice.available, alice.debits_pending) == (120, 20, 100)
    # and a transfer beyond what is available is refused
    with pytest.raises(LedgerError) as exc:
        api.transfer(client_id=cid(), debit_account_id=book.alice.id, credit_account_id=book.carol.id, amount=21,
                     ledger="TIME")
    assert exc.value.code == "EXCEEDS_CREDITS"
    # when 70 of the 100 are posted
    posted = api.post_pending(client_id=cid(), pending_id=pending.transfer_id, amount=70)
    # then 70 moved and the other 30 came back to alice
    assert posted.balances[book.alice.id] == Balance(debits_posted=70, credits_posted=120)
    assert posted.balances[book.bob.id] == Balance(credits_posted=70)
    resolution = Transfer.objects.get(id=posted.transfer_id)
    assert (resolution.phase, resolution.pending_id, resolution.amount) == ("post", pending.transfer_id, 70)
    # and it cannot be resolved again
    for call in (lambda: api.void_pending(client_id=cid(), pending_id=pending.transfer_id),
                 lambda: api.post_pending(client_id=cid(), pending_id=pending.transfer_id)):
        with pytest.raises(LedgerError) as exc:
            call()
        assert exc.value.code == "PENDING_ALREADY_RESOLVED"


def test_it_voids_a_pending_transfer(book: Book) -> None:
    # given a pending transfer of 50 from alice
    book.fund(book.alice, 50)
    pending = api.transfer(client_id=cid(), debit_account_id=book.alice.id, credit_account_id=book.bob.id,
                           amount=50, ledger="TIME", pending=True)
    # when it is voided
    voided = api.void_pending(client_id=cid(), pending_id=pending.transfer_id)
    # then alice has all 50 available again and bob got nothing
    assert voided.balances[book.alice.id] == Balance(credits_posted=50)
    assert api.balance(book.bob.id) == Balance()
    assert Transfer.objects.get(id=voided.transfer_id).phase == "void"


def test_it_refuses_to_post_more_than_is_pending(book: Book) -> None:
    book.fund(book.alice, 50)
    pending = api.transfer(client_id=cid(), debit_account_id=book.alice.id, credit_account_id=book.bob.id,
                           amount=30, ledger="TIME", pending=True)
    before = snapshot()
    with pytest.raises(LedgerError) as exc:
        api.post_pending(client_id=cid(), pending_id=pending.transfer_id, amount=31)
    assert exc.value.code == "POST_EXCEEDS_PENDING" and snapshot() == before
    with pytest.raises(LedgerError) as exc:
        api.post_pending(client_id=cid(), pending_id=999_999_999)
    assert exc.value.code == "PENDING_NOT_FOUND" and snapshot() == before
    # a posted (not pending) transfer cannot be posted either
    plain = book.fund(book.bob, 5)
    with pytest.raises(LedgerError) as exc:
        api.void_pending(client_id=cid(), pending_id=plain.transfer_id)
    assert exc.value.code == "PENDING_NOT_FOUND"


def test_it_expires_a_pending_transfer_after_its_timeout(book: Book) -> None:
    from datetime import timedelta

    from django.utils import timezone

    # given a pending transfer with a 60 s timeout and one without a timeout
    book.fund(book.alice, 100)
    timed = api.transfer(client_id=cid(), debit_account_id=book.alice.id, credit_account_id=book.bob.id,
                         amount=40, ledger="TIME", pending=True, timeout_seconds=60)
    api.transfer(client_id=cid(), debit_account_id=book.alice.id, credit_account_id=book.bob.id,
                 amount=10, ledger="TIME", pending=True)
    # when expiry runs before the timeout, nothing happens
    assert api.expire_pending(timezone.now() + timedelta(seconds=30)) == 0
    # when it runs after, the timed hold is released, the other stays
    assert api.expire_pending(timezone.now() + timedelta(seconds=61)) == 1
    assert api.balance(book.alice.id) == Balance(credits_posted=100, debits_pending=10)
    assert Transfer.objects.filter(pending_id=timed.transfer_id, phase="expire").count() == 1
    # and it is not expired twice, nor can it be posted any more
    assert api.expire_pending(timezone.now() + timedelta(seconds=120)) == 0
    with pytest.raises(LedgerError) as exc:
        api.post_pending(client_id=cid(), pending_id=timed.transfer_id)
    assert exc.value.code == "PENDING_EXPIRED"


def test_it_refuses_to_post_a_pending_transfer_whose_timeout_passed_before_expiry_ran(book: Book) -> None:
    import time

    # given a hold of 40 with a one-second timeout, and the second gone by without the expiry job running
    book.fund(book.alice, 100)
    timed = api.transfer(client_id=cid(), debit_account_id=book.alice.id, credit_account_id=book.bob.id,
                         amount=40, ledger="TIME", pending=True, timeout_seconds=1)
    time.sleep(1.2)
    # when someone posts it, then voids it
    for call in (lambda: api.post_pending(client_id=cid(), pending_id=timed.transfer_id),
                 lambda: api.void_pending(client_id=cid(), pending_id=timed.transfer_id)):
        with pytest.raises(LedgerError) as exc:
            call()
        # then both are refused as expired, and the hold is still there for the expiry job to release
        assert exc.value.code == "PENDING_EXPIRED"
    assert api.balance(book.alice.id).debits_pending == 40
    assert api.expire_pending() == 1
    assert api.balance(book.alice.id) == Balance(credits_posted=100)


def test_it_reverses_a_transfer_with_a_new_transfer_pointing_at_it(book: Book) -> None:
    # given 100 minutes issued to alice by mistake
    wrong = book.fund(book.alice, 100)
    # when 30 are reversed, then the rest
    part = api.reverse(client_id=cid(), transfer_id=wrong.transfer_id, amount=30, memo={"reason": "录错"})
    rest = api.reverse(client_id=cid(), transfer_id=wrong.transfer_id)
    # then two new transfers point at the original, which is unchanged, and alice is back to zero
    assert Transfer.objects.get(id=part.transfer_id).reverses_id == wrong.transfer_id
    rest_row = Transfer.objects.get(id=rest.transfer_id)
    assert (rest_row.reverses_id, rest_row.amount, rest_row.debit_account_id) == (wrong.transfer_id, 70, book.alice.id)
    assert Transfer.objects.get(id=wrong.transfer_id).amount == 100
    assert api.balance(book.alice.id).posted == 0
    # and nothing more can be reversed
    before = snapshot()
    with pytest.raises(LedgerError) as exc:
        api.reverse(client_id=cid(), transfer_id=wrong.transfer_id, amount=1)
    assert exc.value.code == "REVERSAL_EXCEEDS_ORIGINAL" and snapshot() == before


def test_it_refuses_a_reversal_the_credited_account_can_no_longer_pay(book: Book) -> None:
    # given alice earned 60 and gave 50 to bob
    earned = book.fund(book.alice, 60)
    api.transfer(client_id=cid(), debit_account_id=book.alice.id, credit_account_id=book.bob.id, amount=50,
                 ledger="TIME")
    before = snapshot()
    # when the earning is reversed whole
    with pytest.raises(LedgerError) as exc:
        api.reverse(client_id=cid(), transfer_id=earned.transfer_id)
    # then alice's no-overdraft rule refuses it
    assert exc.value.code == "EXCEEDS_CREDITS" and snapshot() == before
    with pytest.raises(LedgerError) as exc:
        api.reverse(client_id=cid(), transfer_id=123_456_789)
    assert exc.value.code == "TRANSFER_NOT_FOUND"


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"amount": 0}, "AMOUNT_INVALID"),
        ({"amount": -5}, "AMOUNT_INVALID"),
        ({"amount": 10**15 + 1}, "AMOUNT_INVALID"),
        ({"amount": 2**63}, "AMOUNT_INVALID"),
        ({"amount": 2**70}, "AMOUNT_INVALID"),
        ({"amount": 1.5}, "AMOUNT_INVALID"),
        ({"amount": True}, "AMOUNT_INVALID"),
        ({"amount": "10"}, "AMOUNT_INVALID"),
        ({"credit_account_id": "cny_donor"}, "LEDGER_MISMATCH"),
        ({"ledger": "CNY"}, "LEDGER_MISMATCH"),
        ({"ledger": "USD"}, "LEDGER_MISMATCH"),
        ({"credit_account_id": 987_654_321}, "ACCOUNT_NOT_FOUND"),
        ({"credit_account_id": 2**64}, "ACCOUNT_NOT_FOUND"),
        ({"credit_account_id": "alice"}, "SAME_ACCOUNT"),
        ({"client_id": ""}, "CLIENT_ID_INVALID"),
        ({"client_id": "x" * 129}, "CLIENT_ID_INVALID"),
        ({"code": "x" * 33}, "FIELDS_INVALID"),
        ({"memo": {"bad": object()}}, "FIELDS_INVALID"),
        ({"timeout_seconds": 30}, "FIELDS_INVALID"),
        ({"pending": True, "timeout_seconds": -1}, "FIELDS_INVALID"),
        ({"amount": 61}, "EXCEEDS_CREDITS"),
    ],
)
def test_it_refuses_bad_input_with_a_typed_error_and_writes_nothing(book: Book, change: dict, code: str) -> None:
    # given alice with 60 minutes
    book.fund(book.alice, 60)
    before = snapshot()
    fields = {"client_id": cid(), "debit_account_id": book.alice.id, "credit_account_id": book.bob.id,
              "amount": 10, "ledger": "TIME"}
    for key, value in change.items():
        fields[key] = getattr(book, value).id if key.endswith("account_id") and isinstance(value, str) else value
    # when the transfer is asked for with the bad field
    with pytest.raises(LedgerError) as exc:
        api.transfer(**fields)
    # then it is refused with the code, and nothing was written
    assert exc.value.code == code
    assert snapshot() == before


def test_it_refuses_transfers_on_a_closed_account(book: Book) -> None:
    # given alice with 60 minutes, whose account is then closed
    book.fund(book.alice, 60)
    api.account_close(account_id=book.alice.id)
    before = snapshot()
    # when anyone moves minutes from or to her
    for debit, credit in ((book.alice, book.bob), (book.issuer, book.alice)):
        with pytest.raises(LedgerError) as exc:
            api.transfer(client_id=cid(), debit_account_id=debit.id, credit_account_id=credit.id, amount=5,
                         ledger="TIME")
        # then it is refused and nothing changed
        assert exc.value.code == "ACCOUNT_CLOSED"
    assert snapshot() == before
    with pytest.raises(LedgerError) as exc:
        api.account_close(account_id=987_654_321)
    assert exc.value.code == "ACCOUNT_NOT_FOUND"


def test_it_keeps_a_credit_limit_and_the_credits_must_not_exceed_debits_flag(book: Book) -> None:
    # given an account that may overdraw by 30, and one whose credits must not exceed its debits
    overdraft = api.account_open(ledger="TIME", code="t-overdraft", credit_limit=30)
    sink = api.account_open(ledger="TIME", code="t-sink", debits_must_not_exceed_credits=False,
                            credits_must_not_exceed_debits=True)
    # then the first may go to -30 and no further
    api.transfer(client_id=cid(), debit_account_id=overdraft.id, credit_account_id=book.bob.id, amount=30,
                 ledger="TIME")
    with pytest.raises(LedgerError) as exc:
        api.transfer(client_id=cid(), debit_account_id=overdraft.id, credit_account_id=book.bob.id, amount=1,
                     ledger="TIME")
    assert exc.value.code == "EXCEEDS_CREDIT_LIMIT"
    # and the second takes only what it has given out
    with pytest.raises(LedgerError) as exc:
        api.transfer(client_id=cid(), debit_account_id=book.issuer.id, credit_account_id=sink.id, amount=1,
                     ledger="TIME")
    assert exc.value.code == "EXCEEDS_DEBITS"
    api.transfer(client_id=cid(), debit_account_id=sink.id, credit_account_id=book.bob.id, amount=5, ledger="TIME")
    api.transfer(client_id=cid(), debit_account_id=book.bob.id, credit_account_id=sink.id, amount=5, ledger="TIME")
    assert api.balance(sink.id).posted == 0


def test_it_opens_an_account_once_per_code(book: Book) -> None:
    again = api.account_open(ledger="TIME", code="t-alice", group="other")
    assert again.id == book.alice.id and again.group == "north"
    assert api.account_get("t-alice").id == book.alice.id and api.account_get("nobody") is None
    with pytest.raises(LedgerError) as exc:
        api.account_open(ledger="CNY", code="t-alice")
    assert exc.value.code == "LEDGER_MISMATCH"
    with pytest.raises(LedgerError) as exc:
        api.account_open(ledger="TIME", code="t-neg", credit_limit=-1)
    assert exc.value.code == "FIELDS_INVALID"


def test_it_totals_a_group_from_balance_rows(book: Book) -> None:
    # given alice and bob in the north group, carol in the south
    book.fund(book.alice, 10)
    book.fund(book.bob, 20)
    book.fund(book.carol, 40)
    api.transfer(client_id=cid(), debit_account_id=book.bob.id, credit_account_id=book.carol.id, amount=5,
                 ledger="TIME", pending=True)
    # then each group's total is the sum of its accounts
    north = api.group_balance("north")
    assert (north.posted, north.available) == (30, 25)
    assert api.group_balance("south") == Balance(credits_posted=40, credits_pending=5)
    assert api.group_balance("nobody") == Balance()


def test_it_lists_an_accounts_history_newest_first(book: Book) -> None:
    book.fund(book.alice, 60)
    api.transfer(client_id=cid(), debit_account_id=book.alice.id, credit_account_id=book.bob.id, amount=15,
                 ledger="TIME", code="give", memo={"to": "bob"})
    rows = list(api.account_history(book.alice.id)[:10])
    assert [(r.direction, r.amount, r.code, r.other_account_id) for r in rows] == [
        ("debit", 15, "give", book.bob.id),
        ("credit", 60, "earn", book.issuer.id),
    ]
    assert rows[0].memo == {"to": "bob"} and rows[0].created_at is not None and rows[0].other_account_code == "t-bob"
    assert api.account_history(book.carol.id).count() == 0


def test_it_replays_a_duplicate_client_id_inside_one_batch(book: Book) -> None:
    book.fund(book.alice, 60)
    same = TransferRequest("dup-1", book.alice.id, book.bob.id, 10, "TIME")
    other = TransferRequest("dup-1", book.alice.id, book.bob.id, 11, "TIME")
    results = api.create_transfers([same, same, other])
    assert [(r.ok, r.replayed, r.error) for r in results] == [
        (True, False, None), (True, True, None), (False, False, "IDEMPOTENCY_MISMATCH"),
    ]
    assert results[0].transfer_id == results[1].transfer_id
    assert api.balance(book.bob.id).posted == 10


def test_it_keeps_transfers_within_one_ledger(book: Book) -> None:
    # CNY transfers work on their own ledger
    result = api.transfer(client_id=cid(), debit_account_id=book.cny_fund.id, credit_account_id=book.cny_donor.id,
                          amount=12_345, ledger="CNY")
    assert result.balances[book.cny_donor.id].posted == 12_345
    assert Transfer.objects.get(id=result.transfer_id).ledger == "CNY"


def test_it_answers_a_single_plain_transfer_exactly_as_the_batch_path_does(book: Book) -> None:
    # given the accounts in several states
    book.fund(book.alice, 30)
    overdraft = api.account_open(ledger="TIME", code="t-od", credit_limit=10)
    sink = api.account_open(ledger="TIME", code="t-sink2", debits_must_not_exceed_credits=False,
                            credits_must_not_exceed_debits=True)
    closed = api.account_open(ledger="TIME", code="t-closed")
    api.account_close(account_id=closed.id)
    api.transfer(client_id="parity-used", debit_account_id=book.issuer.id, credit_account_id=book.bob.id,
                 amount=7, ledger="TIME")
    cases = [
        (book.alice.id, book.bob.id, 5, {}),
        (book.alice.id, book.bob.id, 5, {"pending": True, "timeout_seconds": 60}),
        (book.alice.id, book.bob.id, 500, {}),
        (book.alice.id, book.alice.id, 5, {}),
        (book.alice.id, 987_654_321, 5, {}),
        (book.alice.id, closed.id, 5, {}),
        (book.alice.id, book.cny_donor.id, 5, {}),
        (book.alice.id, book.bob.id, 5, {"ledger": "CNY"}),
        (overdraft.id, book.bob.id, 11, {}),
        (book.issuer.id, sink.id, 1, {}),
        (book.alice.id, book.bob.id, 5, {"timeout_seconds": 5}),
    ]
    for i, (debit, credit, amount, extra) in enumerate(cases):
        fields = {"debit_account_id": debit, "credit_account_id": credit, "amount": amount, "ledger": "TIME", **extra}
        # when the same request goes through the single-transfer function and through the batch function
        before = api.balances([debit, credit])
        one = api._run([TransferRequest(client_id=f"parity-one-{i}", **fields)])[0]
        after_one = api.balances([debit, credit])
        many = api._run([TransferRequest(client_id=f"parity-many-{i}", **fields)], single_path=False)[0]
        # then both answer alike
        assert (one.ok, one.error, one.replayed) == (many.ok, many.error, many.replayed), (i, one, many)
        # and the single path's balances are those now stored (a refusal leaves both rows as they were: it
        # moves them first and back again)
        if one.ok:
            assert one.balances == after_one and after_one != before, (i, one, before, after_one)
        else:
            assert after_one == before and one.balances == {}, (i, one, before, after_one)
            assert not Transfer.objects.filter(client_id=f"parity-one-{i}").exists()
    # and so do a replay and a reuse of a client id with another body
    used = {"debit_account_id": book.issuer.id, "credit_account_id": book.bob.id, "ledger": "TIME"}
    for amount, expected in ((7, (True, None, True)), (8, (False, "IDEMPOTENCY_MISMATCH", False))):
        for single_path in (True, False):
            result = api._run([TransferRequest(client_id="parity-used", amount=amount, **used)],
                              single_path=single_path)[0]
            assert (result.ok, result.error, result.replayed) == expected
