"""Ledger fixtures: a TIME issuer (may go negative: it mints), three volunteers, a CNY pair; helpers."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest

from ledger import api
from ledger.models import Account, Entry, Transfer

_ids = itertools.count(1)


def cid(prefix: str = "t") -> str:
    """A fresh client id."""
    return f"{prefix}-{next(_ids)}"


@dataclass
class Book:
    issuer: Account
    alice: Account
    bob: Account
    carol: Account
    cny_fund: Account
    cny_donor: Account

    def fund(self, account: Account, amount: int) -> api.TransferResult:
        return api.transfer(client_id=cid("fund"), debit_account_id=self.issuer.id, credit_account_id=account.id,
                            amount=amount, ledger="TIME", code="earn")


@pytest.fixture
def book(db: Any) -> Book:
    return Book(
        issuer=api.account_open(ledger="TIME", code="t-issuer", name="发行账户", debits_must_not_exceed_credits=False),
        alice=api.account_open(ledger="TIME", code="t-alice", group="north"),
        bob=api.account_open(ledger="TIME", code="t-bob", group="north"),
        carol=api.account_open(ledger="TIME", code="t-carol", group="south"),
        cny_fund=api.account_open(ledger="CNY", code="c-fund", debits_must_not_exceed_credits=False),
        cny_donor=api.account_open(ledger="CNY", code="c-donor"),
    )


def snapshot() -> tuple[int, int, list[tuple[Any, ...]]]:
    """Everything a failed call must leave as it was: row counts and every balance."""
    rows = list(
        Account.objects.order_by("id").values_list(
            "id", "debits_posted", "credits_posted", "debits_pending", "credits_pending", "closed"
        )
    )
    return Transfer.objects.count(), Entry.objects.count(), rows
