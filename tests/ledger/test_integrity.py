"""Seals and verify: a clean ledger verifies; an edit made behind the triggers' back is found and named."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from ledger import api, integrity
from ledger.api import TransferRequest
from ledger.models import Seal, Transfer

pytestmark = pytest.mark.django_db(transaction=True)


def seal_everything(expected: int) -> None:
    """Seal until `expected` transfers are sealed. Sealing waits for every older transaction in the cluster to
    end (other test runs share the server), so this polls, bounded."""
    deadline = time.monotonic() + 60
    while sum(Seal.objects.values_list("transfer_count", flat=True)) < expected:
        integrity.seal(max_transfers=7)  # small blocks: several seals in the chain
        assert time.monotonic() < deadline, "sealing did not catch up within 60 s"
        time.sleep(0.05)


@pytest.fixture
def ledger_with_history() -> Iterator[dict[str, int]]:
    issuer = api.account_open(ledger="TIME", code="v-issuer", debits_must_not_exceed_credits=False)
    alice = api.account_open(ledger="TIME", code="v-alice")
    bob = api.account_open(ledger="TIME", code="v-bob")
    results = api.create_transfers([TransferRequest(f"v-{i}", issuer.id, alice.id, 10 + i, "TIME") for i in range(20)])
    pending = api.transfer(client_id="v-p", debit_account_id=alice.id, credit_account_id=bob.id, amount=50,
                           ledger="TIME", pending=True)
    api.post_pending(client_id="v-post", pending_id=pending.transfer_id, amount=20)
    api.reverse(client_id="v-rev", transfer_id=results[3].transfer_id)
    seal_everything(Transfer.objects.count())
    yield {"issuer": issuer.id, "alice": alice.id, "bob": bob.id, "tenth": results[9].transfer_id,
           "post": Transfer.objects.get(client_id="v-post").id}


def behind_the_triggers(sql: str, *params: object) -> None:
    with connection.cursor() as cursor:
        for table in ("ledger_transfer", "ledger_entry", "ledger_seal"):
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {table}_append_only")
        try:
            cursor.execute(sql, params)
        finally:
            for table in ("ledger_transfer", "ledger_entry", "ledger_seal"):
                cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER {table}_append_only")


def test_it_verifies_a_clean_ledger(ledger_with_history: dict[str, int]) -> None:
    report = integrity.verify()
    assert report.ok, report.lines()
    assert report.transfers == report.sealed == Transfer.objects.count() == 23
    assert report.seals >= 2 and report.accounts == 3 and len(report.head) == 64


def test_it_names_a_transfer_whose_amount_was_edited(ledger_with_history: dict[str, int]) -> None:
    # given the tenth transfer's amount and its entries edited consistently, balances fixed up too
    tenth = ledger_with_history["tenth"]
    behind_the_triggers("UPDATE ledger_transfer SET amount = amount + 100 WHERE id = %s", tenth)
    behind_the_triggers("UPDATE ledger_entry SET posted = posted + 100 WHERE transfer_id = %s", tenth)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_account SET credits_posted = credits_posted + 100 WHERE id = %s",
                       [ledger_with_history["alice"]])
        cursor.execute("UPDATE ledger_account SET debits_posted = debits_posted + 100 WHERE id = %s",
                       [ledger_with_history["issuer"]])
    # when verify runs
    report = integrity.verify()
    # then it names that transfer: its digest differs from the one sealed
    assert not report.ok
    assert report.first_bad_transfer == tenth and "digest" in report.bad_transfer_reason
    assert report.bad_accounts == []


def test_it_names_a_transfer_whose_entry_was_edited(ledger_with_history: dict[str, int]) -> None:
    post = ledger_with_history["post"]
    behind_the_triggers("UPDATE ledger_entry SET posted = posted - 5 WHERE transfer_id = %s AND is_debit", post)
    report = integrity.verify()
    assert report.first_bad_transfer == post and "entries" in report.bad_transfer_reason
    assert report.bad_accounts == [ledger_with_history["alice"]]


def test_it_names_a_deleted_transfer(ledger_with_history: dict[str, int]) -> None:
    tenth = ledger_with_history["tenth"]
    behind_the_triggers("DELETE FROM ledger_entry WHERE transfer_id = %s", tenth)
    behind_the_triggers("DELETE FROM ledger_transfer WHERE id = %s", tenth)
    report = integrity.verify()
    assert report.first_bad_transfer == tenth and "missing" in report.bad_transfer_reason


def test_it_names_accounts_whose_balance_does_not_match_their_entries(ledger_with_history: dict[str, int]) -> None:
    with connection.cursor() as cursor:
        cursor.execute("UPDATE ledger_account SET credits_posted = credits_posted + 1 WHERE id = %s",
                       [ledger_with_history["bob"]])
    report = integrity.verify()
    assert not report.ok and report.bad_accounts == [ledger_with_history["bob"]]
    assert report.first_bad_transfer is None


def test_it_finds_a_rewritten_seal(ledger_with_history: dict[str, int]) -> None:
    # given a seal in the middle of the chain rewritten with a hash that matches its own (forged) digests
    first, second = Seal.objects.order_by("xid_from")[:2]
    behind_the_triggers(
        # (the first byte flipped: a fixed byte would leave the 1 in 256 digests that start with it unchanged)
        "UPDATE ledger_seal SET digests = set_byte(digests, 0, 255 - get_byte(digests, 0)), "
        "hash = sha256(prev_hash || set_byte(digests, 0, 255 - get_byte(digests, 0))) WHERE id = %s",
        first.id,
    )
    report = integrity.verify()
    # then the next seal no longer chains to it, and the forged transfer's digest differs
    assert report.bad_seal == second.id and report.bad_seal_reason == "chain broken"
    assert report.first_bad_transfer == first.ids[0]


def test_it_checks_unsealed_transfers_entries_too() -> None:
    issuer = api.account_open(ledger="TIME", code="u-issuer", debits_must_not_exceed_credits=False)
    alice = api.account_open(ledger="TIME", code="u-alice")
    result = api.transfer(client_id="u-1", debit_account_id=issuer.id, credit_account_id=alice.id, amount=5,
                          ledger="TIME")
    # an extra entry inserted (inserts are allowed: append-only) unbalances the transfer before it is sealed
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM ledger_open_pending")  # unrelated mutable table stays usable
    behind_the_triggers("UPDATE ledger_entry SET account_id = %s WHERE transfer_id = %s AND NOT is_debit",
                        issuer.id, result.transfer_id)
    report = integrity.verify()
    assert report.first_bad_transfer == result.transfer_id


def test_the_command_reports_ok_and_fails_naming_the_transfer(
    ledger_with_history: dict[str, int], capsys: pytest.CaptureFixture[str]
) -> None:
    # given a verified ledger, the command says OK
    call_command("ledger_verify")
    assert "OK" in capsys.readouterr().out
    call_command("ledger_seal")
    assert "head" in capsys.readouterr().out
    # when a transfer's memo is edited behind the triggers' back
    tenth = ledger_with_history["tenth"]
    behind_the_triggers("UPDATE ledger_transfer SET memo = '{\"edited\": true}' WHERE id = %s", tenth)
    # then the command fails and names it
    with pytest.raises(CommandError, match=f"first bad transfer {tenth}"):
        call_command("ledger_verify")
    assert f"FIRST BAD TRANSFER: {tenth}" in capsys.readouterr().out


def test_it_names_a_transfer_deleted_before_sealing_by_its_left_over_entries() -> None:
    issuer = api.account_open(ledger="TIME", code="o-issuer", debits_must_not_exceed_credits=False)
    alice = api.account_open(ledger="TIME", code="o-alice")
    result = api.transfer(client_id="o-1", debit_account_id=issuer.id, credit_account_id=alice.id, amount=5,
                          ledger="TIME")
    behind_the_triggers("DELETE FROM ledger_transfer WHERE id = %s", result.transfer_id)
    report = integrity.verify()
    assert report.first_bad_transfer == result.transfer_id and "without a transfer row" in report.bad_transfer_reason


def test_it_still_verifies_seals_of_the_first_encoding() -> None:
    # given transfers sealed the way the first seals were made (encoding 1: text of transfer and entries)
    issuer = api.account_open(ledger="TIME", code="e1-issuer", debits_must_not_exceed_credits=False)
    alice = api.account_open(ledger="TIME", code="e1-alice")
    results = api.create_transfers([TransferRequest(f"e1-{i}", issuer.id, alice.id, 5 + i, "TIME") for i in range(3)])
    ids = [r.transfer_id for r in results]
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO ledger_seal (xid_from, xid_to, transfer_count, ids, digests, prev_hash, hash, encoding, "
            "created_at) SELECT 0, max(t.txid) + 1, count(*), array_agg(t.id ORDER BY t.id), "
            "string_agg(ledger_transfer_digest_v1(t), ''::bytea ORDER BY t.id), %s, "
            "sha256(%s || string_agg(ledger_transfer_digest_v1(t), ''::bytea ORDER BY t.id)), 1, now() "
            "FROM ledger_transfer t",
            [integrity.GENESIS, integrity.GENESIS],
        )
    # then they verify, and an edited entry of one of them is still named
    assert integrity.verify().ok
    behind_the_triggers("UPDATE ledger_entry SET posted = posted + 1, account_id = account_id WHERE transfer_id = %s "
                        "AND is_debit", ids[1])
    behind_the_triggers("UPDATE ledger_entry SET posted = posted + 1 WHERE transfer_id = %s AND NOT is_debit", ids[1])
    report = integrity.verify()
    assert report.first_bad_transfer == ids[1]


def test_it_seals_only_what_no_open_transaction_of_this_database_can_still_precede() -> None:
    import psycopg

    params = connection.get_connection_params()
    issuer = api.account_open(ledger="TIME", code="h-issuer", debits_must_not_exceed_credits=False)
    alice = api.account_open(ledger="TIME", code="h-alice")
    issuer2 = api.account_open(ledger="TIME", code="h-issuer2", debits_must_not_exceed_credits=False)
    bob = api.account_open(ledger="TIME", code="h-bob")
    other_db = {**params, "dbname": "postgres"}
    # given a transaction open in another database, and one in this database that posted but has not committed
    with psycopg.connect(**other_db) as elsewhere, psycopg.connect(**params) as slow:
        elsewhere.execute("SELECT pg_current_xact_id()")
        slow.execute("SELECT * FROM ledger_transfer_one('h-slow', '\\x01', %s, %s, 5, 'TIME', '', false, NULL, '{}')",
                     [issuer.id, alice.id])
        # when a later transfer commits and the sealer runs
        later = api.transfer(client_id="h-later", debit_account_id=issuer2.id, credit_account_id=bob.id, amount=3,
                             ledger="TIME")  # other accounts: the open transaction holds issuer's and alice's rows
        integrity.seal()
        # then the later transfer is not sealed yet: the open one (an earlier transaction) could still commit
        # below it; the other database's transaction does not matter
        assert not Seal.objects.filter(ids__contains=[later.transfer_id]).exists()
        slow.commit()
    seal_everything(Transfer.objects.count())
    assert integrity.verify().ok
    assert Seal.objects.filter(ids__contains=[later.transfer_id]).exists()


def test_the_background_jobs_seal_and_expire() -> None:
    from datetime import timedelta

    from django.utils import timezone

    from ledger import tasks

    # given a committed transfer and a pending one whose timeout has passed
    issuer = api.account_open(ledger="TIME", code="j-issuer", debits_must_not_exceed_credits=False)
    alice = api.account_open(ledger="TIME", code="j-alice")
    api.transfer(client_id="j-1", debit_account_id=issuer.id, credit_account_id=alice.id, amount=9, ledger="TIME")
    held = api.transfer(client_id="j-2", debit_account_id=issuer.id, credit_account_id=alice.id, amount=4,
                        ledger="TIME", pending=True, timeout_seconds=1)
    # when the jobs run (called as the worker would call them)
    deadline = time.monotonic() + 60
    while not Seal.objects.exists():
        tasks.seal_transfers(timestamp=0)
        assert time.monotonic() < deadline
    with connection.cursor() as cursor:  # the hold's timeout passes without waiting: move "now" past it
        cursor.execute("SELECT expires_at FROM ledger_open_pending WHERE transfer_id = %s", [held.transfer_id])
        assert cursor.fetchone()[0] < timezone.now() + timedelta(seconds=2)
    time.sleep(1.1)
    assert tasks.expire_pending_transfers(timestamp=0) == 1
    # then the transfers are sealed and the hold released
    assert api.balance(alice.id).credits_pending == 0
    assert integrity.verify().ok
